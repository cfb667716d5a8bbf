using System.Data.Common;
using System.Globalization;
using Latchkey.Authorization;
using Latchkey.Sessions;

namespace Latchkey.Stores.Relational;

/// <summary>
/// Authorization codes in a SQL database, by hash. A used code is kept until ten minutes after its expiry, so that a
/// replay within that time is recognised and what the first use issued can be revoked.
/// </summary>
public class RelationalAuthorizationCodeStore : IAuthorizationCodeStore
{
    private const string Columns =
        "code_hash, client_id, user_id, redirect_uri, scope, code_challenge, nonce, session_id, auth_time, methods, grant_id, created_at, expires_at";

    private static readonly TimeSpan KeepAfterExpiry = TimeSpan.FromMinutes(10);
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalAuthorizationCodeStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task CreateAsync(AuthorizationCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            await using (var sweep = transaction.Command(
                "DELETE FROM authorization_codes WHERE expires_at <= @before", ("before", (code.CreatedAt - KeepAfterExpiry).ToUnixMs())))
            {
                await sweep.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using var insert = transaction.Command(
                $"INSERT INTO authorization_codes ({Columns}) VALUES (@hash, @client, @user, @redirect, @scope, @challenge, @nonce, @session, @authTime, @methods, @grant, @created, @expires)",
                ("hash", code.CodeHash), ("client", code.ClientId), ("user", code.UserId), ("redirect", code.RedirectUri), ("scope", code.Scope),
                ("challenge", code.CodeChallenge), ("nonce", code.Nonce), ("session", code.SessionId), ("authTime", code.AuthTime.ToUnixMs()),
                ("methods", (int)code.Methods), ("grant", code.GrantId), ("created", code.CreatedAt.ToUnixMs()), ("expires", code.ExpiresAt.ToUnixMs()));
            return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<CodeRedemption> RedeemAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            // The update is the compare-and-set: of concurrent redemptions, one sets redeemed_at and gets the row.
            await using (var redeem = transaction.Command(
                $"UPDATE authorization_codes SET redeemed_at = @now WHERE code_hash = @hash AND redeemed_at IS NULL AND expires_at > @now RETURNING {Columns}",
                ("hash", codeHash), ("now", now.ToUnixMs())))
            {
                await using var reader = await redeem.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return new CodeRedemption(CodeRedemptionStatus.Redeemed, Read(reader));
                }
            }

            await using var find = transaction.Command($"SELECT {Columns}, redeemed_at FROM authorization_codes WHERE code_hash = @hash", ("hash", codeHash));
            await using var found = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await found.ReadAsync(ct).ConfigureAwait(false) && !found.IsDBNull(13)
                ? new CodeRedemption(CodeRedemptionStatus.Replayed, Read(found))
                : new CodeRedemption(CodeRedemptionStatus.Invalid, null);
        }, cancellationToken);

    private static AuthorizationCode Read(DbDataReader reader) => new(
        reader.GetBytes(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.GetNullableString(6), reader.GetString(7), reader.GetTime(8),
        (AuthenticationMethods)Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture), reader.GetString(10), reader.GetTime(11), reader.GetTime(12));
}
