using System.Net;
using Latchkey.Conformance;
using Latchkey.Stores.Redis;
using Latchkey.Testing;
using Latchkey.Throttling;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Latchkey.Stores.Tests;

/// <summary>
/// The throttle conformance suite on a real Redis (a throwaway server per test), plus what only the
/// shared throttle must do: completions never recreate a cleared key, and charges a dead node left in
/// flight, like sign-up windows, expire in Redis on their own. The counters' clock is fake (no delay
/// elapses unless a test says so); Redis expires keys on its own clock.
/// </summary>
public sealed class RedisLoginThrottleTests : LoginThrottleConformanceTests
{
    private RedisServer? _server;
    private RedisConnection? _connection;

    public override async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = new RedisConnection(_server.ConnectionString, NullLogger<RedisConnection>.Instance);

        // Connect before the parallel tests: a hundred first uses at once would each wait on the one connect.
        await _connection.Database.PingAsync();
    }

    public override async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Completions_NeverMakeTheInFlightCountNegative_NorRecreateAClearedKey()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        // The first success clears the account's counter while the second attempt is still in flight.
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        await Throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);

        Assert.False(await _connection!.Database.KeyExistsAsync(RedisKeyOf(keys.Subject)));
        Assert.Equal((1, 0), await CountsAsync(keys.Address!));
    }

    [Fact]
    public async Task ChargesLeftInFlight_ExpireWithTheWindow()
    {
        var keys = ThrottleKeys.ForClient("svc", Address);
        Assert.True((await Throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        // The node dies here: nothing completes the attempt, and both counters still expire.
        foreach (var key in new[] { keys.Subject, keys.Address! })
        {
            Assert.Equal((1, 1), await CountsAsync(key));
            var ttl = await _connection!.Database.KeyTimeToLiveAsync(RedisKeyOf(key));
            Assert.True(ttl > TimeSpan.Zero && ttl <= Options.Window, $"{key} expires in {ttl}.");
        }
    }

    [Fact]
    public async Task SignUpWindow_ExpiresInRedisWithTheWindow()
    {
        var key = ThrottleKeys.SignUpKey(IPAddress.Parse("192.0.2.3"))!;
        Assert.True((await Throttle.TryAcquireAsync(key, 5, TimeSpan.FromMinutes(10), default)).IsAdmitted);

        var ttl = await _connection!.Database.KeyTimeToLiveAsync(RedisKeyOf(key));
        Assert.True(ttl > TimeSpan.Zero && ttl <= TimeSpan.FromMinutes(10), $"{key} expires in {ttl}.");
    }

    protected override ILoginThrottle Create(TimeProvider time) =>
        new RedisLoginThrottle(_connection!, time, Microsoft.Extensions.Options.Options.Create(Options));

    protected override async Task<(int Failures, int InFlight)> CountsAsync(string key)
    {
        var values = await _connection!.Database.HashGetAsync(RedisKeyOf(key), ["f", "i"]);
        return ((int)values[0], (int)values[1]);
    }

    private static RedisKey RedisKeyOf(string key) => "lk:{t}:" + key;
}
