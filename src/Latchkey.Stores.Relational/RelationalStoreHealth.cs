using Latchkey.Storage;

namespace Latchkey.Stores.Relational;

/// <summary>Readiness of a SQL database: it opens and answers a query.</summary>
public class RelationalStoreHealth : IStoreHealth
{
    private readonly RelationalDatabase _database;

    /// <summary>Creates the probe.</summary>
    public RelationalStoreHealth(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public string Name => _database.Name;

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
