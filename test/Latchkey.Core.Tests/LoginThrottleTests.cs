using System.Net;
using Latchkey.Conformance;
using Latchkey.Throttling;

namespace Latchkey.Core.Tests;

/// <summary>The throttle conformance suite on the in-memory throttle.</summary>
public sealed class InMemoryLoginThrottleConformanceTests : LoginThrottleConformanceTests
{
    protected override ILoginThrottle Create(TimeProvider time) => new InMemoryLoginThrottle(time, Microsoft.Extensions.Options.Options.Create(Options));

    protected override Task<(int Failures, int InFlight)> CountsAsync(string key) => Task.FromResult(((InMemoryLoginThrottle)Throttle).CountsOf(key));
}

/// <summary>What only the in-memory throttle has: a bound on the counters it keeps, and the delay formula.</summary>
public sealed class LoginThrottleTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ThrottlingOptions _options = new() { FreeFailuresPerAccount = 3, FreeFailuresPerAddress = 10, MaxTrackedKeys = 100 };

    private InMemoryLoginThrottle Throttle() => new(_time, Microsoft.Extensions.Options.Options.Create(_options));

    [Fact]
    public void DelayFor_NeverExceedsMaxDelay()
    {
        Assert.Equal(TimeSpan.Zero, InMemoryLoginThrottle.DelayFor(3, 3, _options));
        Assert.Equal(_options.MaxDelay, InMemoryLoginThrottle.DelayFor(50, 3, _options));
        Assert.Equal(_options.MaxDelay, InMemoryLoginThrottle.DelayFor(int.MaxValue, 3, _options));
    }

    [Fact]
    public async Task Successes_FromOneAddress_LeaveNoCounterBehind()
    {
        var throttle = Throttle();
        for (var i = 0; i < 50; i++)
        {
            var keys = ThrottleKeys.For($"USER{i}@EXAMPLE.COM", IPAddress.Parse("192.0.2.1"));
            Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
            await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        }

        Assert.Equal(0, throttle.TrackedKeys);
    }

    [Fact]
    public async Task TrackedKeys_StayBounded_UnderAFloodOfDistinctNames()
    {
        var throttle = Throttle();
        for (var i = 0; i < 1000; i++)
        {
            await FailAsync(throttle, ThrottleKeys.For($"USER{i}@EXAMPLE.COM", IPAddress.Parse($"198.51.{i / 256}.{i % 256}")));
        }

        // The account under attack just now is still counted: the oldest counters go first.
        var recent = ThrottleKeys.For("RECENT@EXAMPLE.COM", null);
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await FailAsync(throttle, recent);
        }

        Assert.False((await throttle.TryBeginAttemptAsync(recent, default)).IsAdmitted);
        Assert.True(throttle.TrackedKeys <= _options.MaxTrackedKeys + 2, $"{throttle.TrackedKeys} counters are kept.");
    }

    [Fact]
    public async Task SignUpRateCounters_SurviveASweep_UntilTheirWindowEnds()
    {
        // The sign-up window (an hour) outlasts the failure window (15 minutes); a sweep must not reset it.
        var throttle = Throttle();
        var key = ThrottleKeys.SignUpKey(IPAddress.Parse("192.0.2.1"))!;
        Assert.True((await throttle.TryAcquireAsync(key, 1, TimeSpan.FromHours(1), default)).IsAdmitted);
        for (var i = 0; i < _options.MaxTrackedKeys - 1; i++)
        {
            await FailAsync(throttle, ThrottleKeys.For($"USER{i}@EXAMPLE.COM", null));
        }

        // Full: the next attempt sweeps the failure counters, forgotten by now, and only them.
        _time.Advance(TimeSpan.FromMinutes(30));
        await FailAsync(throttle, ThrottleKeys.For("LAST@EXAMPLE.COM", null));
        Assert.Equal(2, throttle.TrackedKeys);

        Assert.Equal(TimeSpan.FromMinutes(30), (await throttle.TryAcquireAsync(key, 1, TimeSpan.FromHours(1), default)).RetryAfter);
    }

    [Fact]
    public void AddressKey_FoldsIpv6To64AndMapsIpv4()
    {
        Assert.Equal(
            ThrottleKeys.AddressKey(IPAddress.Parse("2001:db8:1:2:aaaa::1")),
            ThrottleKeys.AddressKey(IPAddress.Parse("2001:db8:1:2:bbbb::2")));
        Assert.NotEqual(
            ThrottleKeys.AddressKey(IPAddress.Parse("2001:db8:1:2::1")),
            ThrottleKeys.AddressKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal(
            ThrottleKeys.AddressKey(IPAddress.Parse("192.0.2.1")),
            ThrottleKeys.AddressKey(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.Null(ThrottleKeys.AddressKey(null));
    }

    private static async Task<bool> FailAsync(InMemoryLoginThrottle throttle, ThrottleKeys keys)
    {
        var decision = await throttle.TryBeginAttemptAsync(keys, default);
        if (decision.IsAdmitted)
        {
            await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        }

        return decision.IsAdmitted;
    }
}
