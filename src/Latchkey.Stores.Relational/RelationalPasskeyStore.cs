using System.Data.Common;
using System.Globalization;
using Latchkey.Accounts;
using Latchkey.Passkeys;

namespace Latchkey.Stores.Relational;

/// <summary>Passkeys in a SQL database: <c>passkeys</c> (public keys only) and <c>passkey_ceremonies</c> (the options issued, by id hash).</summary>
public class RelationalPasskeyStore : IPasskeyStore
{
    private const string Columns = "id, account_id, credential_id, public_key, sign_count, backup_eligible, backed_up, name, created_at, last_used_at";

    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalPasskeyStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public async Task<bool> AddAsync(Passkey passkey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passkey);
        try
        {
            return await _database.WriteAsync(async (transaction, ct) =>
            {
                await using var command = transaction.Command(
                    $"INSERT INTO passkeys ({Columns}) VALUES (@id, @account, @credential, @key, @count, @eligible, @backedUp, @name, @created, @used) " +
                    "ON CONFLICT (credential_id) DO NOTHING",
                    ("id", passkey.Id), ("account", passkey.AccountId), ("credential", passkey.CredentialId), ("key", passkey.PublicKey),
                    ("count", (long)passkey.SignCount), ("eligible", passkey.BackupEligible ? 1 : 0), ("backedUp", passkey.BackedUp ? 1 : 0),
                    ("name", passkey.Name), ("created", passkey.CreatedAt.ToUnixMs()), ("used", passkey.LastUsedAt?.ToUnixMs()));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AccountGoneException)
        {
            return false;
        }
        catch (DbException ex) when (_database.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Passkey>> ListAsync(string accountId, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<Passkey>>(async connection =>
        {
            await using var command = connection.Command($"SELECT {Columns} FROM passkeys WHERE account_id = @account ORDER BY created_at, id", ("account", accountId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<Passkey>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Passkey?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command($"SELECT {Columns} FROM passkeys WHERE credential_id = @credential", ("credential", credentialId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryRecordUseAsync(string id, uint expectedSignCount, uint signCount, bool backedUp, DateTimeOffset usedAt, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            // A counter of 0 (the authenticator keeps none) stays 0; any other must rise, and only from the value checked.
            await using var command = transaction.Command(
                "UPDATE passkeys SET sign_count = @count, backed_up = @backedUp, last_used_at = @used " +
                "WHERE id = @id AND sign_count = @expected AND (@count > @expected OR (@count = 0 AND @expected = 0))",
                ("id", id), ("expected", (long)expectedSignCount), ("count", (long)signCount), ("backedUp", backedUp ? 1 : 0), ("used", usedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RenameAsync(string accountId, string id, string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE passkeys SET name = @name WHERE account_id = @account AND id = @id", ("account", accountId), ("id", id), ("name", name));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string accountId, string id, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command("DELETE FROM passkeys WHERE account_id = @account AND id = @id", ("account", accountId), ("id", id));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAllAsync(string accountId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using (var ceremonies = transaction.Command("DELETE FROM passkey_ceremonies WHERE account_id = @account", ("account", accountId)))
            {
                await ceremonies.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using var command = transaction.Command("DELETE FROM passkeys WHERE account_id = @account", ("account", accountId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task AddCeremonyAsync(PasskeyCeremony ceremony, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ceremony);
        await _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "INSERT INTO passkey_ceremonies (id_hash, kind, account_id, options, expires_at) VALUES (@hash, @kind, @account, @options, @expires)",
                ("hash", ceremony.IdHash), ("kind", (int)ceremony.Kind), ("account", ceremony.AccountId), ("options", ceremony.Options),
                ("expires", ceremony.ExpiresAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<PasskeyCeremony?> TakeCeremonyAsync(byte[] idHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using (var sweep = transaction.Command("DELETE FROM passkey_ceremonies WHERE expires_at <= @now", ("now", now.ToUnixMs())))
            {
                await sweep.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            // DELETE … RETURNING: of concurrent takes, one deletes the row and gets it.
            await using var command = transaction.Command(
                "DELETE FROM passkey_ceremonies WHERE id_hash = @hash RETURNING kind, account_id, options, expires_at", ("hash", idHash));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new PasskeyCeremony(
                    idHash, (PasskeyCeremonyKind)Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetNullableString(1),
                    reader.GetString(2), reader.GetTime(3))
                : null;
        }, cancellationToken);

    private static Passkey Read(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetBytes(2), reader.GetBytes(3),
        (uint)Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture),
        Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture) != 0, Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture) != 0,
        reader.GetString(7), reader.GetTime(8), reader.GetNullableInt64(9) is { } used ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null);
}
