using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Throttling;

/// <summary>
/// The one place every credential check (login, password grant, password change, client authentication)
/// and every sign-up passes through the throttle: it begins the attempt, logs a refusal, runs the check,
/// and settles the attempt with the check's outcome, or gives the charge back when the check threw.
/// An attempt refused only because others are still in flight waits for them, briefly, before it is
/// refused (<see cref="ThrottlingOptions.ContendedWait"/>).
/// </summary>
public sealed class CredentialThrottle
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(100);

    private readonly ILoginThrottle _throttle;
    private readonly SecurityAudit _audit;
    private readonly IOptions<ThrottlingOptions> _options;
    private readonly LatchkeyMetrics? _metrics;

    /// <summary>Creates the throttle front.</summary>
    public CredentialThrottle(ILoginThrottle throttle, SecurityAudit audit, IOptions<ThrottlingOptions> options, LatchkeyMetrics? metrics = null)
    {
        _metrics = metrics;
        _throttle = throttle;
        _audit = audit;
        _options = options;
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
        var decision = await BeginAsync(keys, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAdmitted)
        {
            _metrics?.ThrottleRefused(decision.RefusedBy);
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
            await CompleteBestEffortAsync(keys, AttemptOutcome.Abandoned).ConfigureAwait(false);
            throw;
        }

        // Settled even when the request is aborted meanwhile, so that a success always clears its counter.
        // A failure's charge is already counted; only its in-flight mark is left to clear, best effort.
        if (checkedAttempt.Outcome == AttemptOutcome.Failed)
        {
            await CompleteBestEffortAsync(keys, AttemptOutcome.Failed).ConfigureAwait(false);
        }
        else
        {
            await _throttle.CompleteAttemptAsync(keys, checkedAttempt.Outcome, CancellationToken.None).ConfigureAwait(false);
        }

        return checkedAttempt.Result;
    }

    /// <summary>
    /// Takes one of the address's sign-up permits (<see cref="ThrottlingOptions.SignUpsPerAddress"/> per
    /// <see cref="ThrottlingOptions.SignUpWindow"/>), or logs and returns the refusal. Without an address there is nothing to count.
    /// </summary>
    public async Task<ThrottleDecision> TryAcquireSignUpAsync(IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        if (ThrottleKeys.SignUpKey(clientAddress) is not { } key)
        {
            return ThrottleDecision.Admitted;
        }

        var options = _options.Value;
        var decision = await _throttle.TryAcquireAsync(key, options.SignUpsPerAddress, options.SignUpWindow, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAdmitted)
        {
            _metrics?.ThrottleRefused(decision.RefusedBy);
            _audit.ThrottledAttempt(decision.RefusedBy, new Security.RequestOrigin(clientAddress, null).ClientIp, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        }

        return decision;
    }

    // Attempts in flight on the same counters finish soon: right credentials give their charges back and
    // let this one in, wrong ones settle as failures and turn the refusal into a real delay. The pauses
    // run on the real clock, since they wait for other requests, whatever clock the counters use.
    private async Task<ThrottleDecision> BeginAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var bound = _options.Value.ContendedWait;
        var pause = FirstPause;
        while (true)
        {
            var decision = await _throttle.TryBeginAttemptAsync(keys, cancellationToken).ConfigureAwait(false);
            var left = bound - TimeProvider.System.GetElapsedTime(started);
            if (decision.IsAdmitted || !decision.IsContended || left <= TimeSpan.Zero)
            {
                return decision;
            }

            await Task.Delay(pause < left ? pause : left, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    // Abandoned (the check never judged the credentials: busy, store down, aborted) or failed.
    private async Task CompleteBestEffortAsync(ThrottleKeys keys, AttemptOutcome outcome)
    {
        try
        {
            await _throttle.CompleteAttemptAsync(keys, outcome, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // The charge stays (in flight) until the window ends: stricter, never looser.
        }
    }
}
