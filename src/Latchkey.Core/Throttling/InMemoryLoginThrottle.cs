using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Latchkey.Throttling;

/// <summary>
/// The single-node throttle: counters in process memory, bounded in number by
/// <see cref="ThrottlingOptions.MaxTrackedKeys"/>. Every read and write of a counter happens under the
/// lock of its stripe (one of <see cref="StripeCount"/>), so attempts on different keys rarely contend
/// and there is no global lock.
/// </summary>
public sealed class InMemoryLoginThrottle : ILoginThrottle
{
    private const int StripeCount = 64;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly Lock[] _stripes = [.. Enumerable.Range(0, StripeCount).Select(_ => new Lock())];
    private readonly TimeProvider _time;
    private readonly IOptions<ThrottlingOptions> _options;
    private int _sweeping;

    /// <summary>Creates the throttle.</summary>
    public InMemoryLoginThrottle(TimeProvider time, IOptions<ThrottlingOptions> options)
    {
        _time = time;
        _options = options;
    }

    /// <summary>How many counters are kept now.</summary>
    public int TrackedKeys => _counters.Count;

    /// <inheritdoc />
    public ValueTask<ThrottleDecision> TryBeginAttemptAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow().UtcTicks;
        if (_counters.Count >= options.MaxTrackedKeys)
        {
            Sweep(now, options);
        }

        // Both stripes are held together, taken in index order so that two attempts never wait on each other crosswise.
        var first = StripeOf(keys.Subject);
        var second = keys.Address is null ? first : StripeOf(keys.Address);
        lock (_stripes[Math.Min(first, second)])
        {
            lock (_stripes[Math.Max(first, second)])
            {
                var refusedBy = ThrottleKeys.KindOf(keys.Subject);
                var (wait, settled) = Wait(keys.Subject, ThrottleKeys.FreeFailuresOf(refusedBy, options), now, options);
                if (keys.Address is not null)
                {
                    var (addressWait, addressSettled) = Wait(keys.Address, options.FreeFailuresPerAddress, now, options);
                    if (addressWait > wait)
                    {
                        (wait, refusedBy) = (addressWait, ThrottleKeyKind.Address);
                    }

                    settled = settled > addressSettled ? settled : addressSettled;
                }

                if (wait > TimeSpan.Zero)
                {
                    return ValueTask.FromResult(new ThrottleDecision(wait, refusedBy, IsContended: settled == TimeSpan.Zero));
                }

                Charge(keys.Subject, now, options);
                if (keys.Address is not null)
                {
                    Charge(keys.Address, now, options);
                }
            }
        }

