using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Throttling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Latchkey.Conformance;

/// <summary>
/// What every <see cref="ILoginThrottle"/> must do, run once per backend (a subclass each: the in-memory
/// throttle in Latchkey.Core.Tests, the Redis throttle against a throwaway Redis in Latchkey.Stores.Tests).
/// The counters' clock is a <see cref="FakeTimeProvider"/>, so no delay elapses unless a test says so.
/// Allowances here: 3 free failures per account or client, 10 per address, 2 per known device.
/// </summary>
public abstract class LoginThrottleConformanceTests : IAsyncLifetime
{
    /// <summary>The address most attempts come from.</summary>
    protected static readonly IPAddress Address = IPAddress.Parse("192.0.2.1");

    private readonly Lock _creating = new();
    private ILoginThrottle? _throttle;

    /// <summary>The counters' clock.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>The options every throttle of a test reads.</summary>
    protected ThrottlingOptions Options { get; } = new()
    {
        FreeFailuresPerAccount = 3,
        FreeFailuresPerAddress = 10,
        FreeFailuresPerDevice = 2,
        MaxTrackedKeys = 100,
        ContendedWait = TimeSpan.FromSeconds(30),
    };

    /// <summary>The throttle under test, on <see cref="Time"/>.</summary>
    /// <remarks>Created once even when its first readers are parallel tasks: two throttles would split the counts.</remarks>
    protected ILoginThrottle Throttle
    {
        get
        {
            lock (_creating)
            {
                return _throttle ??= Create(Time);
            }
        }
    }

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task FreeFailures_CostNothing_ThenDelayDoublesUpToTheCap()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);

        // Three free failures, and the fourth (the first beyond them) starts the delay.
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await FailAsync(keys));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), (await Throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await FailAsync(keys));
        Assert.Equal(TimeSpan.FromSeconds(2), (await Throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await FailAsync(keys));

        var refused = await Throttle.TryBeginAttemptAsync(keys, default);
        Assert.Equal(TimeSpan.FromSeconds(4), refused.RetryAfter);
        Assert.Equal(ThrottleKeyKind.Account, refused.RefusedBy);
        Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(1), (await Throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
    }

    [Fact]
    public async Task Delay_StopsGrowingAtMaxDelay()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", null);
        for (var i = 0; i < 20; i++)
        {
            Time.Advance(Options.MaxDelay);
            Assert.True(await FailAsync(keys), $"Failure {i + 1} was refused.");
        }

        Assert.Equal(Options.MaxDelay, (await Throttle.TryBeginAttemptAsync(keys, default)).RetryAfter);
    }

    [Fact]
    public async Task ParallelAttempts_OnOneAccount_AdmitOnlyTheFreeFailuresAndTheOneThatStartsTheDelay()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await Throttle.TryBeginAttemptAsync(keys, default))));

        Assert.Equal(Options.FreeFailuresPerAccount + 1, decisions.Count(d => d.IsAdmitted));
        Assert.All(decisions.Where(d => !d.IsAdmitted), d => Assert.Equal(ThrottleKeyKind.Account, d.RefusedBy));
    }

    [Fact]
    public async Task ParallelAttempts_FromOneAddressOnManyAccounts_AdmitOnlyTheAddressAllowance()
    {
        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Task.Run(async () => await Throttle.TryBeginAttemptAsync(ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address), default))));

        Assert.Equal(Options.FreeFailuresPerAddress + 1, decisions.Count(d => d.IsAdmitted));
        Assert.All(decisions.Where(d => !d.IsAdmitted), d => Assert.Equal(ThrottleKeyKind.Address, d.RefusedBy));
    }

    [Fact]
    public async Task Success_ResetsTheAccountCounter()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(keys);
        }

        Assert.False((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);

        for (var i = 0; i < 4; i++)
        {
            Assert.True(await FailAsync(keys), $"Attempt {i + 1} after the success was refused.");
        }
    }

    [Fact]
    public async Task Forget_DropsTheAccountCounterButNotTheAddressCounter()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", null);
        var other = ThrottleKeys.For("B@EXAMPLE.COM", null);
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(keys);
            await FailAsync(other);
        }

        Assert.False((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        await Throttle.ForgetAsync(keys.Subject, default);
        await Throttle.ForgetAsync("a:NOBODY@EXAMPLE.COM", default);

        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.False((await Throttle.TryBeginAttemptAsync(other, default)).IsAdmitted);
    }

    [Fact]
    public async Task Successes_FromOneAddress_DoNotAddUpAgainstIt()
    {
        for (var i = 0; i < 50; i++)
        {
            var keys = ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address);
            Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted, $"Login {i + 1} was refused.");
            await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        }

        Assert.Equal((0, 0), await CountsAsync(ThrottleKeys.AddressKey(Address)!));
        Assert.Equal((0, 0), await CountsAsync(ThrottleKeys.For("USER0@EXAMPLE.COM", null).Subject));
    }

    [Fact]
    public async Task AbandonedAttempts_GiveTheirChargeBack()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
            await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Abandoned, default);
        }

        Assert.Equal((0, 0), await CountsAsync(keys.Subject));
        Assert.Equal((0, 0), await CountsAsync(keys.Address!));
    }

    [Fact]
    public async Task Counter_IsForgottenAfterTheWindow()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", null);
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(keys);
        }

        Time.Advance(Options.Window + TimeSpan.FromSeconds(1));

        for (var i = 0; i < 4; i++)
        {
            Assert.True(await FailAsync(keys));
        }
    }

    [Fact]
    public async Task AddressCounter_ThrottlesAcrossAccounts()
    {
        var address = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < 11; i++)
        {
            await FailAsync(ThrottleKeys.For($"USER{i}@EXAMPLE.COM", address));
        }

        var refused = await Throttle.TryBeginAttemptAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", address), default);
        Assert.Equal(ThrottleKeyKind.Address, refused.RefusedBy);
        Assert.False(refused.IsAdmitted);
        Assert.True((await Throttle.TryBeginAttemptAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", IPAddress.Parse("192.0.2.8")), default)).IsAdmitted);
    }

    [Fact]
    public async Task ClientCounter_IsSeparateFromTheAccountOfTheSameName()
    {
        for (var i = 0; i < 4; i++)
        {
            await FailAsync(ThrottleKeys.ForClient("svc", null));
        }

        var refused = await Throttle.TryBeginAttemptAsync(ThrottleKeys.ForClient("svc", null), default);
        Assert.Equal(ThrottleKeyKind.Client, refused.RefusedBy);
        Assert.True((await Throttle.TryBeginAttemptAsync(ThrottleKeys.For("svc", null), default)).IsAdmitted);
    }

    [Fact]
    public async Task Refusal_WhileTheAllowanceIsInFlight_IsContendedUntilTheAttemptsFail()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        var contended = await Throttle.TryBeginAttemptAsync(keys, default);
        Assert.True(contended is { IsAdmitted: false, IsContended: true, RefusedBy: ThrottleKeyKind.Account });

        // Three settled failures are still free: the fourth, in flight, is what holds the next one back.
        for (var i = 0; i < 3; i++)
        {
            await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        }

        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsContended);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);

        var settled = await Throttle.TryBeginAttemptAsync(keys, default);
        Assert.True(settled is { IsAdmitted: false, IsContended: false });
        Assert.Equal(Options.BaseDelay, settled.RetryAfter);
        Assert.Equal((4, 0), await CountsAsync(keys.Subject));
    }

    [Fact]
    public async Task ContendedAttempt_IsAdmittedOnceAnAttemptInFlightSucceeds()
    {
        var keys = ThrottleKeys.ForClient("svc", Address);
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsContended);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);

        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.Equal((1, 1), await CountsAsync(keys.Subject));
        Assert.Equal((4, 4), await CountsAsync(keys.Address!));
    }

    [Fact]
    public async Task ContendedAddress_IsAdmittedOnceALoginInFlightFromItSucceeds()
    {
        var inFlight = Enumerable.Range(0, 11).Select(i => ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address)).ToList();
        foreach (var keys in inFlight)
        {
            Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        var late = ThrottleKeys.For("LATE@EXAMPLE.COM", Address);
        var contended = await Throttle.TryBeginAttemptAsync(late, default);
        Assert.True(contended is { IsContended: true, RefusedBy: ThrottleKeyKind.Address });

        await Throttle.CompleteAttemptAsync(inFlight[0], AttemptOutcome.Succeeded, default);
        Assert.True((await Throttle.TryBeginAttemptAsync(late, default)).IsAdmitted);
        Assert.Equal((11, 11), await CountsAsync(late.Address!));
    }

    [Fact]
    public async Task InFlightCount_NeverGoesNegative_WhenItsCounterWasClearedOrExpired()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        // The first success clears the account's counter while the second attempt is still in flight.
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        Assert.Equal((0, 0), await CountsAsync(keys.Subject));
        Assert.Equal((1, 0), await CountsAsync(keys.Address!));

        // An attempt that outlives the window finds a fresh counter: it ends the new charge's mark, no more.
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Time.Advance(Options.Window + TimeSpan.FromSeconds(1));
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        Assert.Equal((1, 0), await CountsAsync(keys.Subject));
        Assert.Equal((1, 0), await CountsAsync(keys.Address!));
    }

    [Fact]
    public async Task Attempt_WhoseClockReadingPrecedesTheLastCharge_IsAdmittedWhileNoDelayIsOwed()
    {
        // Parallel attempts read the clock before they reach the counter, so one may see a charge made
        // after its own reading; with free failures left that must not look like a wait.
        var clock = new SettableClock { Now = Time.GetUtcNow() };
        var throttle = Create(clock);
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        clock.Now -= TimeSpan.FromMilliseconds(1);
        Assert.True((await throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
    }

    [Fact]
    public async Task RightCredentials_50Concurrent_AreAllCheckedWhileWrongOnesStayWithinTheAllowance()
    {
        var throttle = new CredentialThrottle(Throttle, new SecurityAudit(NullLoggerFactory.Instance), Microsoft.Extensions.Options.Options.Create(Options));
        var right = ThrottleKeys.ForClient("right", null);
        var wrong = ThrottleKeys.ForClient("wrong", null);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() => throttle.RunAsync(
            i % 2 == 0 ? right : wrong,
            null,
            _ => "refused",
            async _ =>
            {
                await Task.Yield();
                return i % 2 == 0 ? ("right", AttemptOutcome.Succeeded) : ("wrong", AttemptOutcome.Failed);
            },
            default))));

        var allowance = Options.FreeFailuresPerAccount + 1;
        Assert.Equal(50, results.Count(r => r == "right"));
        Assert.Equal(allowance, results.Count(r => r == "wrong"));
        Assert.Equal(50 - allowance, results.Count(r => r == "refused"));
    }

    [Fact]
    public async Task KnownDevice_IsAdmitted_WhileItsAccountAndAddressCountersAreExhausted()
    {
        var account = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < 100; i++)
        {
            await FailAsync(i % 2 == 0 ? account : ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address));
        }

        Assert.False((await Throttle.TryBeginAttemptAsync(account, default)).IsAdmitted);
        var device = ThrottleKeys.ForDevice("device-1");
        Assert.True((await Throttle.TryBeginAttemptAsync(device, default)).IsAdmitted);
        await Throttle.CompleteAttemptAsync(device, AttemptOutcome.Succeeded, default);

        // The device's success neither cleared nor touched the counters others drove up.
        Assert.False((await Throttle.TryBeginAttemptAsync(account, default)).IsAdmitted);
        Assert.Equal((0, 0), await CountsAsync(device.Subject));
    }

    [Fact]
    public async Task KnownDevice_HasItsOwnFreeFailures_ThenADoublingDelay_ChargedToNoOtherCounter()
    {
        var device = ThrottleKeys.ForDevice("device-1");
        for (var i = 0; i < Options.FreeFailuresPerDevice + 1; i++)
        {
            Assert.True(await FailAsync(device));
        }

        var refused = await Throttle.TryBeginAttemptAsync(device, default);
        Assert.True(refused is { IsAdmitted: false, RefusedBy: ThrottleKeyKind.Device });
        Assert.Equal(Options.BaseDelay, refused.RetryAfter);
        Time.Advance(Options.BaseDelay);
        Assert.True(await FailAsync(device));
        Assert.Equal(Options.BaseDelay * 2, (await Throttle.TryBeginAttemptAsync(device, default)).RetryAfter);

        // Another device of the same account, and the account itself from an unknown device, are not held back.
        Assert.True((await Throttle.TryBeginAttemptAsync(ThrottleKeys.ForDevice("device-2"), default)).IsAdmitted);
        Assert.True((await Throttle.TryBeginAttemptAsync(ThrottleKeys.For("A@EXAMPLE.COM", Address), default)).IsAdmitted);
        Assert.Equal((Options.FreeFailuresPerDevice + 2, 0), await CountsAsync(device.Subject));
    }

    [Fact]
    public async Task KnownDevice_SuccessClearsItsCounter()
    {
        var device = ThrottleKeys.ForDevice("device-1");
        for (var i = 0; i < Options.FreeFailuresPerDevice; i++)
        {
            await FailAsync(device);
        }

        Assert.True((await Throttle.TryBeginAttemptAsync(device, default)).IsAdmitted);
        await Throttle.CompleteAttemptAsync(device, AttemptOutcome.Succeeded, default);

        Assert.Equal((0, 0), await CountsAsync(device.Subject));
    }

    [Fact]
    public async Task SignUpRate_AdmitsTheLimit_ThenRefusesUntilTheWindowEnds()
    {
        var key = ThrottleKeys.SignUpKey(Address)!;
        var window = TimeSpan.FromHours(1);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Throttle.TryAcquireAsync(key, 3, window, default)).IsAdmitted);
            Time.Advance(TimeSpan.FromMinutes(10));
        }

        // Refusals take nothing and do not move the window, which started at the first permit.
        for (var i = 0; i < 5; i++)
        {
            var refused = await Throttle.TryAcquireAsync(key, 3, window, default);
            Assert.True(refused is { IsAdmitted: false, RefusedBy: ThrottleKeyKind.SignUp });
            Assert.Equal(TimeSpan.FromMinutes(30) - TimeSpan.FromMinutes(i), refused.RetryAfter);
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        Time.Advance(TimeSpan.FromMinutes(24));
        Assert.Equal(TimeSpan.FromMinutes(1), (await Throttle.TryAcquireAsync(key, 3, window, default)).RetryAfter);
        Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Throttle.TryAcquireAsync(key, 3, window, default)).IsAdmitted);
        }

        Assert.False((await Throttle.TryAcquireAsync(key, 3, window, default)).IsAdmitted);
    }

    [Fact]
    public async Task SignUpRate_ParallelRequests_AdmitExactlyTheLimit()
    {
        var key = ThrottleKeys.SignUpKey(Address)!;

        var decisions = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            Task.Run(async () => await Throttle.TryAcquireAsync(key, 20, TimeSpan.FromHours(1), default))));

        Assert.Equal(20, decisions.Count(d => d.IsAdmitted));
    }

    [Fact]
    public async Task SignUpRate_IsApartFromTheAddressLoginCounter()
    {
        for (var i = 0; i < 50; i++)
        {
            await FailAsync(ThrottleKeys.For($"USER{i}@EXAMPLE.COM", Address));
        }

        Assert.False((await Throttle.TryBeginAttemptAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", Address), default)).IsAdmitted);
        var key = ThrottleKeys.SignUpKey(Address)!;
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await Throttle.TryAcquireAsync(key, 5, TimeSpan.FromHours(1), default)).IsAdmitted);
        }

        // Nor do sign-ups count as login failures of the address.
        var other = IPAddress.Parse("192.0.2.9");
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await Throttle.TryAcquireAsync(ThrottleKeys.SignUpKey(other)!, 5, TimeSpan.FromHours(1), default)).IsAdmitted);
        }

        Assert.Equal((0, 0), await CountsAsync(ThrottleKeys.AddressKey(other)!));
    }

    /// <summary>Makes a throttle of the backend under test that reads <see cref="Options"/> and <paramref name="time"/>.</summary>
    protected abstract ILoginThrottle Create(TimeProvider time);

    /// <summary>The failures and in-flight attempts the backend keeps for <paramref name="key"/> (zeros when none).</summary>
    protected abstract Task<(int Failures, int InFlight)> CountsAsync(string key);

    /// <summary>Begins an attempt and, when admitted, settles it as a failure; returns whether it was admitted.</summary>
    protected async Task<bool> FailAsync(ThrottleKeys keys)
    {
        var decision = await Throttle.TryBeginAttemptAsync(keys, default);
        if (decision.IsAdmitted)
        {
            await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        }

        return decision.IsAdmitted;
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
