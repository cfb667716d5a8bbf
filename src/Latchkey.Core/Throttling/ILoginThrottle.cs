namespace Latchkey.Throttling;

/// <summary>
/// Counts credential attempts per key (account or client, and client address) and refuses them while a
/// delay is owed. Checking and counting are one atomic step: an admitted attempt is charged as a
/// failure before its credentials are checked, so parallel attempts cannot all pass the check before
/// any of them is counted. Completing the attempt gives the charge back when it was not a failure.
/// Each counter also knows how many of its charges are still in flight, so that a refusal can say
/// whether settled failures owe the delay or only attempts that have not finished yet
/// (<see cref="ThrottleDecision.IsContended"/>).
/// </summary>
public interface ILoginThrottle
{
    /// <summary>Refuses the attempt while a delay is owed on either key; otherwise charges both keys with one failure in flight.</summary>
    ValueTask<ThrottleDecision> TryBeginAttemptAsync(ThrottleKeys keys, CancellationToken cancellationToken);

    /// <summary>
    /// Settles an admitted attempt: a failure keeps its charge (no longer in flight); a success clears the
    /// subject's counter and gives the address its charge back; an abandoned attempt gives both charges back.
    /// No in-flight count ever drops below zero, even for a counter that was cleared or expired meanwhile.
    /// </summary>
    ValueTask CompleteAttemptAsync(ThrottleKeys keys, AttemptOutcome outcome, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one of <paramref name="limit"/> permits of <paramref name="key"/>'s fixed window, which starts at
    /// the first permit taken and lasts <paramref name="window"/>; refuses, without counting, until the window
    /// ends once they are all taken. Used for the sign-up rate of an address, apart from every failure counter.
    /// </summary>
    ValueTask<ThrottleDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>
    /// Drops the counter of <paramref name="key"/> (a subject key such as <see cref="ThrottleKeys.Subject"/>),
    /// in flight or not; used when the account it counts for is deleted, so that nothing keyed by its email stays.
    /// </summary>
    ValueTask ForgetAsync(string key, CancellationToken cancellationToken);
}
