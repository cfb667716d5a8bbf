using System.Net;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// Two nodes share their throttling counters through Redis, and each attempt is checked and counted in
/// one step: 100 concurrent wrong-password attempts split across both nodes get no more password checks
/// than one node would give. The first delay is 5 minutes here, so that none elapses during a burst.
/// Right credentials in parallel are never refused for the attempts still in flight on the other node:
/// a refused attempt waits for them (up to the maximum wait here, so that a slow machine cannot time out).
/// </summary>
public sealed class ClusterThrottlingTests : IAsyncLifetime
{
    // The defaults: 5 free failures per account, 20 per address; the attempt after them starts the delay.
    private const int AccountAllowance = 5 + 1;
    private const int AddressAllowance = 20 + 1;
    private const string ClientId = "cluster-svc";
    private const string ClientSecret = "cluster-svc-secret-0123456789";
    private LatchkeyCluster? _cluster;

    public async Task InitializeAsync() =>
        _cluster = await LatchkeyCluster.StartAsync(
            nodes: 2,
            postgreSql: null,
            "--Latchkey:Throttling:BaseDelay=00:05:00",
            "--Latchkey:Throttling:ContendedWait=00:00:30",
            $"--Latchkey:Clients:0:ClientId={ClientId}",
            $"--Latchkey:Clients:0:ClientSecret={ClientSecret}",
            "--Latchkey:Clients:0:Scopes=read");

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task WrongPasswords_100ConcurrentOnOneAccountAcrossTwoNodes_StayWithinTheAccountAllowance()
    {
        var (a, b) = (_cluster!.Nodes[0], _cluster.Nodes[1]);
        var email = TestData.NewEmail();
        await a.RegisterAsync(email);

        // Session login on A and the password grant on B draw on the same counter.
        var statuses = await Concurrently.RunAsync(100, async i =>
        {
            using var response = i % 2 == 0
                ? await a.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = "not the right password" })
                : await b.PostFormAsync("oauth/token", ("grant_type", "password"), ("username", email), ("password", "not the right password"));
            Assert.True(response.StatusCode != HttpStatusCode.TooManyRequests || response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            return response.StatusCode;
        });

        var checkedAttempts = statuses.Count(s => s is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest);
        Assert.True(checkedAttempts == AccountAllowance, $"{checkedAttempts} attempts reached the password check: {Summary(statuses)}.");
        Assert.Equal(100 - AccountAllowance, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task WrongPasswords_100ConcurrentFromOneAddressAcrossTwoNodes_StayWithinTheAddressAllowance()
    {
        var nodes = _cluster!.Nodes;

        var statuses = await Concurrently.RunAsync(100, async i =>
        {
            var email = TestData.NewEmail();
            using var response = await nodes[i % 2].SendAsync(HttpMethod.Post, "api/session", json: new { email, password = "not the right password" });
            return response.StatusCode;
        });

        var checkedAttempts = statuses.Count(s => s == HttpStatusCode.Unauthorized);
        Assert.True(checkedAttempts == AddressAllowance, $"{checkedAttempts} attempts reached the password check: {Summary(statuses)}.");
        Assert.Equal(100 - AddressAllowance, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task RightPasswords_50ConcurrentFromOneAddressAcrossTwoNodes_AllSucceed()
    {
        var nodes = _cluster!.Nodes;

        // One after another, so that the accounts exist before the burst of logins.
        var emails = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            emails.Add(TestData.NewEmail());
            await nodes[i % 2].RegisterAsync(emails[i]);
        }

        var statuses = await Concurrently.RunAsync(50, async i =>
        {
            using var response = await nodes[i % 2].SendAsync(HttpMethod.Post, "api/session", json: new { email = emails[i], password = TestData.Password });
            return response.StatusCode;
        });

        Assert.True(statuses.All(s => s == HttpStatusCode.OK), Summary(statuses));
    }

    [Fact]
    public async Task ClientCredentials_50ConcurrentWithTheRightSecretAcrossTwoNodes_AllGetAToken()
    {
        var nodes = _cluster!.Nodes;

        var statuses = await Concurrently.RunAsync(50, async i =>
        {
            using var response = await nodes[i % 2].PostFormAsync(
                "oauth/token", ("grant_type", "client_credentials"), ("client_id", ClientId), ("client_secret", ClientSecret));
            return response.StatusCode;
        });

        Assert.True(statuses.All(s => s == HttpStatusCode.OK), Summary(statuses));
    }

    [Fact]
    public async Task KnownDevice_TokenMintedOnOneNode_LogsInOnTheOther_AfterAnAttackersFailuresOnBoth()
    {
        var (a, b) = (_cluster!.Nodes[0], _cluster.Nodes[1]);
        var email = TestData.NewEmail();
        await a.RegisterAsync(email);
        string device;
        using (var login = await a.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            device = LatchkeyTestClient.DeviceSetCookie(login)!.Split(';')[0];
        }

        // The attacker shares the user's address and, on both nodes, guesses at the user's account and sprays others.
        // In rounds of 100 at once, so that a loaded machine answers each round within the client's timeout.
        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < 10; round++)
        {
            statuses.AddRange(await Concurrently.RunAsync(100, async i =>
            {
                var target = i % 4 == 0 ? TestData.NewEmail() : email;
                using var response = await _cluster.Nodes[i % 2].SendAsync(HttpMethod.Post, "api/session", json: new { email = target, password = $"wrong guess {round}.{i}" });
                return response.StatusCode;
            }));
        }

        Assert.Equal(1000, statuses.Count);
        var checkedAttempts = statuses.Count(s => s == HttpStatusCode.Unauthorized);
        Assert.True(checkedAttempts <= AddressAllowance, $"{checkedAttempts} attempts reached the password check: {Summary([.. statuses])}.");
        Assert.Equal(1000 - checkedAttempts, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The user's device, known through the token node A made, logs in at once on node B, and on A.
        foreach (var node in new[] { b, a })
        {
            using var login = await node.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password }, cookie: device);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        // The attacker stays throttled on both, the right password included, and so does any unknown device there.
        foreach (var node in new[] { a, b })
        {
            using var refused = await node.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password });
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(1));
            using var other = await node.SendAsync(HttpMethod.Post, "api/session", json: new { email = TestData.NewEmail(), password = TestData.Password });
            Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
        }
    }

    private static string Summary(HttpStatusCode[] statuses) =>
        string.Join(", ", statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
}
