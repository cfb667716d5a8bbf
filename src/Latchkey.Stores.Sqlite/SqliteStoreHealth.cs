using Latchkey.Storage;

namespace Latchkey.Stores.Sqlite;

/// <summary>Readiness of the embedded database: it opens and answers a query.</summary>
public sealed class SqliteStoreHealth : IStoreHealth
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the probe.</summary>
    public SqliteStoreHealth(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _database.RunAsync(async connection =>
            {
                await using var command = connection.Command("SELECT COUNT(*) FROM schema_migrations");
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }
}
