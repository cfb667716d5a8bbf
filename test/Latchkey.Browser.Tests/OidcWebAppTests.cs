using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Browser.Tests;

/// <summary>
/// The OIDC web app sample (ASP.NET Core's OpenID Connect handler) against a real Latchkey, in Chromium: sign-in on
/// Latchkey's page with consent, the claims, the access token at the ResourceApi sample, RP-initiated logout, and
/// back-channel logout when Latchkey ends the session.
/// </summary>
public sealed class OidcWebAppTests(OidcWebAppFixture fixture) : IClassFixture<OidcWebAppFixture>
{
    [Fact]
    public async Task SignIn_ThroughLatchkey_ShowsClaimsAndCallsApi()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();

        var claims = await SignInThroughWebAppAsync(tab, email);

        Assert.Equal(email, claims["email"]);
        // A new account has not confirmed its address yet.
        Assert.Equal("false", claims["email_verified"], ignoreCase: true);
        Assert.Equal(email, claims["preferred_username"]);
        var session = await LatchkeySessionAsync(tab);
        Assert.Equal(session!["user"]!["id"]!.GetValue<string>(), claims["sub"]);
        Assert.Equal(session["session"]!["id"]!.GetValue<string>(), claims["sid"]);

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Call the API" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(tab.Page, fixture.WebAppOrigin + "/call-api");
        await Assertions.Expect(tab.Page.Locator("#api-status")).ToHaveTextAsync("200");
        var answer = JsonNode.Parse((await tab.Page.Locator("#api-body").TextContentAsync())!)!;
        Assert.Equal(claims["sub"], answer["sub"]!.GetValue<string>());
        Assert.Equal(OidcWebAppFixture.ClientId, answer["clientId"]!.GetValue<string>());
        Assert.Contains("api", answer["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Empty(tab.ConsoleErrors);
    }

    [Fact]
    public async Task SignOut_FromWebApp_EndsLatchkeySessionAndComesBack()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await SignInThroughWebAppAsync(tab, email);

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // Latchkey's end_session_endpoint, then /signout-callback-oidc, then the web app's own page.
        await BrowserTab.WaitForUrlAsync(tab.Page, fixture.WebAppOrigin + "/signed-out");

        await Assertions.Expect(tab.Page.Locator("#signed-out")).ToBeVisibleAsync();
        Assert.Null(await LatchkeySessionAsync(tab));
        Assert.DoesNotContain(await tab.Context.CookiesAsync([fixture.WebAppOrigin]), c => c.Name.StartsWith(Samples.OidcWebApp.OidcWebApp.CookieName, StringComparison.Ordinal));

        // Neither session is left: the web app challenges, and Latchkey asks for a password again.
        await tab.Page.GotoAsync(fixture.WebAppOrigin + "/");
        await BrowserTab.WaitForUrlAsync(tab.Page, fixture.Origin + "/signin?**");
    }

    [Fact]
    public async Task LatchkeyEndsSession_BackChannelLogout_WebAppRefusesOldCookie()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var claims = await SignInThroughWebAppAsync(tab, email);
        var sid = claims["sid"];
        var webAppCookies = (await tab.Context.CookiesAsync([fixture.WebAppOrigin]))
            .Where(c => c.Name.StartsWith(Samples.OidcWebApp.OidcWebApp.CookieName, StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(webAppCookies);

        // The user signs out on Latchkey's side (DELETE /api/session with the session's CSRF token).
        var session = await LatchkeySessionAsync(tab);
        var logout = await tab.Context.APIRequest.DeleteAsync(fixture.Origin + "/api/session", new()
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = session!["csrfToken"]!.GetValue<string>() },
        });
        Assert.Equal((int)HttpStatusCode.NoContent, logout.Status);

        // Latchkey posts a logout token to the web app's back-channel endpoint.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!fixture.SignedOutSessions.IsSessionSignedOut(sid) && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }

        Assert.True(fixture.SignedOutSessions.IsSessionSignedOut(sid), $"The web app got no back-channel logout for session {sid}.");

        // The old cookie, brought back as it was, is refused: the web app challenges again.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.WebAppOrigin + "/");
        request.Headers.Add("Cookie", string.Join("; ", webAppCookies.Select(c => $"{c.Name}={c.Value}")));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(fixture.Origin + "/oauth/authorize?", response.Headers.Location!.ToString(), StringComparison.Ordinal);

