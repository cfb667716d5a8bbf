using System.Data.Common;
using Latchkey.Sessions;

namespace Latchkey.Stores.Relational;

/// <summary>Sessions in a SQL database, keyed by the hash of the session id.</summary>
public class RelationalSessionStore : ISessionStore
{
    private const string Columns = "id_hash, public_id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, user_agent, ip_address, methods";
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalSessionStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "INSERT INTO sessions (" + Columns + ") VALUES (@hash, @public, @user, @created, @seen, @idle, @absolute, @agent, @ip, @methods)",
                ("hash", session.IdHash),
                ("public", session.PublicId),
                ("user", session.UserId),
                ("created", session.CreatedAt.ToUnixMs()),
                ("seen", session.LastSeenAt.ToUnixMs()),
                ("idle", session.IdleExpiresAt.ToUnixMs()),
                ("absolute", session.AbsoluteExpiresAt.ToUnixMs()),
                ("agent", session.UserAgent),
                ("ip", session.IpAddress),
                ("methods", (int)session.Methods));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Session?> FindAsync(byte[] idHash, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT " + Columns + " FROM sessions WHERE id_hash = @hash", ("hash", idHash));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TouchAsync(byte[] idHash, DateTimeOffset lastSeenAt, DateTimeOffset idleExpiresAt, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            // Never move activity backwards: another node may have recorded a later request.
            await using var command = connection.Command(
                "UPDATE sessions SET last_seen_at = @seen, idle_expires_at = @idle WHERE id_hash = @hash AND last_seen_at <= @seen",
                ("hash", idHash), ("seen", lastSeenAt.ToUnixMs()), ("idle", idleExpiresAt.ToUnixMs()));
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return true;
            }

            await using var exists = connection.Command("SELECT COUNT(*) FROM sessions WHERE id_hash = @hash", ("hash", idHash));
            return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Session>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<Session>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT " + Columns + " FROM sessions WHERE user_id = @user AND idle_expires_at > @now AND absolute_expires_at > @now ORDER BY created_at DESC, public_id",
                ("user", userId), ("now", now.ToUnixMs()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var sessions = new List<Session>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sessions.Add(Read(reader));
            }

            return sessions;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(byte[] idHash, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("DELETE FROM sessions WHERE id_hash = @hash", ("hash", idHash));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Session?> DeleteByPublicIdAsync(string userId, string publicId, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "DELETE FROM sessions WHERE user_id = @user AND public_id = @public RETURNING " + Columns,
                ("user", userId), ("public", publicId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteAllForUserAsync(string userId, byte[]? exceptIdHash, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = exceptIdHash is null
                ? connection.Command("DELETE FROM sessions WHERE user_id = @user", ("user", userId))
                : connection.Command("DELETE FROM sessions WHERE user_id = @user AND id_hash <> @except", ("user", userId), ("except", exceptIdHash));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "DELETE FROM sessions WHERE idle_expires_at <= @now OR absolute_expires_at <= @now", ("now", now.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static Session Read(DbDataReader reader) => new(
        reader.GetBytes(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetTime(3),
        reader.GetTime(4),
        reader.GetTime(5),
        reader.GetTime(6),
        reader.GetNullableString(7),
        reader.GetNullableString(8),
        (AuthenticationMethods)Convert.ToInt32(reader.GetValue(9), System.Globalization.CultureInfo.InvariantCulture));
}
