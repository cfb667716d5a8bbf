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

        // One after another: sign-up is throttled per address too, and each success gives its charge back.
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

    private static string Summary(HttpStatusCode[] statuses) =>
        string.Join(", ", statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
}