        // And in the browser the user lands on Latchkey's sign-in page.
        await tab.Page.GotoAsync(fixture.WebAppOrigin + "/");
        await BrowserTab.WaitForUrlAsync(tab.Page, fixture.Origin + "/signin?**");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoibG9nb3V0K2p3dCJ9.eyJpc3MiOiJ4Iiwic2lkIjoieCJ9.")]
    public async Task BackChannelLogout_RefusesInvalidToken(string logoutToken)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            fixture.WebAppOrigin + "/backchannel-logout", new FormUrlEncodedContent([new("logout_token", logoutToken)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task BackChannelLogout_RefusesGenuineIdToken()
    {
        // An ID token Latchkey really signed for this client passes the signature, iss and aud checks, and is still
        // no logout token: it has no events claim and it has a nonce.
        var idToken = await IdTokenForWebAppAsync();
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            fixture.WebAppOrigin + "/backchannel-logout", new FormUrlEncodedContent([new("logout_token", idToken)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("back-channel logout event", error["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // The code flow over HTTP for the web app's client (sign-in and consent over Latchkey's API), up to its ID token.
    private async Task<string> IdTokenForWebAppAsync()
    {
        using var browser = fixture.Server.CreateClient();
        await browser.SignUpAndLoginAsync();
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var redirectUri = fixture.WebAppOrigin + "/signin-oidc";
        var authorize = QueryHelpers.AddQueryString("oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = OidcWebAppFixture.ClientId, ["redirect_uri"] = redirectUri,
            ["scope"] = "openid email", ["state"] = "s", ["nonce"] = "n", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        });
        using (var consent = await browser.PostJsonAsync("api/consent", new { clientId = OidcWebAppFixture.ClientId, scope = "openid email", allow = true, redirectUri, state = "s" }))
        {
            Assert.True(consent.IsSuccessStatusCode, $"Consent answered {(int)consent.StatusCode}.");
        }

        using var answer = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var code = QueryHelpers.ParseQuery(answer.Headers.Location!.Query)["code"].ToString();
        using var token = await browser.Http.PostAsync("oauth/token", new FormUrlEncodedContent(
        [
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri), new("code_verifier", verifier),
            new("client_id", OidcWebAppFixture.ClientId), new("client_secret", OidcWebAppFixture.ClientSecret),
        ]));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        return JsonNode.Parse(await token.Content.ReadAsStringAsync())!["id_token"]!.GetValue<string>();
    }

    // Opens the web app, signs in on Latchkey's page, allows the application, and reads the claims the web app shows.
    private async Task<Dictionary<string, string>> SignInThroughWebAppAsync(BrowserTab tab, string email)
    {
        var page = tab.Page;
        await page.GotoAsync(fixture.WebAppOrigin + "/");
        await BrowserTab.WaitForUrlAsync(page, fixture.Origin + "/signin?**");
        await BrowserTab.FillSignInAsync(page, email);

        await BrowserTab.WaitForUrlAsync(
            page,
            url => url.StartsWith(fixture.Origin + "/consent?", StringComparison.Ordinal) || url.StartsWith(fixture.WebAppOrigin + "/", StringComparison.Ordinal),
            "the consent page or the web app");
        if (page.Url.StartsWith(fixture.Origin + "/consent?", StringComparison.Ordinal))
        {
            await Assertions.Expect(page.Locator("#client-id")).ToHaveTextAsync(OidcWebAppFixture.ClientId);
            await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        }

        await BrowserTab.WaitForUrlAsync(page, fixture.WebAppOrigin + "/");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cell in await page.Locator("td[data-claim]").AllAsync())
        {
            claims[(await cell.GetAttributeAsync("data-claim"))!] = (await cell.TextContentAsync())!;
        }

        return claims;
    }

    // GET /api/session with the browser's Latchkey cookie; null when there is no live session.
    private async Task<JsonNode?> LatchkeySessionAsync(BrowserTab tab)
    {
        var response = await tab.Context.APIRequest.GetAsync(fixture.Origin + "/api/session");
        if (response.Status == (int)HttpStatusCode.Unauthorized)
        {
            return null;
        }

        Assert.Equal((int)HttpStatusCode.OK, response.Status);
        return JsonNode.Parse(await response.TextAsync());
    }
}
