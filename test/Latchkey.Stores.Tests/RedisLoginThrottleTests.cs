using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Stores.Redis;
using Latchkey.Testing;
using Latchkey.Throttling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Latchkey.Stores.Tests;

/// <summary>
/// The shared throttle on a real Redis: attempts in flight are counted apart from settled failures, a
/// refusal says which of them owes it, completions never push the in-flight count below zero nor
/// recreate a cleared key, and charges a dead node left in flight expire with the counter's window.
/// The counters' clock is fake (no delay elapses unless a test says so); Redis expires keys on its own.
/// </summary>
public sealed class RedisLoginThrottleTests : IAsyncLifetime
{
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ThrottlingOptions _options = new() { ContendedWait = TimeSpan.FromSeconds(30) };
    private RedisServer? _server;
    private RedisConnection? _connection;
    private RedisLoginThrottle _throttle = null!;

    private int AccountAllowance => _options.FreeFailuresPerAccount + 1;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = new RedisConnection(_server.ConnectionString, NullLogger<RedisConnection>.Instance);
        _throttle = new RedisLoginThrottle(_connection, _time, Options.Create(_options));
    }

    public async Task DisposeAsync()
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
    public async Task Refusal_WhileTheAllowanceIsInFlight_IsContendedUntilTheAttemptsFail()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        for (var i = 0; i < AccountAllowance; i++)
        {
            Assert.True((await _throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        }

        var contended = await _throttle.TryBeginAttemptAsync(keys, default);
        Assert.True(contended is { IsAdmitted: false, IsContended: true, RefusedBy: ThrottleKeyKind.Account });

        for (var i = 0; i < AccountAllowance; i++)
        {
            await _throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        }

        var settled = await _throttle.TryBeginAttemptAsync(keys, default);
        Assert.True(settled is { IsAdmitted: false, IsContended: false });
        Assert.Equal(_options.BaseDelay, settled.RetryAfter);
        Assert.Equal((AccountAllowance, 0), await CountsAsync(keys.Subject));
    }

    [Fact]
    public async Task Completions_NeverMakeTheInFlightCountNegative_NorRecreateAClearedKey()
    {
        var keys = ThrottleKeys.For("A@EXAMPLE.COM", Address);
        Assert.True((await _throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);
        Assert.True((await _throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        // The first success clears the account's counter while the second attempt is still in flight.
        await _throttle.CompleteAttemptAsync(keys, AttemptOutcome.Succeeded, default);
        await _throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);
        await _throttle.CompleteAttemptAsync(keys, AttemptOutcome.Failed, default);

        Assert.False(await _connection!.Database.KeyExistsAsync(RedisKeyOf(keys.Subject)));
        Assert.Equal((1, 0), await CountsAsync(keys.Address!));
    }

    [Fact]
    public async Task ChargesLeftInFlight_ExpireWithTheWindow()
    {
        var keys = ThrottleKeys.ForClient("svc", Address);
        Assert.True((await _throttle.TryBeginAttemptAsync(keys, default)).IsAdmitted);

        // The node dies here: nothing completes the attempt, and both counters still expire.
        foreach (var key in new[] { keys.Subject, keys.Address! })
        {
            Assert.Equal((1, 1), await CountsAsync(key));
            var ttl = await _connection!.Database.KeyTimeToLiveAsync(RedisKeyOf(key));
            Assert.True(ttl > TimeSpan.Zero && ttl <= _options.Window, $"{key} expires in {ttl}.");
        }
    }

    [Fact]
    public async Task RightCredentials_50Concurrent_AreAllCheckedWhileWrongOnesStayWithinTheAllowance()
    {
        var throttle = new CredentialThrottle(_throttle, new SecurityAudit(NullLoggerFactory.Instance), Options.Create(_options));
        var right = ThrottleKeys.ForClient("right", null);
        var wrong = ThrottleKeys.ForClient("wrong", null);

        var results = await Concurrently.RunAsync(100, i => throttle.RunAsync(
            i % 2 == 0 ? right : wrong,
            null,
            _ => "refused",
            async _ =>
            {
                await Task.Yield();
                return i % 2 == 0 ? ("right", AttemptOutcome.Succeeded) : ("wrong", AttemptOutcome.Failed);
            },
            default));

        Assert.Equal(50, results.Count(r => r == "right"));
        Assert.Equal(AccountAllowance, results.Count(r => r == "wrong"));
        Assert.Equal(50 - AccountAllowance, results.Count(r => r == "refused"));
    }

    private static RedisKey RedisKeyOf(string key) => "lk:{t}:" + key;

    private async Task<(int Failures, int InFlight)> CountsAsync(string key)
    {
        var values = await _connection!.Database.HashGetAsync(RedisKeyOf(key), ["f", "i"]);
        return ((int)values[0], (int)values[1]);
    }
}
