using System.Net;
using Latchkey.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ThrottlingOptions _options = new() { FreeFailuresPerAccount = 3, FreeFailuresPerAddress = 10 };

    private InMemoryLoginThrottle Throttle() => new(_time, Microsoft.Extensions.Options.Options.Create(_options));

    [Fact]
    public async Task FreeFailures_CostNothing_ThenDelayDoublesUpToTheCap()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", IPAddress.Parse("192.0.2.1"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await throttle.GetRetryAfterAsync(keys, default));
            await throttle.RecordFailureAsync(keys, default);
        }

        Assert.Null(await throttle.GetRetryAfterAsync(keys, default));
        await throttle.RecordFailureAsync(keys, default);
        Assert.Equal(TimeSpan.FromSeconds(1), await throttle.GetRetryAfterAsync(keys, default));
        await throttle.RecordFailureAsync(keys, default);
        Assert.Equal(TimeSpan.FromSeconds(2), await throttle.GetRetryAfterAsync(keys, default));
        await throttle.RecordFailureAsync(keys, default);
        Assert.Equal(TimeSpan.FromSeconds(4), await throttle.GetRetryAfterAsync(keys, default));

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(1), await throttle.GetRetryAfterAsync(keys, default));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await throttle.GetRetryAfterAsync(keys, default));
    }

    [Fact]
    public void DelayFor_NeverExceedsMaxDelay()
    {
        Assert.Equal(TimeSpan.Zero, InMemoryLoginThrottle.DelayFor(3, 3, _options));
        Assert.Equal(_options.MaxDelay, InMemoryLoginThrottle.DelayFor(50, 3, _options));
        Assert.Equal(_options.MaxDelay, InMemoryLoginThrottle.DelayFor(int.MaxValue, 3, _options));
    }

    [Fact]
    public async Task Success_ResetsTheAccountCounter()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", IPAddress.Parse("192.0.2.1"));
        for (var i = 0; i < 4; i++)
        {
            await throttle.RecordFailureAsync(keys, default);
        }

        Assert.NotNull(await throttle.GetRetryAfterAsync(keys, default));
        await throttle.RecordSuccessAsync(keys, default);
        Assert.Null(await throttle.GetRetryAfterAsync(keys, default));
    }

    [Fact]
    public async Task Counter_IsForgottenAfterTheWindow()
    {
        var throttle = Throttle();
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", null);
        for (var i = 0; i < 3; i++)
        {
            await throttle.RecordFailureAsync(keys, default);
        }

        _time.Advance(_options.Window + TimeSpan.FromSeconds(1));
        await throttle.RecordFailureAsync(keys, default);

        Assert.Null(await throttle.GetRetryAfterAsync(keys, default));
    }

    [Fact]
    public async Task AddressCounter_ThrottlesAcrossAccounts()
    {
        var throttle = Throttle();
        var address = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < 11; i++)
        {
            await throttle.RecordFailureAsync(ThrottleKeys.For($"USER{i}@EXAMPLE.COM", address), default);
        }

        Assert.NotNull(await throttle.GetRetryAfterAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", address), default));
        Assert.Null(await throttle.GetRetryAfterAsync(ThrottleKeys.For("FRESH@EXAMPLE.COM", IPAddress.Parse("192.0.2.8")), default));
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
}
