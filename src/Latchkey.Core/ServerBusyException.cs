namespace Latchkey;

/// <summary>
/// Thrown when a bounded resource (password hashing, the mail outbox) has no capacity left. The HTTP layer answers
/// 503 with <c>Retry-After</c>; it is load, not a fault.
/// </summary>
public sealed class ServerBusyException : Exception
{
    /// <summary>Creates the exception with the advised wait.</summary>
    public ServerBusyException(TimeSpan retryAfter)
        : base("The server is busy hashing passwords; try again shortly.") => RetryAfter = retryAfter;

    /// <summary>Creates the exception with a one-second advised wait.</summary>
    public ServerBusyException()
        : this(TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception with a message and the advised wait.</summary>
    public ServerBusyException(string message, TimeSpan retryAfter)
        : base(message) => RetryAfter = retryAfter;

    /// <summary>Creates the exception with a message.</summary>
    public ServerBusyException(string message)
        : base(message) => RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ServerBusyException(string message, Exception innerException)
        : base(message, innerException) => RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long the client should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; }
}
