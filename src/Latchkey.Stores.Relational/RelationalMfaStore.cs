using Latchkey.Accounts;
using Latchkey.Mfa;

namespace Latchkey.Stores.Relational;

/// <summary>Second factors in a SQL database: <c>mfa_totp</c> (one row per account) and <c>mfa_recovery_codes</c>.</summary>
public class RelationalMfaStore : IMfaStore
{
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalMfaStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<TotpAuthenticator?> FindTotpAsync(string accountId, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT secret, created_at, confirmed_at, last_step FROM mfa_totp WHERE account_id = @id", ("id", accountId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new TotpAuthenticator(
                    accountId, reader.GetBytes(0), reader.GetTime(1),
                    reader.GetNullableInt64(2) is { } confirmed ? DateTimeOffset.FromUnixTimeMilliseconds(confirmed) : null,
                    Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryBeginTotpAsync(string accountId, byte[] protectedSecret, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.WriteAsync(async (transaction, ct) =>
            {
                // A pending secret is replaced; a confirmed one stays (the WHERE of the upsert).
                await using var command = transaction.Command(
                    "INSERT INTO mfa_totp (account_id, secret, created_at, confirmed_at, last_step) VALUES (@id, @secret, @created, NULL, -1) " +
                    "ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = -1 " +
                    "WHERE mfa_totp.confirmed_at IS NULL",
                    ("id", accountId), ("secret", protectedSecret), ("created", createdAt.ToUnixMs()));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AccountGoneException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task<bool> TryConfirmTotpAsync(string accountId, DateTimeOffset createdAt, long timeStep, DateTimeOffset confirmedAt, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE mfa_totp SET confirmed_at = @confirmed, last_step = @step " +
                "WHERE account_id = @id AND confirmed_at IS NULL AND created_at = @created AND last_step < @step",
                ("id", accountId), ("created", createdAt.ToUnixMs()), ("step", timeStep), ("confirmed", confirmedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryUseTotpStepAsync(string accountId, long timeStep, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            // One conditional update: a step is used once, and never after a later one.
            await using var command = transaction.Command(
                "UPDATE mfa_totp SET last_step = @step WHERE account_id = @id AND confirmed_at IS NOT NULL AND last_step < @step",
                ("id", accountId), ("step", timeStep));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteTotpAsync(string accountId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command("DELETE FROM mfa_totp WHERE account_id = @id", ("id", accountId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task ReplaceRecoveryCodesAsync(string accountId, IReadOnlyCollection<byte[]> codeHashes, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codeHashes);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            await using (var delete = transaction.Command("DELETE FROM mfa_recovery_codes WHERE account_id = @id", ("id", accountId)))
            {
                await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            foreach (var hash in codeHashes)
            {
                await using var insert = transaction.Command(
                    "INSERT INTO mfa_recovery_codes (account_id, code_hash, created_at, used_at) VALUES (@id, @hash, @created, NULL)",
                    ("id", accountId), ("hash", hash), ("created", createdAt.ToUnixMs()));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return codeHashes.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryUseRecoveryCodeAsync(string accountId, byte[] codeHash, DateTimeOffset usedAt, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE mfa_recovery_codes SET used_at = @used WHERE account_id = @id AND code_hash = @hash AND used_at IS NULL",
                ("id", accountId), ("hash", codeHash), ("used", usedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> CountRecoveryCodesAsync(string accountId, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT COUNT(*) FROM mfa_recovery_codes WHERE account_id = @id AND used_at IS NULL", ("id", accountId));
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <inheritdoc />
    public Task DeleteRecoveryCodesAsync(string accountId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command("DELETE FROM mfa_recovery_codes WHERE account_id = @id", ("id", accountId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
}
