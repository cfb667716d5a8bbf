namespace Latchkey.Throttling;

/// <summary>
/// Counts credential attempts per key (account or client, and client address) and refuses them while a
/// delay is owed. Checking and counting are one atomic step: an admitted attempt is charged as a
/// failure before its credentials are checked, so parallel attempts cannot all pass the check before
/// any of them is counted. Completing the attempt gives the charge back when it was not a failure.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>Refuses the attempt while a delay is owed on either key; otherwise charges both keys with one failure.</summary>
    ValueTask<ThrottleDecision> TryBeginAttemptAsync(ThrottleKeys keys, CancellationToken cancellationToken);

    /// <summary>
    /// Settles an admitted attempt: a failure keeps its charge; a success clears the subject's counter and
    /// gives the address its charge back; an abandoned attempt gives both charges back.
    /// </summary>
    ValueTask CompleteAttemptAsync(ThrottleKeys keys, AttemptOutcome outcome, CancellationToken cancellationToken);
}
