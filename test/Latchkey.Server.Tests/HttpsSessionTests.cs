using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Sessions over HTTPS, where the cookie is <c>__Host-latchkey_session</c> and Secure: logout must clear
/// that cookie with the same attributes (browsers ignore a <c>__Host-</c> cookie without them), and a
/// cookie under the plain name (as one planted over HTTP would be) is not read.
/// </summary>
public sealed class HttpsSessionTests(HttpsSessionTests.HttpsServerFixture fixture) : IClassFixture<HttpsSessionTests.HttpsServerFixture>
{
    private const string SecureCookieName = "__Host-latchkey_session";
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Logout_OverHttps_ClearsHostPrefixedCookieWithSecureAndRootPath()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.Cookie!;
        Assert.StartsWith(SecureCookieName + "=", cookie, StringComparison.Ordinal);

        using var response = await client.DeleteAsync("api/session", origin: _server.Origin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var setCookie = LatchkeyTestClient.SessionSetCookie(response);
        Assert.NotNull(setCookie);
        Assert.StartsWith(SecureCookieName + "=;", setCookie, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));
    }

    [Fact]
    public async Task GetSession_OverHttpsWithPlainCookieName_Returns401()
    {
        using var owner = _server.CreateClient();
        await owner.SignUpAndLoginAsync();
        using var client = _server.CreateClient();
        client.Cookie = $"{SessionClientExtensions.CookieName}={owner.CookieValue()}";

        using var response = await client.GetAsync("api/session");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task GetSession_OverHttpsWithHostPrefixedCookie_ReturnsSessionAndNoStore()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.GetAsync("api/session");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(client.CsrfToken, (await response.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_OverHttpsFromServersHttpsOrigin_Succeeds()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: _server.Origin);

        Assert.StartsWith("https://", _server.Origin, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_OverHttpsFromSameHostOverHttp_Returns403()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: "http://" + _server.BaseAddress.Authority);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }

    [Fact]
    public async Task Logout_OverHttpsWithoutCsrfToken_Returns403AndSessionStaysAlive()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session", csrf: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    /// <summary>A shared server listening over HTTPS with the test certificate.</summary>
    public sealed class HttpsServerFixture : ServerFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options) => options.Https = true;
    }
}
