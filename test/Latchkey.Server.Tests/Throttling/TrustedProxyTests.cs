using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Throttling;

/// <summary>
/// Which address a request counts against: the TCP peer, unless the peer is a configured trusted proxy
/// (<c>Latchkey:Network:TrustedProxies</c>); then the address it reports in <c>X-Forwarded-For</c>.
/// Each test runs its own server with a per-address allowance of 3 and a per-account one too high to matter.
/// </summary>
public sealed class TrustedProxyTests
{
    private const int FreeFailuresPerAddress = 3;

    [Fact]
    public async Task Login_WithRotatingForwardedFor_FromAnUntrustedPeer_IsStillThrottledByItsAddress()
    {
        await using var server = await StartAsync(trustedProxies: null);

        var statuses = await FailWithForwardedForAsync(server, i => $"203.0.113.{i}");

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, FreeFailuresPerAddress + 1), statuses.Take(FreeFailuresPerAddress + 1));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[FreeFailuresPerAddress + 1]);
    }

    [Fact]
    public async Task Login_WithRotatingForwardedFor_FromAPeerOutsideTheTrustedList_IsStillThrottledByItsAddress()
    {
        // Loopback is trusted by ASP.NET Core's defaults; the configured list replaces them.
        await using var server = await StartAsync(trustedProxies: "10.9.9.9");

        var statuses = await FailWithForwardedForAsync(server, i => $"203.0.113.{i}");

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[FreeFailuresPerAddress + 1]);
    }

    [Fact]
    public async Task Login_ThroughATrustedProxy_CountsEachForwardedAddressSeparately()
    {
        await using var server = await StartAsync(trustedProxies: "10.0.0.0/8, 127.0.0.1");

        var distinct = await FailWithForwardedForAsync(server, i => $"203.0.113.{i}");
        Assert.All(distinct, status => Assert.Equal(HttpStatusCode.Unauthorized, status));

        // One forwarded address, even behind a client-written entry, runs out of its own allowance.
        var same = await FailWithForwardedForAsync(server, i => $"198.51.100.{i}, 192.0.2.77");
        Assert.Equal(HttpStatusCode.TooManyRequests, same[FreeFailuresPerAddress + 1]);
    }

    [Fact]
    public async Task Login_ThroughATrustedTlsProxy_RecordsTheClientAddressAndSetsASecureHostCookie()
    {
        await using var server = await StartAsync(trustedProxies: "127.0.0.1");
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var login = new HttpRequestMessage(HttpMethod.Post, "api/session") { Content = JsonContent(email) };
        login.Headers.Add("X-Forwarded-For", "198.51.100.23");
        login.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await client.Http.SendAsync(login);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-latchkey_session=", StringComparison.Ordinal));
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);

        using var list = new HttpRequestMessage(HttpMethod.Get, "api/sessions");
        list.Headers.Add("Cookie", setCookie.Split(';')[0]);
        list.Headers.Add("X-Forwarded-For", "198.51.100.23");
        list.Headers.Add("X-Forwarded-Proto", "https");
        using var sessions = await client.Http.SendAsync(list);
        var body = JsonNode.Parse(await sessions.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal("198.51.100.23", Assert.Single(body)!["ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_WithAspNetCoresTrustEveryoneSwitch_IsRefusedNamingTheTrustedProxyList()
    {
        var options = new TestServerOptions();
        options.Settings["ForwardedHeaders_Enabled"] = "true";

        var error = await Assert.ThrowsAsync<LatchkeyConfigurationException>(() => LatchkeyTestServer.StartAsync(options));

        Assert.Contains("Latchkey:Network:TrustedProxies", error.Message, StringComparison.Ordinal);
    }

    private static async Task<LatchkeyTestServer> StartAsync(string? trustedProxies)
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = FreeFailuresPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Settings["Latchkey:Throttling:FreeFailuresPerAccount"] = "100000";
        options.Settings["Latchkey:Throttling:BaseDelay"] = "00:05:00";
        if (trustedProxies is not null)
        {
            options.Settings["Latchkey:Network:TrustedProxies"] = trustedProxies;
        }

        return await LatchkeyTestServer.StartAsync(options);
    }

    // Wrong-password logins for fresh unknown emails, attempt i claiming X-Forwarded-For: forwardedFor(i).
    private static async Task<HttpStatusCode[]> FailWithForwardedForAsync(LatchkeyTestServer server, Func<int, string> forwardedFor)
    {
        using var client = server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= FreeFailuresPerAddress + 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/session") { Content = JsonContent(TestData.NewEmail(), "not the right password") };
            request.Headers.Add("X-Forwarded-For", forwardedFor(i));
            using var response = await client.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return [.. statuses];
    }

    private static StringContent JsonContent(string email, string password = TestData.Password) =>
        new(new JsonObject { ["email"] = email, ["password"] = password }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
