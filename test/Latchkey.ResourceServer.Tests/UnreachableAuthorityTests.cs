using System.Net;
using System.Net.Sockets;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.ResourceServer.Tests;

/// <summary>Latchkey down, slow or gone: requests are refused with 401, never 500, and recover by themselves.</summary>
public sealed class UnreachableAuthorityTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AuthorityDownAtStart_Returns401_ThenAcceptsOnceUpAndCooldownPassed()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var authority = $"http://127.0.0.1:{FreePort()}";
        await using var api = await ResourceApiHost.StartAsync(authority, time);

        using (var down = await api.GetAsync("hello", ForgedToken()))
        {
            AssertInvalidToken(down);
        }

        Assert.Equal(1, api.Requests.Metadata);
        Assert.Contains(api.Logs.Entries, l => l.EventId.Name == "KeyFetchFailed");

        // Latchkey comes up at the address the API was told.
        var options = new TestServerOptions { Time = time };
        LatchkeyTokens.DeclareClients(options);
        options.Settings["urls"] = authority;
        await using var server = await LatchkeyTestServer.StartAsync(options);
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(server);

        using (var withinCooldown = await api.GetAsync("hello", token))
        {
            AssertInvalidToken(withinCooldown);
        }

        Assert.Equal(1, api.Requests.Metadata);

        time.Advance(Cooldown);
        using var up = await api.GetAsync("hello", token);

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal(2, api.Requests.Metadata);
        Assert.Equal(1, api.Requests.Jwks);
    }

    [Fact]
    public async Task AuthorityGoesDown_LastKnownKeysStayInUse()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { Time = time });
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(server);
        await using var api = await ResourceApiHost.StartAsync(server.BaseAddress.ToString().TrimEnd('/'), time);
        using (var up = await api.GetAsync("hello", token))
        {
            Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        }

        await server.StopAsync();

        // The keys are now stale: the request starts a background refresh, which fails, and is served meanwhile.
        time.Advance(TimeSpan.FromMinutes(9));
        using (var stale = await api.GetAsync("hello", token))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        using (var stale = await api.GetAsync("hello", token))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        }

        Assert.False(await api.KeyCache.RefreshAsync());
        using var after = await api.GetAsync("hello", token);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, api.Requests.Metadata);
        Assert.Contains(api.Logs.Entries, l => l.EventId.Name == "KeyFetchFailed");
    }

    [Fact]
    public async Task AuthorityNeverAnswers_RequestRefusedWhenHttpTimeoutPasses()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var authority = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        await using var api = await ResourceApiHost.StartAsync(authority, time);

        var pending = api.GetAsync("hello", ForgedToken());

        // Once the fetch has connected, its timeout is armed on the fake clock: let it pass.
        using var connection = await silent.AcceptTcpClientAsync();
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        using var response = await pending;

        AssertInvalidToken(response);
        Assert.Contains(api.Logs.Entries, l => l.EventId.Name == "KeyFetchFailed");
    }

    private static void AssertInvalidToken(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    // A well-formed access token for a server the API cannot reach; its key id is unknown by construction.
    private static string ForgedToken()
    {
        const string header = "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0"; // {"alg":"ES256","typ":"at+jwt","kid":"k1"}
        const string payload = "eyJzdWIiOiJ4In0"; // {"sub":"x"}
        return header + "." + payload + "." + new string('A', 86);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
