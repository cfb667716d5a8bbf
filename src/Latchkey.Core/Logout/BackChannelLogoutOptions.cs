namespace Latchkey.Logout;

/// <summary>Back-channel logout delivery, bound from <c>Latchkey:BackChannelLogout</c>.</summary>
public sealed class BackChannelLogoutOptions
{
    /// <summary>How long a logout token is valid after it is signed (each attempt signs a fresh one).</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one POST to a client may take.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delivery attempts before a notice is given up.</summary>
    /// <value>The default value is 10.</value>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How long after the session ended a notice is still tried.</summary>
    /// <value>The default value is 1 day.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The wait after the first failure; it doubles with each further failure, with random jitter.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the delivery service looks for due notices when nothing woke it (retries, notices queued by other nodes).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a node owns the notices it claimed; keep it well above <see cref="Timeout"/>.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}
