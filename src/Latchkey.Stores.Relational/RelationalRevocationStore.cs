using Latchkey.Revocation;

namespace Latchkey.Stores.Relational;

/// <summary>Revocation entries in a SQL database.</summary>
public class RelationalRevocationStore : IRevocationStore
{
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalRevocationStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task AddAsync(RevocationEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            // A user's generation only grows; a later expiry wins.
            await using var command = transaction.Command(
                $"""
                INSERT INTO revocations (kind, id, generation, expires_at) VALUES (@kind, @id, @gen, @expires)
                ON CONFLICT (kind, id) DO UPDATE SET
                    generation = {_database.Greatest("revocations.generation", "excluded.generation")},
                    expires_at = {_database.Greatest("revocations.expires_at", "excluded.expires_at")}
                """,
                ("kind", (long)entry.Kind), ("id", entry.Id), ("gen", entry.Generation), ("expires", entry.ExpiresAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RevocationEntry>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<RevocationEntry>>(async connection =>
        {
            await using var command = connection.Command("SELECT kind, id, generation, expires_at FROM revocations WHERE expires_at > @now", ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<RevocationEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new RevocationEntry((RevocationKind)reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetTime(3)));
            }

            return entries;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("DELETE FROM revocations WHERE expires_at <= @now", ("now", now.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
