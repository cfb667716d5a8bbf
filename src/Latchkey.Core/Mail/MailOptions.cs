namespace Latchkey.Mail;

/// <summary>
/// The outbox, bound from <c>Latchkey:Mail</c>: how many messages may wait, how often and how long delivery is
/// retried, and how the delivery service shares the queue with other nodes. SMTP itself is <c>Latchkey:Smtp</c>.
/// </summary>
public sealed class MailOptions
{
    /// <summary>The most messages queued at once; beyond it, queueing fails with <see cref="ServerBusyException"/> (HTTP 503).</summary>
    /// <value>The default value is 10000.</value>
    public int MaxPending { get; set; } = 10_000;

    /// <summary>Delivery attempts before a message is given up (dropped with a warning).</summary>
    /// <value>The default value is 10.</value>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long after queueing a message is still tried; older ones are given up after their next failure.</summary>
    /// <value>The default value is 1 day.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The wait after the first failure; it doubles with each further failure, with random jitter.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the delivery service looks for due messages when nothing woke it: it wakes at once after a message
    /// is queued on the same node, so this bounds the delay of retries and of messages queued by other nodes.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a node owns a message it claimed for sending. A node that dies mid-send leaves the message to the
    /// others once this has passed; keep it well above <c>Latchkey:Smtp:Timeout</c>.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);
}