        return ValueTask.FromResult(ThrottleDecision.Admitted);
    }

    /// <inheritdoc />
    public ValueTask<ThrottleDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var options = _options.Value;
        var now = _time.GetUtcNow().UtcTicks;
        if (_counters.Count >= options.MaxTrackedKeys)
        {
            Sweep(now, options);
        }

        lock (_stripes[StripeOf(key)])
        {
            // The window starts at its first permit; LastCharged keeps that start, ExpiresAt its end.
            var counter = _counters.GetOrAdd(key, static _ => new Counter());
            if (now >= counter.ExpiresAt)
            {
                (counter.Failures, counter.LastCharged, counter.ExpiresAt) = (0, now, now + window.Ticks);
            }

            if (counter.Failures >= limit)
            {
                return ValueTask.FromResult(new ThrottleDecision(TimeSpan.FromTicks(counter.ExpiresAt - now), ThrottleKeys.KindOf(key)));
            }

            counter.Failures++;
        }

        return ValueTask.FromResult(ThrottleDecision.Admitted);
    }

    /// <inheritdoc />
    public ValueTask ForgetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_stripes[StripeOf(key)])
        {
            _counters.TryRemove(key, out _);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteAttemptAsync(ThrottleKeys keys, AttemptOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case AttemptOutcome.Succeeded:
                lock (_stripes[StripeOf(keys.Subject)])
                {
                    _counters.TryRemove(keys.Subject, out _);
                }

                Release(keys.Address, refund: true);
                break;
            case AttemptOutcome.Failed:
                Release(keys.Subject, refund: false);
                Release(keys.Address, refund: false);
                break;
            case AttemptOutcome.Abandoned:
                Release(keys.Subject, refund: true);
                Release(keys.Address, refund: true);
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The delay owed after <paramref name="failures"/> failures, of which <paramref name="free"/> cost nothing.</summary>
    public static TimeSpan DelayFor(int failures, int free, ThrottlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var over = failures - free;
        if (over <= 0)
        {
            return TimeSpan.Zero;
        }

        var factor = over >= 31 ? double.MaxValue : Math.Pow(2, over - 1);
        var ticks = options.BaseDelay.Ticks * factor;
        return ticks >= options.MaxDelay.Ticks ? options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private static int StripeOf(string key) => (StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % StripeCount;

    // Callers hold the key's stripe. The wait owed counting every charge, and counting settled failures only.
    private (TimeSpan All, TimeSpan Settled) Wait(string key, int free, long now, ThrottlingOptions options)
    {
        if (!_counters.TryGetValue(key, out var counter) || now - counter.LastCharged > options.Window.Ticks)
        {
            return default;
        }

        return (Remaining(counter.Failures), Remaining(counter.Failures - counter.InFlight));

        // No delay owed means no wait, even when another attempt charged the counter after this one read the clock.
        TimeSpan Remaining(int failures)
        {
            var delay = DelayFor(failures, free, options);
            var until = counter.LastCharged + delay.Ticks;
            return delay > TimeSpan.Zero && until > now ? TimeSpan.FromTicks(until - now) : TimeSpan.Zero;
        }
    }

    // Callers hold the key's stripe.
    private void Charge(string key, long now, ThrottlingOptions options)
    {
        var counter = _counters.GetOrAdd(key, static _ => new Counter());
        if (now - counter.LastCharged > options.Window.Ticks)
        {
            (counter.Failures, counter.InFlight) = (0, 0);
        }

        counter.Failures++;
        counter.InFlight++;
        counter.LastCharged = now;
        counter.ExpiresAt = now + options.Window.Ticks;
    }

    // Ends an attempt's charge in flight; a refund also takes the failure back. The counter may have been
    // cleared or expired meanwhile, so the in-flight count is floored at zero rather than trusted.
    private void Release(string? key, bool refund)
    {
        if (key is null)
        {
            return;
        }

        lock (_stripes[StripeOf(key)])
        {
            if (!_counters.TryGetValue(key, out var counter))
            {
                return;
            }

            counter.InFlight = Math.Max(0, counter.InFlight - 1);

            // A counter back at zero is dropped, so that successes leave nothing behind.
            if (refund && --counter.Failures <= 0)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The failures and in-flight attempts counted for <paramref name="key"/> now (zeros when none are kept).</summary>
    public (int Failures, int InFlight) CountsOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_stripes[StripeOf(key)])
        {
            return _counters.TryGetValue(key, out var counter) ? (counter.Failures, counter.InFlight) : (0, 0);
        }
    }

    // One sweeper at a time; the others go on, so the bound can be passed by at most the attempts in flight.
    private void Sweep(long now, ThrottlingOptions options)
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        try
        {
            foreach (var (key, counter) in _counters)
            {
                if (now > Volatile.Read(ref counter.ExpiresAt))
                {
                    RemoveIf(key, c => now > c.ExpiresAt);
                }
            }

            // Still full: drop the oldest half rather than grow without bound.
            if (_counters.Count >= options.MaxTrackedKeys)
            {
                var oldest = _counters.Select(p => (p.Key, Charged: Volatile.Read(ref p.Value.LastCharged)))
                    .OrderBy(p => p.Charged).Take(_counters.Count / 2).ToList();
                foreach (var (key, charged) in oldest)
                {
                    RemoveIf(key, c => c.LastCharged <= charged);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void RemoveIf(string key, Func<Counter, bool> stale)
    {
        lock (_stripes[StripeOf(key)])
        {
            if (_counters.TryGetValue(key, out var counter) && stale(counter))
            {
                _counters.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter
    {
        // Failures include the charges in flight: an attempt counts as failed until it says otherwise.
        public int Failures;
        public int InFlight;
        public long LastCharged;

        // When the counter may be forgotten: one window after its last charge, or the end of a rate window.
        public long ExpiresAt;
    }
}
