using Latchkey.RefreshTokens;
using System.Data.Common;

namespace Latchkey.Stores.Relational;

/// <summary>
/// Refresh-token families in a SQL database. A rotation is one write transaction that locks the token
/// row, so the check and the spend cannot interleave with another redemption, and a crash leaves
/// either the old token live or the new one stored, never neither. Writes go through
/// <see cref="RelationalDatabase.WriteAsync{T}"/>, which may share the transaction with other writes
/// (group commit, under a savepoint each); they therefore never commit themselves.
/// </summary>
public class RelationalRefreshTokenStore : IRefreshTokenStore
{
    private const string FamilyColumns = "f.family_id, f.user_id, f.client_id, f.scope, f.created_at, f.expires_at, f.auth_time, f.methods";
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalRefreshTokenStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task CreateFamilyAsync(RefreshTokenFamily family, byte[] tokenHash, DateTimeOffset tokenExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(family);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            await using (var insertFamily = transaction.Command(
                "INSERT INTO refresh_families (family_id, user_id, client_id, scope, created_at, expires_at, auth_time, methods) "
                + "VALUES (@id, @user, @client, @scope, @created, @expires, @authTime, @methods)",
                ("id", family.FamilyId), ("user", family.UserId), ("client", family.ClientId), ("scope", family.Scope),
                ("created", family.CreatedAt.ToUnixMs()), ("expires", family.ExpiresAt.ToUnixMs()), ("authTime", family.AuthTime?.ToUnixMs()), ("methods", (int)family.Methods)))
            {
                await insertFamily.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await InsertTokenAsync(transaction, tokenHash, family.FamilyId, family.CreatedAt, tokenExpiresAt, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RotationResult> RotateAsync(
        byte[] tokenHash, byte[] successorHash, DateTimeOffset now, DateTimeOffset successorExpiresAt, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            RefreshTokenFamily family;
            long expiresAt;
            long? spentAt;
            byte[]? successor;
            bool revoked;
            await using (var find = transaction.Command(
                "SELECT " + FamilyColumns + ", f.revoked_at, t.expires_at, t.spent_at, t.successor_hash FROM refresh_tokens t "
                + "JOIN refresh_families f ON f.family_id = t.family_id WHERE t.token_hash = @hash" + _database.ForUpdate,
                ("hash", tokenHash)))
            {
                await using var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return new RotationResult(RotationStatus.Invalid, null);
                }

                family = ReadFamily(reader);
                revoked = !reader.IsDBNull(8);
                expiresAt = reader.GetInt64(9);
                spentAt = reader.GetNullableInt64(10);
                successor = reader.IsDBNull(11) ? null : reader.GetBytes(11);
            }

            var nowMs = now.ToUnixMs();
            if (revoked || family.ExpiresAt.ToUnixMs() <= nowMs)
            {
                return new RotationResult(RotationStatus.Invalid, null);
            }

            if (spentAt is { } spent)
            {
                if (gracePeriod > TimeSpan.Zero && nowMs - spent <= (long)gracePeriod.TotalMilliseconds && successor is not null
                    && await IsUnspentAsync(transaction, successor, ct).ConfigureAwait(false))
                {
                    return new RotationResult(RotationStatus.GraceReplay, family);
                }

                await using var revoke = transaction.Command(
                    "UPDATE refresh_families SET revoked_at = @now WHERE family_id = @id AND revoked_at IS NULL", ("now", nowMs), ("id", family.FamilyId));
                await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return new RotationResult(RotationStatus.Reused, family);
            }

            if (expiresAt <= nowMs)
            {
                return new RotationResult(RotationStatus.Invalid, null);
            }

            await using (var spend = transaction.Command(
                "UPDATE refresh_tokens SET spent_at = @now, successor_hash = @successor WHERE token_hash = @hash AND spent_at IS NULL",
                ("now", nowMs), ("successor", successorHash), ("hash", tokenHash)))
            {
                if (await spend.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
                {
                    return new RotationResult(RotationStatus.Invalid, null);
                }
            }

            var successorExpiry = successorExpiresAt < family.ExpiresAt ? successorExpiresAt : family.ExpiresAt;
            await InsertTokenAsync(transaction, successorHash, family.FamilyId, now, successorExpiry, ct).ConfigureAwait(false);
            return new RotationResult(RotationStatus.Rotated, family);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<(RefreshTokenFamily Family, DateTimeOffset ExpiresAt)?> FindLiveAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync<(RefreshTokenFamily, DateTimeOffset)?>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT " + FamilyColumns + ", t.expires_at FROM refresh_tokens t JOIN refresh_families f ON f.family_id = t.family_id "
                + "WHERE t.token_hash = @hash AND t.spent_at IS NULL AND f.revoked_at IS NULL AND t.expires_at > @now AND f.expires_at > @now",
                ("hash", tokenHash), ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? (ReadFamily(reader), reader.GetTime(8))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<RefreshTokenFamily?> RevokeFamilyOfAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE refresh_families SET revoked_at = coalesce(revoked_at, @now) "
                + "WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = @hash) "
                + "RETURNING family_id, user_id, client_id, scope, created_at, expires_at, auth_time, methods",
                ("hash", tokenHash), ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadFamily(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<RefreshTokenFamily?> RevokeFamilyAsync(string familyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE refresh_families SET revoked_at = coalesce(revoked_at, @now) WHERE family_id = @id "
                + "RETURNING family_id, user_id, client_id, scope, created_at, expires_at, auth_time, methods",
                ("id", familyId), ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadFamily(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> RevokeAllForClientAsync(string userId, string clientId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync<IReadOnlyList<string>>(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE refresh_families SET revoked_at = @now WHERE user_id = @user AND client_id = @client AND revoked_at IS NULL RETURNING family_id",
                ("user", userId), ("client", clientId), ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var ids = new List<string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> RevokeAllForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync<IReadOnlyList<string>>(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE refresh_families SET revoked_at = @now WHERE user_id = @user AND revoked_at IS NULL RETURNING family_id",
                ("user", userId), ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var ids = new List<string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            // A token past its own expiry could not be redeemed even unspent, so spent ones go then too;
            // a family goes at its absolute expiry, or once revoked and left with no token.
            await using var tokens = connection.Command("DELETE FROM refresh_tokens WHERE expires_at <= @now", ("now", now.ToUnixMs()));
            var count = await tokens.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var families = connection.Command(
                "DELETE FROM refresh_families WHERE expires_at <= @now OR (revoked_at IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM refresh_tokens t WHERE t.family_id = refresh_families.family_id))",
                ("now", now.ToUnixMs()));
            return count + await families.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task InsertTokenAsync(
        DbTransaction transaction, byte[] hash, string familyId, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var insert = transaction.Command(
            "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (@hash, @family, @created, @expires)",
            ("hash", hash), ("family", familyId), ("created", createdAt.ToUnixMs()), ("expires", expiresAt.ToUnixMs()));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsUnspentAsync(DbTransaction transaction, byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = transaction.Command("SELECT spent_at FROM refresh_tokens WHERE token_hash = @hash", ("hash", hash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.IsDBNull(0);
    }

    private static RefreshTokenFamily ReadFamily(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4), reader.GetTime(5),
        reader.IsDBNull(6) ? null : reader.GetTime(6), (Sessions.AuthenticationMethods)Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture));
}
