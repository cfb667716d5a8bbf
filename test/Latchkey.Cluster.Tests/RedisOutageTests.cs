using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Latchkey.AccessTokens;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// Redis killed under traffic and started again on its AOF: sessions fail closed (503, never let in,
/// never 500), bearer tokens go on, <c>/readyz</c> says so, and everything comes back by itself.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private LatchkeyCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await LatchkeyCluster.StartAsync(nodes: 2);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task RedisKilled_SessionsFailClosedAndBearerGoesOn_ThenAllRecoversWithoutNodeRestart()
    {
        var cluster = _cluster!;
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var email = TestData.NewEmail();
        await a.RegisterAsync(email);
        var live = await a.LoginAsync(email);
        var ended = await a.LoginAsync(email);
        using (var logout = await b.SendAsync(HttpMethod.Delete, "api/session", ended))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var forged = new BrowserSession("latchkey_session=" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), "none", "nobody", email);
        var traffic = await a.PasswordGrantAsync(email);
        var revokedDuringOutage = await a.PasswordGrantAsync(email);
        var kept = await b.PasswordGrantAsync(email);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(live));
            Assert.Equal(HttpStatusCode.Unauthorized, await node.MeStatusAsync(ended));
            Assert.Equal(HttpStatusCode.Unauthorized, await node.MeStatusAsync(forged));
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(revokedDuringOutage.AccessToken));
        }

        await using var load = new BackgroundTraffic();
        foreach (var node in cluster.Nodes)
        {
            load.Add("live cookie", node, n => n.SendAsync(HttpMethod.Get, "api/me", live));
            load.Add("ended cookie", node, n => n.SendAsync(HttpMethod.Get, "api/me", ended));
            load.Add("forged cookie", node, n => n.SendAsync(HttpMethod.Get, "api/me", forged));
            load.Add("bearer", node, n => n.SendAsync(HttpMethod.Get, "api/me", bearer: traffic.AccessToken));
        }

        await Poll.UntilAsync(() => Task.FromResult(load.Answers.Count >= 40), Deadline, "traffic before the outage");
        await cluster.Redis.KillAsync();
        var outage = Stopwatch.StartNew();

        // While Redis is unreachable a Redis command waits for its timeout, so the checks run side by side.
        await Task.WhenAll(cluster.Nodes.Select(node => Poll.UntilAsync(
            async () => await node.MeStatusAsync(live) == HttpStatusCode.ServiceUnavailable && await node.ReadyStatusAsync() == HttpStatusCode.ServiceUnavailable,
            Deadline,
            $"the live session and /readyz on {node.Name} answer 503")));
        output.WriteLine($"Redis down: both nodes answered sessions 503 and /readyz 503 within {outage.ElapsedMilliseconds} ms.");

        var refreshed = b.RefreshOkAsync(traffic.RefreshToken);
        var checks = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Nodes.SelectMany(node => new[]
        {
            AssertStoreUnavailableAsync(node, HttpMethod.Get, "api/me", live, "live cookie"),
            AssertStoreUnavailableAsync(node, HttpMethod.Get, "api/me", ended, "ended cookie"),
            AssertStoreUnavailableAsync(node, HttpMethod.Get, "api/me", forged, "forged cookie"),

            // Unsafe session requests fail closed too, and a login cannot create a session.
            AssertStoreUnavailableAsync(node, HttpMethod.Delete, "api/session", live, "logout"),
            AssertStoreUnavailableAsync(node, HttpMethod.Post, "api/session", null, "login", new { email, password = TestData.Password }),

            // Bearer tokens need no Redis: validated in memory from the last known revocation state.
            AssertStatusAsync(node.MeStatusAsync(traffic.AccessToken), HttpStatusCode.OK, $"bearer on {node.Name} while Redis is down"),
        }).Append(refreshed));
        output.WriteLine($"During the outage a session request waits for the Redis command timeout: the checks, side by side, took {checks.ElapsedMilliseconds} ms.");

        // Refresh tokens live in PostgreSQL; the token endpoint goes on.
        traffic = traffic with { RefreshToken = (await refreshed).RefreshToken };

        // A revocation made during the outage reaches the store; the broadcast is lost, so other nodes
        // learn it when they resynchronize after Redis returns.
        await a.RevokeTokenAsync(revokedDuringOutage.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await a.MeStatusAsync(revokedDuringOutage.AccessToken));

        await cluster.Redis.RestartAsync();
        var restart = Stopwatch.StartNew();
        foreach (var node in cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(live) == HttpStatusCode.OK, Deadline, $"the same session cookie works again on {node.Name}");
            await Poll.UntilAsync(async () => await node.ReadyStatusAsync() == HttpStatusCode.OK, Deadline, $"/readyz on {node.Name} answers 200 again");
        }

        var sessionsBack = restart.ElapsedMilliseconds;
        await Poll.UntilAsync(async () => await b.MeStatusAsync(revokedDuringOutage.AccessToken) == HttpStatusCode.Unauthorized, Deadline, "B refuses the token revoked during the outage");
        output.WriteLine($"Redis restarted: sessions and /readyz back on both nodes after {sessionsBack} ms; B refused the token revoked during the outage after {restart.ElapsedMilliseconds} ms.");

        // The revocation that only reached PostgreSQL during the outage is copied to Redis once it is back.
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString))
        {
            var member = $"1|0|{revokedDuringOutage.AccessTokenClaims().Id}";
            await Poll.UntilAsync(async () => await redis.GetDatabase().SortedSetScoreAsync("lk:revocations", member) is not null, Deadline, "the revocation made during the outage is in Redis");
        }

        await load.StopAsync();
        output.WriteLine($"Traffic: {load.Summary()}");
        load.AssertNoServerErrors();
        load.AssertNever("ended cookie", HttpStatusCode.OK);
        load.AssertNever("forged cookie", HttpStatusCode.OK);
        load.AssertOnly("live cookie", HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);
        load.AssertOnly("bearer", HttpStatusCode.OK);

        // Nothing made before the restart was lost: sessions, refresh tokens (the one used during the
        // outage and one left alone), and revocations.
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await node.MeStatusAsync(ended));
            Assert.Equal(HttpStatusCode.Unauthorized, await node.MeStatusAsync(forged));
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(kept.AccessToken));
        }

        await a.RefreshOkAsync(kept.RefreshToken);
        await b.RefreshOkAsync(traffic.RefreshToken);
        var fresh = await b.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, await a.MeStatusAsync(fresh));

        // And revocations propagate over pub/sub again.
        using (var logout = await a.SendAsync(HttpMethod.Delete, "api/session", live))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        await Poll.UntilAsync(async () => await b.MeStatusAsync(live) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), "B refuses a session ended on A after the restart");
    }

    private static async Task AssertStoreUnavailableAsync(ClusterNode node, HttpMethod method, string path, BrowserSession? session, string what, object? json = null)
    {
        using var response = await node.SendAsync(method, path, session, json: json);
        await Responses.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "store_unavailable", $"{what} on {node.Name} while Redis is down");
        Assert.True(response.Headers.RetryAfter is not null, $"{what} on {node.Name}: a 503 tells the client when to retry.");
    }

    private static async Task AssertStatusAsync(Task<HttpStatusCode> status, HttpStatusCode expected, string what)
    {
        var actual = await status;
        Assert.True(actual == expected, $"{what}: expected {(int)expected}, got {(int)actual}.");
    }
}
