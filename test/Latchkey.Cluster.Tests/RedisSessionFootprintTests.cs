using System.Net.Http.Json;
using System.Net;
using Latchkey.Sessions;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// What a session costs in Redis, and that Redis alone forgets it: one node with a one-minute idle
/// timeout on a Redis of its own.
/// </summary>
public sealed class RedisSessionFootprintTests(RedisSessionFootprintTests.ShortTimeoutNode fixture, ITestOutputHelper output)
    : IClassFixture<RedisSessionFootprintTests.ShortTimeoutNode>
{
    private const string BrowserUserAgent =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(1);

    private Infrastructure.ClusterNode Node => fixture.Cluster.Nodes[0];

    private IDatabase Redis => fixture.Redis.GetDatabase();

    [Fact]
    public async Task Session_WithBrowserUserAgent_CostsAtMost300BytesInRedis()
    {
        Assert.InRange(BrowserUserAgent.Length, 110, 130);
        var (session, key) = await LoginAsync(BrowserUserAgent);
        Assert.Equal(5 + 32, ((byte[])key!).Length);
        var bytes = (long)await Redis.ExecuteAsync("MEMORY", "USAGE", key);
        var valueLength = await Redis.StringLengthAsync(key);
        output.WriteLine($"Session key: {((byte[])key!).Length} bytes; value: {valueLength} bytes; MEMORY USAGE: {bytes} bytes (user agent {BrowserUserAgent.Length} characters, user id {session.UserId.Length}, address 127.0.0.1).");
        Assert.InRange(bytes, 1, 300);

        // Core keeps the first 256 characters of any user agent, on every backend (real ones, such as a
        // phone's Safari, run past 120), so a session's size is bounded for any request; Redis stores and
        // returns exactly those 256 characters.
        var (longestSession, longest) = await LoginAsync(new string('x', 300));
        var longestBytes = (long)await Redis.ExecuteAsync("MEMORY", "USAGE", longest);
        output.WriteLine($"With a 300-character user agent (kept as its first 256 characters): MEMORY USAGE {longestBytes} bytes.");
        Assert.InRange(longestBytes, 1, 300 + (SessionManager.MaxUserAgentLength - BrowserUserAgent.Length) + 16);
        using var list = await Node.SendAsync(HttpMethod.Get, "api/sessions", longestSession);
        var listed = await list.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(new string('x', SessionManager.MaxUserAgentLength), Assert.Single(listed.EnumerateArray()).GetProperty("userAgent").GetString());
    }

    [Fact]
    public async Task Session_ExpiresInRedisByTtl_NoLaterThanTheIdleTimeout()
    {
        var (session, key) = await LoginAsync(BrowserUserAgent);

        var ttl = await Redis.KeyTimeToLiveAsync(key);
        output.WriteLine($"PTTL of a new session key: {ttl?.TotalMilliseconds} ms (idle timeout {IdleTimeout.TotalMilliseconds} ms).");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), IdleTimeout);

        // Activity slides the idle expiry; the key keeps a TTL within the idle timeout.
        await Task.Delay(20);
        Assert.Equal(HttpStatusCode.OK, await Node.MeStatusAsync(session));
        var touched = await Redis.KeyTimeToLiveAsync(key);
        Assert.NotNull(touched);
        Assert.InRange(touched.Value, TimeSpan.FromMilliseconds(1), IdleTimeout);

        // Nothing Latchkey writes to Redis lives forever: every key expires by itself.
        await foreach (var any in fixture.Server.KeysAsync(pattern: "lk:*"))
        {
            Assert.True(await Redis.KeyTimeToLiveAsync(any) is not null, $"Redis key {any} has no TTL.");
        }

        // Logout deletes the key at once rather than waiting for the TTL.
        using var logout = await Node.SendAsync(HttpMethod.Delete, "api/session", session);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.False(await Redis.KeyExistsAsync(key));
    }

    // The session's key is the one that appears under the session prefix when it is created.
    private async Task<(BrowserSession Session, RedisKey Key)> LoginAsync(string userAgent)
    {
        var email = TestData.NewEmail();
        await Node.RegisterAsync(email);
        var before = await SessionKeysAsync();
        var session = await Node.LoginAsync(email, userAgent: userAgent);
        var key = Assert.Single((await SessionKeysAsync()).Except(before));
        return (session, key);
    }

    // SCAN (not KEYS) over the session prefix, as an operator would.
    private async Task<List<RedisKey>> SessionKeysAsync()
    {
        var keys = new List<RedisKey>();
        await foreach (var key in fixture.Server.KeysAsync(pattern: "lk:s:*", pageSize: 100))
        {
            keys.Add(key);
        }

        return keys;
    }

    /// <summary>One node with a one-minute idle timeout, and a client for its Redis.</summary>
    public sealed class ShortTimeoutNode : IAsyncLifetime
    {
        private LatchkeyCluster? _cluster;
        private ConnectionMultiplexer? _redis;

        public LatchkeyCluster Cluster => _cluster!;

        public ConnectionMultiplexer Redis => _redis!;

        public IServer Server => Redis.GetServer(Redis.GetEndPoints()[0]);

        public async Task InitializeAsync()
        {
            // TouchInterval zero: every request slides the idle timeout, so a test sees a touch without waiting.
            _cluster = await LatchkeyCluster.StartAsync(
                nodes: 1, postgreSql: null, "--Latchkey:Sessions:IdleTimeout=00:01:00", "--Latchkey:Sessions:TouchInterval=00:00:00");
            _redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString);
        }

        public async Task DisposeAsync()
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }

            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
