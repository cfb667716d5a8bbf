using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// <c>/oauth/logout</c>, OpenID Connect RP-Initiated Logout 1.0 (the conformance suite's "RP-Initiated Logout OP"
/// profile): a valid hint for the browser's session ends it and returns to a registered URI with state; anything else
/// asks the user, or refuses, and never redirects to an unregistered URI.
/// </summary>
public sealed class RpInitiatedLogoutTests(LogoutServerFixture fixture) : IClassFixture<LogoutServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Logout_WithHintAndRegisteredUri_EndsSessionAndRedirectsWithState()
    {
        var (browser, _, userId) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        var idToken = await fixture.SignInToAsync(browser, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        var sessionId = await browser.CurrentSessionIdAsync();
        var cookie = browser.Cookie!;

        using var response = await browser.GetAsync(LogoutUrl(("id_token_hint", idToken), ("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout), ("state", "s t&1")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(LogoutServerFixture.RpPostLogout + "?state=s%20t%261", response.Headers.Location!.OriginalString);
        SessionClientExtensions.AssertClearsSessionCookie(response, TimeProvider.System.GetUtcNow());
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));

        // The client that asked is told over the back channel too, as every client the session signed into is.
        var post = await fixture.Receiver.WaitForAsync(p => p.SessionId == sessionId && p.Name == "rp");
        await fixture.ValidateLogoutTokenAsync(post.Token, LogoutServerFixture.RpClient, userId, sessionId);
    }

    [Fact]
    public async Task Logout_WithPostForm_EndsSessionAndRedirects()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        var idToken = await fixture.SignInToAsync(browser, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        var cookie = browser.Cookie!;

        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/logout")
        {
            Content = new FormUrlEncodedContent([
                new("id_token_hint", idToken), new("client_id", LogoutServerFixture.RpClient), new("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout)]),
        };
        using var response = await browser.SendAsync(request, csrf: false);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(LogoutServerFixture.RpPostLogout, response.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://rp.example/signed-out/")]
    [InlineData("https://rp.example/signed-out?next=https://evil.example/")]
    [InlineData("https://RP.example/signed-out")]
    [InlineData("https://rp.example/cb")]
    [InlineData("//evil.example/")]
    public async Task Logout_WithUnregisteredUri_NeverRedirects(string uri)
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        var idToken = await fixture.SignInToAsync(browser, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);

        using var response = await browser.GetAsync(LogoutUrl(("id_token_hint", idToken), ("post_logout_redirect_uri", uri), ("state", "x")));

        // Signed out (the hint named this session), and shown Latchkey's own page instead of being sent anywhere.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("You are signed out", html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_ForgedOrForeignHint_IsRefusedAndSessionLives()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        var idToken = await fixture.SignInToAsync(browser, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        var parts = idToken.Split('.');

        // The payload altered (another sid), the signature kept.
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["sid"] = "someone-else";
        var altered = parts[0] + "." + Base64UrlEncoder.Encode(payload.ToJsonString()) + "." + parts[2];

        // Signed by another key that claims the server's kid.
        var kid = new JsonWebToken(idToken).Kid;
        using var rsa = RSA.Create(2048);
        var foreign = new JsonWebTokenHandler().CreateToken(
            Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])),
            new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
            new Dictionary<string, object> { ["typ"] = "JWT" });

        // An access token of this server is not an ID token.
        using var minted = await browser.PostJsonAsync("api/session/token", new { });
        var accessToken = JsonNode.Parse(await minted.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();

        foreach (var hint in new[] { altered, foreign, accessToken, "not.a.jwt", parts[0] + "." + parts[1] + "." })
        {
            using var response = await browser.GetAsync(LogoutUrl(("id_token_hint", hint), ("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout)));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Contains("cannot be completed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, await browser.MeStatusAsync());
    }

    [Fact]
    public async Task Logout_HintForAnotherClientId_IsRefused()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        var idToken = await fixture.SignInToAsync(browser, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);

        using var response = await browser.GetAsync(LogoutUrl(("id_token_hint", idToken), ("client_id", LogoutServerFixture.OtherClient)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await browser.MeStatusAsync());
    }

    [Fact]
    public async Task Logout_WithoutHint_AsksTheUserAndKeepsSession()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _ = browser;

        using var response = await browser.GetAsync(LogoutUrl(
            ("client_id", LogoutServerFixture.RpClient), ("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout), ("state", "abc")));

        // A request any site can make (§6): the confirmation page, which carries only what was checked.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/logout?", location, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..]);
        Assert.Equal(LogoutServerFixture.RpClient, query["client_id"].ToString());
        Assert.Equal(LogoutServerFixture.RpPostLogout, query["post_logout_redirect_uri"].ToString());
        Assert.Equal("abc", query["state"].ToString());
        Assert.Equal(HttpStatusCode.OK, await browser.MeStatusAsync());

        using var page = await browser.GetAsync("logout");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Sign out of Latchkey?", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // After the page ended the session (DELETE /api/session), the same request goes back to the client.
        using (var logout = await browser.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        browser.Cookie = null;
        using var back = await browser.GetAsync(location[1..].Replace("logout?", "oauth/logout?", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(LogoutServerFixture.RpPostLogout + "?state=abc", back.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Logout_HintOfAnotherSession_AsksTheUser()
    {
        var (first, email, _) = await Oidc.SignedInAsync(_server);
        using var _ = first;
        var idToken = await fixture.SignInToAsync(first, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        using var second = await _server.LoginAsNewClientAsync(email);

        using var response = await second.GetAsync(LogoutUrl(("id_token_hint", idToken), ("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/logout?client_id=bc-rp&", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await second.MeStatusAsync());
        Assert.Equal(HttpStatusCode.OK, await first.MeStatusAsync());
    }

    [Fact]
    public async Task Logout_WithoutSession_RedirectsOnlyToRegisteredUri()
    {
        using var browser = _server.CreateClient();

        using (var registered = await browser.GetAsync(LogoutUrl(("client_id", LogoutServerFixture.RpClient), ("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout))))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
            Assert.Equal(LogoutServerFixture.RpPostLogout, registered.Headers.Location!.ToString());
        }

        // Without a client to check it against, no URI is trusted.
        using (var unidentified = await browser.GetAsync(LogoutUrl(("post_logout_redirect_uri", LogoutServerFixture.RpPostLogout))))
        {
            Assert.Equal(HttpStatusCode.OK, unidentified.StatusCode);
            Assert.Null(unidentified.Headers.Location);
        }

        using (var unknown = await browser.GetAsync(LogoutUrl(("client_id", "nobody"), ("post_logout_redirect_uri", "https://evil.example/"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Null(unknown.Headers.Location);
        }

        using (var repeated = await browser.GetAsync("oauth/logout?state=a&state=b"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, repeated.StatusCode);
        }
    }

    private static string LogoutUrl(params (string Name, string? Value)[] parameters) =>
        QueryHelpers.AddQueryString("oauth/logout", parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)));
}
