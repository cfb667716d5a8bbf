using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Storage;

namespace Latchkey.Throttling;

/// <summary>
/// The one place every credential check (login, password grant, password change, sign-up, client
/// authentication) passes through the throttle: it begins the attempt, logs a refusal, runs the check,
/// and settles the attempt with the check's outcome, or gives the charge back when the check threw.
/// </summary>
public sealed class CredentialThrottle
{
    private readonly ILoginThrottle _throttle;
    private readonly SecurityAudit _audit;

    /// <summary>Creates the throttle front.</summary>
    public CredentialThrottle(ILoginThrottle throttle, SecurityAudit audit)
    {
        _throttle = throttle;
        _audit = audit;
    }

    /// <summary>Runs <paramref name="check"/> unless the throttle refuses, in which case <paramref name="refused"/> gives the answer.</summary>
    /// <typeparam name="T">The check's result.</typeparam>
    /// <param name="keys">The counters the attempt is charged to.</param>
    /// <param name="clientAddress">The caller's address, for the log.</param>
    /// <param name="refused">Makes the answer for a refused attempt from how long to wait.</param>
    /// <param name="check">Checks the credentials; returns its result and how the attempt ended.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<T> RunAsync<T>(
        ThrottleKeys keys,
        IPAddress? clientAddress,
        Func<TimeSpan, T> refused,
        Func<CancellationToken, Task<(T Result, AttemptOutcome Outcome)>> check,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refused);
        ArgumentNullException.ThrowIfNull(check);
        var decision = await _throttle.TryBeginAttemptAsync(keys, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAdmitted)
        {
            _audit.ThrottledAttempt(decision.RefusedBy, new Security.RequestOrigin(clientAddress, null).ClientIp, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
            return refused(decision.RetryAfter);
        }

        (T Result, AttemptOutcome Outcome) checkedAttempt;
        try
        {
            checkedAttempt = await check(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbandonAsync(keys).ConfigureAwait(false);
            throw;
        }

        // Settled even when the request is aborted meanwhile, so that a success always clears its counter.
        await _throttle.CompleteAttemptAsync(keys, checkedAttempt.Outcome, CancellationToken.None).ConfigureAwait(false);
        return checkedAttempt.Result;
    }

    // The check never judged the credentials (busy, store down, aborted): give the charge back, best effort.
    private async Task AbandonAsync(ThrottleKeys keys)
    {
        try
        {
            await _throttle.CompleteAttemptAsync(keys, AttemptOutcome.Abandoned, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // The charge stays until the window ends: stricter, never looser.
        }
    }
}
