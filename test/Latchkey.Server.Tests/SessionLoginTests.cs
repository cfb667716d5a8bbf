using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

public sealed class SessionLoginTests : IAsyncLifetime
{
    private LatchkeyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LatchkeyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Login_WithRightPassword_SetsHttpOnlyLaxCookieAndReturnsUserAndCsrfToken()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var account = await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var setCookie = LatchkeyTestClient.SessionSetCookie(response);
        Assert.NotNull(setCookie);
        Assert.StartsWith("latchkey_session=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);

        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(account["id"]!.GetValue<string>(), body["user"]!["id"]!.GetValue<string>());
        Assert.Equal(email, body["user"]!["email"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["csrfToken"]!.GetValue<string>()));
        Assert.True(body["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UnixEpoch);

        using var me = await client.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var meBody = await me.ReadJsonObjectAsync();
        Assert.Equal("session", meBody["authMethod"]!.GetValue<string>());
        Assert.Equal(email, meBody["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_OverHttps_SetsHostPrefixedSecureCookie()
    {
        await using var https = await LatchkeyTestServer.StartAsync(new TestServerOptions { Https = true });
        using var client = https.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = LatchkeyTestClient.SessionSetCookie(response)!;
        Assert.StartsWith("__Host-latchkey_session=", setCookie);
        Assert.Contains("; secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
        using var me = await client.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Login_UnknownEmailAndWrongPassword_AnswerSameStatusAndBody()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var wrongPassword = await client.LoginAsync(email, "not the right password");
        using var unknownEmail = await client.LoginAsync(TestData.NewEmail(), "not the right password");

        await ProblemAssert.IsAsync(wrongPassword, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(wrongPassword.StatusCode, unknownEmail.StatusCode);
        Assert.Equal(wrongPassword.Content.Headers.ContentType, unknownEmail.Content.Headers.ContentType);
        Assert.Equal(await wrongPassword.Content.ReadAsByteArrayAsync(), await unknownEmail.Content.ReadAsByteArrayAsync());
        Assert.Equal(wrongPassword.Headers.Contains("WWW-Authenticate"), unknownEmail.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task Login_WithWrongPassword_SetsNoCookieAndCreatesNoSession()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, "not the right password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        using var owner = await _server.LoginAsNewClientAsync(email);
        Assert.Single(await owner.SessionIdsAsync());
    }
}
