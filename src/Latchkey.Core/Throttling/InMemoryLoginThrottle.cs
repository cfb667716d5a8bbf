using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Latchkey.Throttling;

/// <summary>The single-node throttle: counters in process memory, bounded in number.</summary>
public sealed class InMemoryLoginThrottle : ILoginThrottle
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IOptions<ThrottlingOptions> _options;

    /// <summary>Creates the throttle.</summary>
    public InMemoryLoginThrottle(TimeProvider time, IOptions<ThrottlingOptions> options)
    {
        _time = time;
        _options = options;
    }

    /// <inheritdoc />
    public ValueTask<TimeSpan?> GetRetryAfterAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow();
        var wait = Wait(keys.Account, options.FreeFailuresPerAccount, options, now);
        if (keys.Address is not null)
        {
            var addressWait = Wait(keys.Address, options.FreeFailuresPerAddress, options, now);
            if (addressWait > wait)
            {
                wait = addressWait;
            }
        }

        return ValueTask.FromResult(wait > TimeSpan.Zero ? wait : (TimeSpan?)null);
    }

    /// <inheritdoc />
    public ValueTask RecordFailureAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var options = _options.Value;
        Increment(keys.Account, now, options);
        if (keys.Address is not null)
        {
            Increment(keys.Address, now, options);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RecordSuccessAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        _counters.TryRemove(keys.Account, out _);
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

    private TimeSpan Wait(string key, int free, ThrottlingOptions options, DateTimeOffset now)
    {
        if (!_counters.TryGetValue(key, out var counter))
        {
            return TimeSpan.Zero;
        }

        lock (counter)
        {
            var until = counter.LastFailure + DelayFor(counter.Failures, free, options);
            return until > now ? until - now : TimeSpan.Zero;
        }
    }

    private void Increment(string key, DateTimeOffset now, ThrottlingOptions options)
    {
        if (_counters.Count >= options.MaxTrackedKeys && !_counters.ContainsKey(key))
        {
            Sweep(now, options);
        }

        var counter = _counters.GetOrAdd(key, static _ => new Counter());
        lock (counter)
        {
            if (now - counter.LastFailure > options.Window)
            {
                counter.Failures = 0;
            }

            counter.Failures++;
            counter.LastFailure = now;
        }
    }

    private void Sweep(DateTimeOffset now, ThrottlingOptions options)
    {
        foreach (var pair in _counters)
        {
            if (now - pair.Value.LastFailure > options.Window)
            {
                _counters.TryRemove(pair);
            }
        }

        // Still full: drop the oldest half rather than grow without bound.
        if (_counters.Count >= options.MaxTrackedKeys)
        {
            foreach (var pair in _counters.OrderBy(p => p.Value.LastFailure).Take(_counters.Count / 2))
            {
                _counters.TryRemove(pair);
            }
        }
    }

    private sealed class Counter
    {
        public int Failures { get; set; }

        public DateTimeOffset LastFailure { get; set; }
    }
}
