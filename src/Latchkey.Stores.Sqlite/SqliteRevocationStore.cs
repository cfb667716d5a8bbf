using Latchkey.Revocation;
using static Latchkey.Stores.Sqlite.SqliteValues;

namespace Latchkey.Stores.Sqlite;

/// <summary>Revocation entries in the embedded database.</summary>
public sealed class SqliteRevocationStore : IRevocationStore
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the store.</summary>
    public SqliteRevocationStore(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task AddAsync(RevocationEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _database.RunAsync(async connection =>
        {
            // A user's generation only grows; a later expiry wins.
            await using var command = connection.Command(
                """
                INSERT INTO revocations (kind, id, generation, expires_at) VALUES ($kind, $id, $gen, $expires)
                ON CONFLICT (kind, id) DO UPDATE SET
                    generation = max(generation, excluded.generation),
                    expires_at = max(expires_at, excluded.expires_at)
                """,
                ("$kind", (long)entry.Kind), ("$id", entry.Id), ("$gen", entry.Generation), ("$expires", ToUnixMs(entry.ExpiresAt)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RevocationEntry>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<RevocationEntry>>(async connection =>
        {
            await using var command = connection.Command("SELECT kind, id, generation, expires_at FROM revocations WHERE expires_at > $now", ("$now", ToUnixMs(now)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<RevocationEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new RevocationEntry((RevocationKind)reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), FromUnixMs(reader.GetInt64(3))));
            }

            return entries;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("DELETE FROM revocations WHERE expires_at <= $now", ("$now", ToUnixMs(now)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
