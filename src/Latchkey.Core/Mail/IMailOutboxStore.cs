namespace Latchkey.Mail;

/// <summary>
/// The durable queue behind <see cref="IMailOutbox"/>. Every method is atomic on every backend; several nodes
/// may share one store, and a claim (a lease) gives a message to exactly one of them at a time.
/// </summary>
public interface IMailOutboxStore
{
    /// <summary>Adds <paramref name="entry"/> unless <paramref name="maxPending"/> messages are already queued.</summary>
    /// <returns><see langword="false"/> when the outbox is full (nothing was added).</returns>
    Task<bool> TryEnqueueAsync(OutboxEntry entry, int maxPending, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> messages that are due at <paramref name="now"/> and not leased:
    /// each gets <paramref name="leaseUntil"/> and one more attempt. No other caller can claim them until the lease ends.
    /// </summary>
    /// <returns>The claimed messages, with their new lease and attempt count.</returns>
    Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes a message claimed with <paramref name="leaseUntil"/> (sent, or given up).</summary>
    /// <returns><see langword="false"/> when the lease was lost (it ran out and another node claimed the message).</returns>
    Task<bool> DeleteAsync(string id, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Releases a message claimed with <paramref name="leaseUntil"/> and makes it due at <paramref name="nextAttemptAt"/>.</summary>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    Task<bool> RescheduleAsync(string id, DateTimeOffset leaseUntil, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>How many messages are queued (leased ones included).</summary>
    Task<int> CountAsync(CancellationToken cancellationToken);
}
