using System.Data.Common;
using System.Globalization;
using Latchkey.Logout;

namespace Latchkey.Stores.Relational;

/// <summary>
/// Back-channel logout in a SQL database: <c>session_clients</c> (which clients each session signed into) and
/// <c>logout_outbox</c> (the notices owed). Ending a session moves its rows from the first table to the second in one
/// transaction; a claim is one <c>UPDATE … RETURNING</c> over due, unleased rows (with <c>FOR UPDATE SKIP LOCKED</c>
/// where the backend has row locks), and completing or rescheduling names the lease it was claimed with, as the mail
/// outbox does. Neither table references the account: a deleted account's clients must still be told.
/// </summary>
public class RelationalBackChannelLogoutStore : IBackChannelLogoutStore
{
    private const string Columns = "session_id, client_id, user_id, created_at, attempts, next_attempt_at, lease_until";
    private const string Enqueue =
        "INSERT INTO logout_outbox (" + Columns + ") SELECT session_id, client_id, user_id, @now, 0, @now, 0 FROM session_clients WHERE ";

    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalBackChannelLogoutStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task RecordSignInAsync(string sessionId, string userId, string clientId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "INSERT INTO session_clients (session_id, client_id, user_id, created_at, expires_at) VALUES (@session, @client, @user, @now, @expires) " +
                "ON CONFLICT (session_id, client_id) DO NOTHING",
                ("session", sessionId), ("client", clientId), ("user", userId), ("now", now.ToUnixMs()), ("expires", expiresAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> EnqueueForSessionAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        MoveAsync("session_id = @session", now, cancellationToken, ("session", sessionId));

    /// <inheritdoc />
    public Task<int> EnqueueForUserAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        exceptSessionId is null
            ? MoveAsync("user_id = @user", now, cancellationToken, ("user", userId))
            : MoveAsync("user_id = @user AND session_id <> @except", now, cancellationToken, ("user", userId), ("except", exceptSessionId));

    /// <inheritdoc />
    public Task<IReadOnlyList<LogoutNotice>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var skipLocked = _database.ForUpdate.Length > 0 ? _database.ForUpdate + " SKIP LOCKED" : string.Empty;
        return _database.RunAsync<IReadOnlyList<LogoutNotice>>(async connection =>
        {
            // The outer condition repeats the inner one: under READ COMMITTED a row may change between the two.
            await using var command = connection.Command(
                "UPDATE logout_outbox SET lease_until = @lease, attempts = attempts + 1 " +
                "WHERE next_attempt_at <= @now AND lease_until <= @now AND (session_id, client_id) IN (" +
                "SELECT session_id, client_id FROM logout_outbox WHERE next_attempt_at <= @now AND lease_until <= @now ORDER BY next_attempt_at LIMIT @limit" +
                skipLocked + ") RETURNING " + Columns,
                ("lease", leaseUntil.ToUnixMs()), ("now", now.ToUnixMs()), ("limit", limit));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var notices = new List<LogoutNotice>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                notices.Add(Read(reader));
            }

            return notices;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(LogoutNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "DELETE FROM logout_outbox WHERE session_id = @session AND client_id = @client AND lease_until = @lease",
                ("session", notice.SessionId), ("client", notice.ClientId), ("lease", notice.LeaseUntil.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RescheduleAsync(LogoutNotice notice, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "UPDATE logout_outbox SET lease_until = 0, next_attempt_at = @next WHERE session_id = @session AND client_id = @client AND lease_until = @lease",
                ("session", notice.SessionId), ("client", notice.ClientId), ("lease", notice.LeaseUntil.ToUnixMs()), ("next", nextAttemptAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command("DELETE FROM session_clients WHERE expires_at <= @now", ("now", now.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    // Copies the matching sign-ins into the outbox and deletes them, in one transaction: a crash leaves either both or neither.
    private Task<int> MoveAsync(string where, DateTimeOffset now, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var insert = transaction.Command(
                Enqueue + where + " ON CONFLICT (session_id, client_id) DO NOTHING", [.. parameters, ("now", now.ToUnixMs())]);
            var queued = await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var delete = transaction.Command("DELETE FROM session_clients WHERE " + where, parameters);
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return queued;
        }, cancellationToken);

    private static LogoutNotice Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetTime(3),
        Convert.ToInt32(reader.GetInt64(4), CultureInfo.InvariantCulture),
        reader.GetTime(5),
        reader.GetTime(6));
}
