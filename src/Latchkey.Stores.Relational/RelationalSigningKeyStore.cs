using Latchkey.Keys;

namespace Latchkey.Stores.Relational;

/// <summary>Signing keys (private halves encrypted) in a SQL database; the unique sequence lets one node add each key.</summary>
public class RelationalSigningKeyStore : ISigningKeyStore
{
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalSigningKeyStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredSigningKey>> ListAsync(CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<StoredSigningKey>>(async connection =>
        {
            await using var command = connection.Command("SELECT kid, sequence, algorithm, created_at, activates_at, private_key FROM signing_keys ORDER BY sequence");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<StoredSigningKey>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(new StoredSigningKey(
                    reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetTime(3), reader.GetTime(4), reader.GetBytes(5)));
            }

            return keys;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "INSERT INTO signing_keys (kid, sequence, algorithm, created_at, activates_at, private_key) VALUES (@kid, @seq, @alg, @created, @activates, @key) ON CONFLICT DO NOTHING",
                ("kid", key.Kid), ("seq", key.Sequence), ("alg", key.Algorithm),
                ("created", key.CreatedAt.ToUnixMs()), ("activates", key.ActivatesAt.ToUnixMs()), ("key", key.EncryptedPrivateKey));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteBeforeAsync(long sequence, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("DELETE FROM signing_keys WHERE sequence < @seq", ("seq", sequence));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteRangeAsync(long fromSequence, long beforeSequence, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "DELETE FROM signing_keys WHERE sequence >= @from AND sequence < @before", ("from", fromSequence), ("before", beforeSequence));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
