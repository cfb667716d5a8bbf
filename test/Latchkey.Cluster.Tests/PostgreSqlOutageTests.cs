using System.Diagnostics;
using System.Net;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// PostgreSQL stopped under traffic and started again. The cluster has a PostgreSQL server of its own,
/// so that no other test meets the outage. Whatever needs the database answers 503 meanwhile (never
/// 500), and the nodes recover without being restarted.
/// </summary>
public sealed class PostgreSqlOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private PostgreSqlServer? _postgreSql;
    private LatchkeyCluster? _cluster;

    public async Task InitializeAsync()
    {
        _postgreSql = await PostgreSqlServer.StartDedicatedAsync();
        _cluster = await LatchkeyCluster.StartAsync(nodes: 2, _postgreSql);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_postgreSql is not null)
        {
            await _postgreSql.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostgreSqlStopped_RequestsNeedingItGet503_NodesRecoverAfterRestart()
    {
        var (a, b) = (_cluster!.Nodes[0], _cluster.Nodes[1]);
        var email = TestData.NewEmail();
        await a.RegisterAsync(email);
        var live = await a.LoginAsync(email);
        var pair = await a.PasswordGrantAsync(email);

        await using var load = new BackgroundTraffic();
        foreach (var node in _cluster.Nodes)
        {
            load.Add("cookie", node, n => n.SendAsync(HttpMethod.Get, "api/me", live));
            load.Add("bearer", node, n => n.SendAsync(HttpMethod.Get, "api/me", bearer: pair.AccessToken));
            load.Add("readyz", node, n => n.SendAsync(HttpMethod.Get, "readyz"));
        }

        await Poll.UntilAsync(() => Task.FromResult(load.Answers.Count >= 30), Deadline, "traffic before the outage");
        await _postgreSql!.StopAsync();
        var outage = Stopwatch.StartNew();
        foreach (var node in _cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.ReadyStatusAsync() == HttpStatusCode.ServiceUnavailable, Deadline, $"/readyz on {node.Name} answers 503");
            await Poll.UntilAsync(async () => await node.MeStatusAsync(live) == HttpStatusCode.ServiceUnavailable, Deadline, $"GET /api/me on {node.Name} answers 503");
        }

        output.WriteLine($"PostgreSQL down: both nodes answered 503 within {outage.ElapsedMilliseconds} ms.");
        foreach (var node in _cluster.Nodes)
        {
            // The account behind a session or a token is in PostgreSQL.
            using (var me = await node.SendAsync(HttpMethod.Get, "api/me", live))
            {
                await Responses.AssertProblemAsync(me, HttpStatusCode.ServiceUnavailable, "store_unavailable", $"cookie /api/me on {node.Name}");
            }

            using (var me = await node.SendAsync(HttpMethod.Get, "api/me", bearer: pair.AccessToken))
            {
                await Responses.AssertProblemAsync(me, HttpStatusCode.ServiceUnavailable, "store_unavailable", $"bearer /api/me on {node.Name}");
            }

            using (var register = await node.SendAsync(HttpMethod.Post, "api/accounts", json: new { email = TestData.NewEmail(), password = TestData.Password }))
            {
                await Responses.AssertProblemAsync(register, HttpStatusCode.ServiceUnavailable, "store_unavailable", $"registration on {node.Name}");
            }

            using (var login = await node.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password }))
            {
                await Responses.AssertProblemAsync(login, HttpStatusCode.ServiceUnavailable, "store_unavailable", $"login on {node.Name}");
            }

            using (var grant = await node.PostFormAsync("oauth/token", ("grant_type", "password"), ("username", email), ("password", TestData.Password)))
            {
                await Responses.AssertOAuthErrorAsync(grant, HttpStatusCode.ServiceUnavailable, "temporarily_unavailable", $"password grant on {node.Name}");
            }

            using (var refresh = await node.RefreshAsync(pair.RefreshToken))
            {
                await Responses.AssertOAuthErrorAsync(refresh, HttpStatusCode.ServiceUnavailable, "temporarily_unavailable", $"refresh on {node.Name}");
            }
        }

        await _postgreSql.RestartAsync();
        var restart = Stopwatch.StartNew();
        foreach (var node in _cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.ReadyStatusAsync() == HttpStatusCode.OK, Deadline, $"/readyz on {node.Name} answers 200 again");
            await Poll.UntilAsync(async () => await node.MeStatusAsync(live) == HttpStatusCode.OK, Deadline, $"the session works again on {node.Name}");
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.OK, Deadline, $"the access token works again on {node.Name}");
        }

        output.WriteLine($"PostgreSQL restarted: both nodes ready and serving after {restart.ElapsedMilliseconds} ms.");
        await load.StopAsync();
        output.WriteLine($"Traffic: {load.Summary()}");
        load.AssertNoServerErrors();
        load.AssertOnly("cookie", HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);
        load.AssertOnly("bearer", HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);

        // The refresh refused during the outage did not spend the token; the database takes writes again.
        await PollOkAsync(() => b.RefreshAsync(pair.RefreshToken), "refresh on B after the restart");
        var email2 = TestData.NewEmail();
        await PollOkAsync(() => b.SendAsync(HttpMethod.Post, "api/accounts", json: new { email = email2, password = TestData.Password }), "registration on B after the restart");
        var fresh = await a.LoginAsync(email2);
        Assert.Equal(HttpStatusCode.OK, await b.MeStatusAsync(fresh));

        // Revocations still reach every node.
        await a.RevokeTokenAsync(pair.AccessToken);
        await Poll.UntilAsync(async () => await b.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), "B refuses a token revoked on A");
    }

    // Right after the restart a pooled connection may still be broken; it costs one 503, never a 500.
    private static async Task PollOkAsync(Func<Task<HttpResponseMessage>> send, string what)
    {
        await Poll.UntilAsync(async () =>
        {
            using var response = await send();
            Assert.True(
                response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable,
                $"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode != HttpStatusCode.ServiceUnavailable;
        }, Deadline, what);
    }
}
