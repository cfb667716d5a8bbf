namespace Latchkey.Throttling;

/// <summary>Counts failed credential checks per key (account, client address) and says when to refuse.</summary>
public interface ILoginThrottle
{
    /// <summary>How long the caller must wait before another attempt for these keys, or <see langword="null"/> to go ahead.</summary>
    ValueTask<TimeSpan?> GetRetryAfterAsync(ThrottleKeys keys, CancellationToken cancellationToken);

    /// <summary>Counts a failed attempt against both keys.</summary>
    ValueTask RecordFailureAsync(ThrottleKeys keys, CancellationToken cancellationToken);

    /// <summary>Clears the account's counter after a successful login; the address counter stays.</summary>
    ValueTask RecordSuccessAsync(ThrottleKeys keys, CancellationToken cancellationToken);
}
