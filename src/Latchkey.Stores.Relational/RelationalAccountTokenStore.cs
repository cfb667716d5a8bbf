using System.Data.Common;
using Latchkey.Accounts.Recovery;

namespace Latchkey.Stores.Relational;

/// <summary>Emailed account tokens (by hash) and the account changes they make, in a SQL database.</summary>
public class RelationalAccountTokenStore : IAccountTokenStore
{
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalAccountTokenStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task AddAsync(AccountToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            // Locking the account row makes concurrent issues for one account take turns, so that each one's
            // DELETE sees the token the one before inserted and only the newest stays live.
            await using (var lockAccount = transaction.Command("SELECT id FROM accounts WHERE id = @account" + _database.ForUpdate, ("account", token.AccountId)))
            {
                await lockAccount.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }

            if (token.Purpose is AccountTokenPurpose.VerifyEmail or AccountTokenPurpose.EmailChange)
            {
                await using var drop = transaction.Command(
                    "DELETE FROM account_tokens WHERE account_id = @account AND purpose = @purpose AND used_at IS NULL",
                    ("account", token.AccountId), ("purpose", (int)token.Purpose));
                await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using var insert = transaction.Command(
                "INSERT INTO account_tokens (token_hash, account_id, purpose, created_at, expires_at, binding) VALUES (@hash, @account, @purpose, @created, @expires, @binding)",
                ("hash", token.Hash),
                ("account", token.AccountId),
                ("purpose", (int)token.Purpose),
                ("created", token.CreatedAt.ToUnixMs()),
                ("expires", token.ExpiresAt.ToUnixMs()),
                ("binding", token.Binding));
            return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<AccountTokenRedemption> RedeemAsync(byte[] hash, AccountTokenPurpose purpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            // One conditional update: of concurrent redemptions only one finds used_at still empty.
            await using (var spend = transaction.Command(
                "UPDATE account_tokens SET used_at = @now WHERE token_hash = @hash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now " +
                "RETURNING account_id, created_at, expires_at, binding",
                ("hash", hash), ("purpose", (int)purpose), ("now", now.ToUnixMs())))
            {
                await using var reader = await spend.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return new AccountTokenRedemption(AccountTokenRedemptionStatus.Redeemed, new AccountToken(
                        hash, reader.GetString(0), purpose, reader.GetTime(1), reader.GetTime(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
                }
            }

            await using var find = transaction.Command(
                "SELECT used_at FROM account_tokens WHERE token_hash = @hash AND purpose = @purpose", ("hash", hash), ("purpose", (int)purpose));
            await using var found = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var status = !await found.ReadAsync(ct).ConfigureAwait(false) ? AccountTokenRedemptionStatus.Unknown
                : found.IsDBNull(0) ? AccountTokenRedemptionStatus.Expired
                : AccountTokenRedemptionStatus.Used;
            return new AccountTokenRedemption(status, null);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AccountToken?> FindLiveAsync(byte[] hash, AccountTokenPurpose purpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var find = connection.Command(
                "SELECT account_id, created_at, expires_at, binding FROM account_tokens " +
                "WHERE token_hash = @hash AND purpose = @purpose AND used_at IS NULL AND expires_at > @now",
                ("hash", hash), ("purpose", (int)purpose), ("now", now.ToUnixMs()));
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AccountToken(hash, reader.GetString(0), purpose, reader.GetTime(1), reader.GetTime(2), reader.GetNullableString(3))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> MarkEmailVerifiedAsync(string accountId, DateTimeOffset verifiedAt, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, @at) WHERE id = @id", ("id", accountId), ("at", verifiedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryChangeEmailAsync(
        string accountId, string email, string normalizedEmail, string? expectedNormalizedEmail, DateTimeOffset verifiedAt, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.WriteAsync(async (transaction, ct) =>
            {
                (string, object?)[] parameters = [("id", accountId), ("email", email), ("norm", normalizedEmail), ("at", verifiedAt.ToUnixMs())];
                await using var command = transaction.Command(
                    "UPDATE accounts SET email = @email, email_normalized = @norm, email_verified_at = @at WHERE id = @id " +
                    (expectedNormalizedEmail is null ? string.Empty : "AND email_normalized = @expected ") +
                    "AND NOT EXISTS (SELECT 1 FROM accounts other WHERE other.email_normalized = @norm AND other.id <> @id)",
                    expectedNormalizedEmail is null ? parameters : [.. parameters, ("expected", expectedNormalizedEmail)]);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception) when (_database.IsUniqueViolation(exception))
        {
            // Where writers do not take turns (PostgreSQL), another account can take the address between the
            // NOT EXISTS check and the update; the unique index refuses it, and that is the same answer.
            return false;
        }
    }

    /// <inheritdoc />
    public Task RevokeUnspentAsync(string accountId, IReadOnlyCollection<AccountTokenPurpose> purposes, DateTimeOffset? issuedFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purposes);
        if (purposes.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The purposes are enum values, written as numbers: nothing from outside reaches the SQL text.
        var list = string.Join(", ", purposes.Select(p => ((int)p).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = issuedFrom is { } from
                ? transaction.Command(
                    "DELETE FROM account_tokens WHERE account_id = @account AND used_at IS NULL AND purpose IN (" + list + ") AND created_at >= @from",
                    ("account", accountId), ("from", from.ToUnixMs()))
                : transaction.Command(
                    "DELETE FROM account_tokens WHERE account_id = @account AND used_at IS NULL AND purpose IN (" + list + ")", ("account", accountId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> IsReservedAsync(string normalizedEmail, string? exceptAccountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prefix = AccountTokenCodec.UndoBindingPrefix(normalizedEmail);
        (string, object?)[] parameters =
            [("purpose", (int)AccountTokenPurpose.EmailChangeUndo), ("now", now.ToUnixMs()), ("length", prefix.Length), ("prefix", prefix)];
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT 1 FROM account_tokens WHERE purpose = @purpose AND used_at IS NULL AND expires_at > @now " +
                "AND substr(binding, 1, @length) = @prefix" + (exceptAccountId is null ? string.Empty : " AND account_id <> @except") + " LIMIT 1",
                exceptAccountId is null ? parameters : [.. parameters, ("except", exceptAccountId)]);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command("DELETE FROM account_tokens WHERE expires_at <= @now", ("now", now.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
}
