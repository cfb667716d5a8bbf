using System.Data.Common;
using System.Globalization;
using Latchkey.Mail;

namespace Latchkey.Stores.Relational;

/// <summary>
/// The mail outbox in a SQL database: one row per message with its encrypted payload. A claim is one
/// <c>UPDATE … RETURNING</c> over the due, unleased rows (with <c>FOR UPDATE SKIP LOCKED</c> where the backend
/// has row locks), so two nodes never claim the same message; completing or rescheduling a message names the
/// lease it was claimed with, so a node whose lease ran out cannot undo another node's claim.
/// </summary>
public class RelationalMailOutboxStore : IMailOutboxStore
{
    private const string Columns = "id, account_id, payload, created_at, attempts, next_attempt_at, lease_until";
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalMailOutboxStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<bool> TryEnqueueAsync(OutboxEntry entry, int maxPending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // One statement: the bound and the insert are checked together. Concurrent enqueues on PostgreSQL may
        // each see the last free place, so the bound can be passed by at most the number of simultaneous writers.
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "INSERT INTO mail_outbox (" + Columns + ") SELECT @id, @account, @payload, @created, @attempts, @next, @lease " +
                "WHERE (SELECT COUNT(*) FROM mail_outbox) < @max",
                ("id", entry.Id), ("account", entry.AccountId), ("payload", entry.Payload), ("created", entry.CreatedAt.ToUnixMs()),
                ("attempts", entry.Attempts), ("next", entry.NextAttemptAt.ToUnixMs()), ("lease", entry.LeaseUntil.ToUnixMs()), ("max", maxPending));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var skipLocked = _database.ForUpdate.Length > 0 ? _database.ForUpdate + " SKIP LOCKED" : string.Empty;
        return _database.RunAsync<IReadOnlyList<OutboxEntry>>(async connection =>
        {
            // The outer condition repeats the inner one: under READ COMMITTED a row may change between the two.
            await using var command = connection.Command(
                "UPDATE mail_outbox SET lease_until = @lease, attempts = attempts + 1 " +
                "WHERE next_attempt_at <= @now AND lease_until <= @now AND id IN (" +
                "SELECT id FROM mail_outbox WHERE next_attempt_at <= @now AND lease_until <= @now ORDER BY next_attempt_at LIMIT @limit" + skipLocked + ") " +
                "RETURNING " + Columns,
                ("lease", leaseUntil.ToUnixMs()), ("now", now.ToUnixMs()), ("limit", limit));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<OutboxEntry>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(Read(reader));
            }

            return entries;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "DELETE FROM mail_outbox WHERE id = @id AND lease_until = @lease", ("id", id), ("lease", leaseUntil.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RescheduleAsync(string id, DateTimeOffset leaseUntil, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "UPDATE mail_outbox SET lease_until = 0, next_attempt_at = @next WHERE id = @id AND lease_until = @lease",
                ("id", id), ("lease", leaseUntil.ToUnixMs()), ("next", nextAttemptAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT COUNT(*) FROM mail_outbox");
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken);

    private static OutboxEntry Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetNullableString(1),
        reader.GetBytes(2),
        reader.GetTime(3),
        Convert.ToInt32(reader.GetInt64(4), CultureInfo.InvariantCulture),
        reader.GetTime(5),
        reader.GetTime(6));
}
