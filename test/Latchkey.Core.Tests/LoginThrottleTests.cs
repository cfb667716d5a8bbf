using System.Net;
using Latchkey.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ThrottlingOptions _options = new() { FreeFailuresPerAccount = 3, FreeFailuresPerAddress = 10, MaxTrackedKeys = 100 };

    private InMemoryLoginThrottle Throttle() => new(_time, Microsoft.Extensions.Options.Options.Create(_options));

    [Fact]
    public async Task FreeFailures_CostNothing_ThenDelayDoublesUpToTheCap()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);

        // Three free failures, and the fourth (the first beyond them) starts the delay.
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await FailAsync(throttle, keys));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), (await throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await FailAsync(throttle, keys));
        Assert.Equal(TimeSpan.FromSeconds(2), (await throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await FailAsync(throttle, keys));

        var refused = await throttle.TryBeginAttemptAsync(keys, default);
        Assert.Equal(TimeSpan.FromSeconds(4), refused.RetryAfter);
        Assert.Equal(ThrottleKeyKind.Account, refused.RefusedBy);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(1), (await throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
    }

    [Fact]
    public void DelayFor_NeverExceedsMaxDelay()
    {
        Assert.Equal(TimeSpan.Zero, InMemoryLoginThrottle.DelayFor(3, 3, _options));
        Assert.Equal(_options.MaxDelay, InMemoryLoginThrottle.DelayFor(50, 3, _options));
        Assert.Equal(_options.MaxDelay, InMemoryLoginThrottle.DelayFor(int.MaxValue, 3, _options));
    }

    [Fact]
    public async Task ParallelAttempts_OnOneAccount_AdmitOnlyTheFreeFailuresAndTheOneThatStartsTheDelay()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await throttle.TryBeginAttemptAsync(keys, default))));

        Assert.Equal(_options.FreeFailuresPerAccount + 1, decisions.Count(d => d.IsAdmitted));
        Assert.All(decisions.Where(d => !d.IsAdmitted), d => Assert.Equal(ThrottleKeyKind.Account, d.RefusedBy));
    }

    [Fact]
    public async Task ParallelAttempts_FromOneAddressOnManyAccounts_AdmitOnlyTheAddressAllowance()
    {
        var throttle = Throttle();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Task.Run(async () => await throttle.TryBeginAttemptAsync(ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address), default))));

        Assert.Equal(_options.FreeFailuresPerAddress + 1, decisions.Count(d => d.IsAdmitted));
        Assert.All(decisions.Where(d => !d.IsAdmitted), d => Assert.Equal(ThrottleKeyKind.Address, d.RefusedBy));
    }

    [Fact]
    public async Task Success_ResetsTheAccountCounter()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(throttle, keys);
        }

        Assert.False((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);

        for (var i = 0; i < 4; i++)
        {
            Assert.True(await FailAsync(throttle, keys), $"Attempt {i + 1} after the success was refused.");
        }
    }

    [Fact]
    public async Task Successes_FromOneAddress_DoNotAddUpAgainstIt()
    {
        var throttle = Throttle();
        for (var i = 0; i < 50; i++)
        {
            var keys = ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address);
            Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted, $"Login {i + 1} was refused.");
            await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        }

        Assert.Equal(0, throttle.TrackedKeys);
    }

    [Fact]
    public async Task AbandonedAttempts_GiveTheirChargeBack()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
            await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Abandoned, default);
        }
    }

    [Fact]
    public async Task Counter_IsForgottenAfterTheWindow()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", null);
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(throttle, keys);
        }

        _time.Advance(_options.Window + TimeSpan.FromSeconds(1));

        for (var i = 0; i < 4; i++)
        {
            Assert.True(await FailAsync(throttle, keys));
        }
    }

    [Fact]
    public async Task AddressCounter_ThrottlesAcrossAccounts()
    {
        var throttle = Throttle();
        var address = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < 11; i++)
        {
            await FailAsync(throttle, ThrottleKeys.For($"USER{i}@EXAMPLE.COM", address));
        }

        var refused = await throttle.TryBeginAttemptAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", address), default);
        Assert.Equal(ThrottleKeyKind.Address, refused.RefusedBy);
        Assert.False(refused.IsAdmitted);
        Assert.True((await throttle.TryBeginAttemptAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", IPAddress.Parse("192.0.2.8")), default)).IsAdmitted);
    }

    [Fact]
    public async Task ClientCounter_IsSeparateFromTheAccountOfTheSameName()
    {
        var throttle = Throttle();
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(throttle, ThrottleKeys.ForClient("svc", null));
        }

        var refused = await throttle.TryBeginAttemptAsync(ThrottleKeys.ForClient("svc", null), default);
        Assert.Equal(ThrottleKeyKind.Client, refused.RefusedBy);
        Assert.True((await throttle.TryBeginAttemptAsync(ThrottleKeys.For("svc", null), default)).IsAdmitted);
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
    public async Task Refusal_WhileTheAllowanceIsInFlight_IsContendedUntilTheAttemptsFail()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        var contended = await throttle.TryBeginAttemptAsync(keys, default);
        Assert.False(contended.IsAdmitted);
        Assert.True(contended.IsContended);
        Assert.Equal(ThrottleKeyKind.Account, contended.RefusedBy);

        // Three settled failures are still free: the fourth, in flight, is what holds the next one back.
        for (var i = 0; i < 3; i++)
        {
            await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        }

        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsContended);
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);

        var settled = await throttle.TryBeginAttemptAsync(keys, default);
        Assert.False(settled.IsAdmitted);
        Assert.False(settled.IsContended);
        Assert.Equal(TimeSpan.FromSeconds(1), settled.RetryAfter);
        Assert.Equal((4, 0), throttle.CountsOf(keys.Subject));
    }

    [Fact]
    public async Task ContendedAttempt_IsAdmittedOnceAnAttemptInFlightSucceeds()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.ForClient("svc", Address);
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsContended);
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);

        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.Equal((1, 1), throttle.CountsOf(keys.Subject));
        Assert.Equal((4, 4), throttle.CountsOf(keys.Address!));
    }

    [Fact]
    public async Task ContendedAddress_IsAdmittedOnceALoginInFlightFromItSucceeds()
    {
        var throttle = Throttle();
        var inFlight = Enumerable.Range(0, 11).Select(i => ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address)).ToList();
        foreach (var keys in inFlight)
        {
            Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        var late = ThrottleKeys.For("LATE@EXAMPLE.COM", Address);
        var contended = await throttle.TryBeginAttemptAsync(late, default);
        Assert.Equal(ThrottleKeyKind.Address, contended.RefusedBy);
        Assert.True(contended.IsContended);

        await throttle.CompleteAttemptAsync(inFlight[0], AttemptOutcome.Succeeded, default);
        Assert.True((await throttle.TryBeginAttemptAsync(late, default)).IsAdmitted);
        Assert.Equal((11, 11), throttle.CountsOf(late.Address!));
    }

    [Fact]
    public async Task InFlightCount_NeverGoesNegative_WhenItsCounterWasClearedOrExpired()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        // The first success clears the account's counter while the second attempt is still in flight.
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        Assert.Equal((0, 0), throttle.CountsOf(keys.Subject));
        Assert.Equal((1, 0), throttle.CountsOf(keys.Address!));

        // An attempt that outlives the window finds a fresh counter: it ends the new charge's mark, no more.
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        _time.Advance(_options.Window + TimeSpan.FromSeconds(1));
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        Assert.Equal((1, 0), throttle.CountsOf(keys.Subject));
        Assert.Equal((1, 0), throttle.CountsOf(keys.Address!));
    }

    [Fact]
    public async Task Attempt_WhoseClockReadingPrecedesTheLastCharge_IsAdmittedWhileNoDelayIsOwed()
    {
        // Parallel attempts read the clock before they take the counter's lock, so one may see a charge
        // made after its own reading; with free failures left that must not look like a wait.
        var clock = new SettableClock { Now = _time.GetUtcNow() };
        var throttle = new InMemoryLoginThrottle(clock, Microsoft.Extensions.Options.Options.Create(_options));
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        clock.Now -= TimeSpan.FromMilliseconds(1);
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
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

    // Begins an attempt and, when admitted, settles it as a failure; returns whether it was admitted.
    private static async Task<bool> FailAsync(InMemoryLoginThrottle throttle, ThrottleKeys keys)
    {
        var decision = await throttle.TryBeginAttemptAsync(keys, default);
        if (decision.IsAdmitted)
        {
            await throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        }

        return decision.IsAdmitted;
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
