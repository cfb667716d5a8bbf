using Latchkey.Keys;
using static Latchkey.Stores.Sqlite.SqliteValues;

namespace Latchkey.Stores.Sqlite;

/// <summary>Signing keys (private halves encrypted) in the embedded database.</summary>
public sealed class SqliteSigningKeyStore : ISigningKeyStore
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the store.</summary>
    public SqliteSigningKeyStore(SqliteDatabase database) => _database = database;

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
                    reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                    FromUnixMs(reader.GetInt64(3)), FromUnixMs(reader.GetInt64(4)), (byte[])reader.GetValue(5)));
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
                "INSERT INTO signing_keys (kid, sequence, algorithm, created_at, activates_at, private_key) VALUES ($kid, $seq, $alg, $created, $activates, $key) ON CONFLICT DO NOTHING",
                ("$kid", key.Kid), ("$seq", key.Sequence), ("$alg", key.Algorithm),
                ("$created", ToUnixMs(key.CreatedAt)), ("$activates", ToUnixMs(key.ActivatesAt)), ("$key", key.EncryptedPrivateKey));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteBeforeAsync(long sequence, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("DELETE FROM signing_keys WHERE sequence < $seq", ("$seq", sequence));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
