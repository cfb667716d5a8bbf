using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Server.Tests.Tokens;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>The OpenID Connect code flow over HTTP: sign-in, authorization, consent, token exchange, ID token, userinfo.</summary>
public sealed class AuthorizationCodeFlowTests(OidcServerFixture fixture) : IClassFixture<OidcServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    private string Issuer => _server.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task CodeFlow_FirstPartyClient_IssuesVerifiedIdTokenAccessAndRefreshTokens()
    {
        var (verifier, challenge) = Oidc.NewPkce();
        var url = Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, "openid profile email offline_access api");

        // No session yet: to the sign-in page, which comes back to this very request.
        using var browser = _server.CreateClient();
        using (var anonymous = await browser.AuthorizeAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            var location = anonymous.Headers.Location!.ToString();
            Assert.StartsWith("/signin?returnTo=", location, StringComparison.Ordinal);
            var returnTo = QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), location).Query)["returnTo"].ToString();
            Assert.Equal("/" + url, returnTo);
        }

        var email = TestData.NewEmail();
        var account = await browser.RegisterAsync(email);
        using (var login = await browser.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var sessionId = await browser.CurrentSessionIdAsync();
        using var authorized = await browser.AuthorizeAsync(url);
        var query = Oidc.RedirectParameters(authorized, Oidc.WebRedirect);
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(Issuer, query["iss"]);
        Assert.StartsWith("lk_ac_", query["code"], StringComparison.Ordinal);
        Assert.Equal("no-store", authorized.Headers.CacheControl?.ToString());

        using var exchange = await browser.ExchangeAsync(query["code"], verifier);
        var tokens = await TokenPair.ReadAsync(exchange);
        OAuthAssert.IsNotCached(exchange);
        Assert.NotNull(tokens.RefreshToken);
        Assert.Equal("openid profile email offline_access api", tokens.Body["scope"]!.GetValue<string>());

        var idToken = await Oidc.ValidateIdTokenAsync(_server, tokens.Body["id_token"]!.GetValue<string>(), Oidc.WebClient);
        Assert.Equal("RS256", idToken.Alg);
        Assert.Equal(account["id"]!.GetValue<string>(), idToken.Subject);
        Assert.Equal("n-456", idToken.GetClaim("nonce").Value);
        Assert.Equal(Oidc.AtHash(tokens.AccessToken), idToken.GetClaim("at_hash").Value);
        Assert.Equal(sessionId, idToken.GetClaim("sid").Value);
        Assert.Equal("1", idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd"], idToken.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        var authTime = DateTimeOffset.FromUnixTimeSeconds(long.Parse(idToken.GetClaim("auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(authTime, TimeProvider.System.GetUtcNow().AddMinutes(-2), TimeProvider.System.GetUtcNow().AddSeconds(5));
        Assert.Equal(email, idToken.GetClaim("email").Value);

        var access = Jwt.Payload(tokens.AccessToken);
        Assert.Equal(Oidc.WebClient, access["client_id"]!.GetValue<string>());
        Assert.StartsWith("rtf_", access["sid"]!.GetValue<string>(), StringComparison.Ordinal);

        // A first-party application needs no consent screen, but it is listed among the user's apps.
        using var apps = await browser.GetAsync("api/apps");
        var list = (await apps.ReadJsonArrayAsync()).Select(a => a!.AsObject()).ToList();
        Assert.Contains(list, a => a["clientId"]!.GetValue<string>() == Oidc.WebClient && a["firstParty"]!.GetValue<bool>());

        using var refreshed = await browser.PostFormAsync(
            "oauth/token", [("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!)], (Oidc.WebClient, Oidc.WebSecret));
        var next = await TokenPair.ReadAsync(refreshed);
        var nextAccess = Jwt.Payload(next.AccessToken);
        Assert.Equal(authTime.ToUnixTimeSeconds(), nextAccess["auth_time"]!.GetValue<long>());
    }

    [Fact]
    public async Task CodeFlow_WithoutOfflineAccess_IssuesNoRefreshToken()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge);

        using var exchange = await browser.ExchangeAsync(code, verifier);

        var tokens = await TokenPair.ReadAsync(exchange);
        Assert.Null(tokens.RefreshToken);
        Assert.NotNull(tokens.Body["id_token"]);
    }

    [Fact]
    public async Task Userinfo_WithCodeFlowToken_AnswersClaimsOfTheGrantedScopes()
    {
        var (browser, email, userId) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge, "openid email");
        var tokens = await TokenPair.ReadAsync(await browser.ExchangeAsync(code, verifier));

        using var get = await browser.SendAsync(HttpMethod.Get, "oauth/userinfo", csrf: false, bearer: tokens.AccessToken, cookie: false);
        using var post = await browser.SendAsync(HttpMethod.Post, "oauth/userinfo", csrf: false, bearer: tokens.AccessToken, cookie: false);

        foreach (var response in new[] { get, post })
        {
            var body = await response.ReadJsonObjectAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(userId, body["sub"]!.GetValue<string>());
            Assert.Equal(email, body["email"]!.GetValue<string>());
            Assert.False(body["email_verified"]!.GetValue<bool>());
            Assert.Null(body["preferred_username"]);
        }
    }

    [Fact]
    public async Task Userinfo_WithoutTokenOrWithoutOpenIdScope_IsRefusedPerRfc6750()
    {
        using var client = _server.CreateClient();
        using var none = await client.GetAsync("oauth/userinfo");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", Assert.Single(none.Headers.WwwAuthenticate).Scheme);

        using var garbage = await client.SendAsync(HttpMethod.Get, "oauth/userinfo", csrf: false, bearer: "not-a-token", cookie: false);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Contains("invalid_token", garbage.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        var (_, passwordToken) = await client.SignUpForTokenAsync();
        using var noOpenId = await client.SendAsync(HttpMethod.Get, "oauth/userinfo", csrf: false, bearer: passwordToken, cookie: false);
        Assert.Equal(HttpStatusCode.Forbidden, noOpenId.StatusCode);
        Assert.Contains("insufficient_scope", noOpenId.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThirdPartyClient_AfterConsentThroughTheApi_GetsACode_AndRevokingTheAppEndsItsTokens()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var url = Oidc.AuthorizeUrl(Oidc.SpaClient, Oidc.SpaRedirect, challenge, "openid email offline_access");

        // No consent yet: to the consent page, no code.
        using (var ask = await browser.AuthorizeAsync(url))
        {
            Assert.Equal(HttpStatusCode.Redirect, ask.StatusCode);
            var location = ask.Headers.Location!.ToString();
            Assert.StartsWith("/consent?returnTo=", location, StringComparison.Ordinal);
            Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
        }

        using (var consent = await browser.PostJsonAsync("api/consent", new { clientId = Oidc.SpaClient, scope = "openid email offline_access", allow = true }))
        {
            Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        }

        using var authorized = await browser.AuthorizeAsync(url);
        var code = Oidc.RedirectParameters(authorized, Oidc.SpaRedirect)["code"];
        using var exchange = await browser.ExchangeAsync(code, verifier, Oidc.SpaClient, Oidc.SpaRedirect, secret: null);
        var tokens = await TokenPair.ReadAsync(exchange);
        Assert.NotNull(tokens.RefreshToken);
        await Oidc.ValidateIdTokenAsync(_server, tokens.Body["id_token"]!.GetValue<string>(), Oidc.SpaClient);

        // A third party's token is for userinfo and resource servers, not for the account API.
        using (var me = await browser.SendAsync(HttpMethod.Get, "api/me", csrf: false, bearer: tokens.AccessToken, cookie: false))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var apps = await browser.GetAsync("api/apps"))
        {
            var list = await apps.ReadJsonArrayAsync();
            var spa = Assert.Single(list, a => a!["clientId"]!.GetValue<string>() == Oidc.SpaClient)!;
            Assert.Equal("openid email offline_access", spa["scope"]!.GetValue<string>());
            Assert.False(spa["firstParty"]!.GetValue<bool>());
        }

        using (var revoke = await browser.DeleteAsync("api/apps/" + Oidc.SpaClient))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using (var userinfo = await browser.SendAsync(HttpMethod.Get, "oauth/userinfo", csrf: false, bearer: tokens.AccessToken, cookie: false))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, userinfo.StatusCode);
        }

        using (var refresh = await browser.PostFormAsync(
            "oauth/token", [("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!), ("client_id", Oidc.SpaClient)]))
        {
            await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using (var again = await browser.AuthorizeAsync(url))
        {
            Assert.StartsWith("/consent?", again.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        using var unknown = await browser.DeleteAsync("api/apps/" + Oidc.SpaClient);
        await ProblemDetailsAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Consent_Denied_SendsAccessDeniedToTheRegisteredRedirectUriOnly()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;

        using var denied = await browser.PostJsonAsync(
            "api/consent", new { clientId = Oidc.SpaClient, scope = "openid", allow = false, redirectUri = Oidc.SpaRedirect, state = "s1" });
        var body = await denied.ReadJsonObjectAsync();
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var redirectTo = body["redirectTo"]!.GetValue<string>();
        Assert.StartsWith(Oidc.SpaRedirect + "?", redirectTo, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(new Uri(redirectTo).Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal("s1", query["state"].ToString());
        Assert.Equal(Issuer, query["iss"].ToString());

        using var elsewhere = await browser.PostJsonAsync(
            "api/consent", new { clientId = Oidc.SpaClient, scope = "openid", allow = false, redirectUri = "https://evil.example/cb" });
        Assert.Null((await elsewhere.ReadJsonObjectAsync())["redirectTo"]);
    }

    [Fact]
    public async Task Consent_ByBearerTokenOrWithoutCsrfTokenOrBeyondTheClientsScopes_IsRefused()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, token) = await browser.SignUpForTokenAsync();

        using var bearer = await browser.SendAsync(HttpMethod.Post, "api/consent", new { clientId = Oidc.SpaClient, scope = "openid", allow = true }, csrf: false, bearer: token, cookie: false);
        await ProblemDetailsAssert.IsProblemAsync(bearer, HttpStatusCode.Forbidden, "forbidden");

        using var noCsrf = await browser.PostJsonAsync("api/consent", new { clientId = Oidc.SpaClient, scope = "openid", allow = true }, csrf: false);
        await ProblemDetailsAssert.IsProblemAsync(noCsrf, HttpStatusCode.Forbidden, "csrf_token_invalid");

        using var beyond = await browser.PostJsonAsync("api/consent", new { clientId = Oidc.SpaClient, scope = "openid api", allow = true });
        await ProblemDetailsAssert.IsProblemAsync(beyond, HttpStatusCode.BadRequest, "validation_failed");

        using var unknown = await browser.PostJsonAsync("api/consent", new { clientId = "nobody", scope = "openid", allow = true });
        await ProblemDetailsAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task PromptNone_WithoutSession_AnswersLoginRequiredAtTheRedirectUri()
    {
        using var browser = _server.CreateClient();
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: ("prompt", "none")));

        var query = Oidc.RedirectParameters(response, Oidc.WebRedirect);
        Assert.Equal("login_required", query["error"]);
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(Issuer, query["iss"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task PromptNone_WithoutConsent_AnswersConsentRequired()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.SpaClient, Oidc.SpaRedirect, challenge, extra: ("prompt", "none")));

        var query = Oidc.RedirectParameters(response, Oidc.SpaRedirect);
        Assert.Equal("consent_required", query["error"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task PromptNone_WithSessionAndConsent_IssuesACodeSilently()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: ("prompt", "none")));

        Assert.True(Oidc.RedirectParameters(response, Oidc.WebRedirect).ContainsKey("code"));
    }

    [Fact]
    public async Task PromptConsent_AsksAgainEvenWithConsent_AndComesBackWithoutIt()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();
        using (await browser.PostJsonAsync("api/consent", new { clientId = Oidc.SpaClient, scope = "openid profile email", allow = true }))
        {
        }

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.SpaClient, Oidc.SpaRedirect, challenge, extra: ("prompt", "consent")));

        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/consent?returnTo=", location, StringComparison.Ordinal);
        var returnTo = QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), location).Query)["returnTo"].ToString();
        Assert.DoesNotContain("prompt", returnTo, StringComparison.Ordinal);
        using var back = await browser.AuthorizeAsync(returnTo.TrimStart('/'));
        Assert.True(Oidc.RedirectParameters(back, Oidc.SpaRedirect).ContainsKey("code"));
    }

    [Theory]
    [InlineData("prompt", "login")]
    [InlineData("max_age", "0")]
    public async Task PromptLoginOrMaxAgeExceeded_SendsASignedInUserToSignInAgain(string name, string value)
    {
        var (browser, email, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();
        await Task.Delay(20);

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: [(name, value), ("login_hint", email)]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/signin?returnTo=", location, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), location).Query);
        Assert.Equal(email, query["login_hint"].ToString());
        Assert.DoesNotContain(name, query["returnTo"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxAge_NotExceeded_IssuesACode()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: ("max_age", "3600")));

        Assert.True(Oidc.RedirectParameters(response, Oidc.WebRedirect).ContainsKey("code"));
    }

    [Fact]
    public async Task AuthorizationRequest_ByPost_IsAnsweredLikeGet()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();
        var url = Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge);
        var form = QueryHelpers.ParseQuery(new Uri(new Uri("http://x/"), url).Query).Select(p => (p.Key, p.Value.ToString()));

        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/authorize")
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Item2))),
        };
        using var response = await browser.SendAsync(request, csrf: false);

        Assert.True(Oidc.RedirectParameters(response, Oidc.WebRedirect).ContainsKey("code"));
    }

    [Fact]
    public async Task RedirectUriWithQuery_GetsTheCodeAddedToItsQuery()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, "https://web.example/other?tenant=1", challenge));

        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("https://web.example/other?tenant=1&code=", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResponseModeFormPost_AnswersAnAutoSubmittedFormToTheRedirectUri_UnderAStrictCsp()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: ("response_mode", "form_post")));

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("form-action https://web.example;", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("action=\"https://web.example/callback\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state\" value=\"st-123\"", html, StringComparison.Ordinal);
        Assert.Contains($"name=\"iss\" value=\"{Issuer}\"", html, StringComparison.Ordinal);
        var code = System.Text.RegularExpressions.Regex.Match(html, "name=\"code\" value=\"([^\"]+)\"").Groups[1].Value;
        await TokenPair.ReadAsync(await browser.ExchangeAsync(code, verifier));
    }

    [Fact]
    public async Task ClientRequiringMfa_WithAPasswordOnlySession_IsAccessDenied()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.StrictClient, Oidc.WebRedirect, challenge, "openid"));

        var query = Oidc.RedirectParameters(response, Oidc.WebRedirect);
        Assert.Equal("access_denied", query["error"]);
        Assert.False(query.ContainsKey("code"));
    }
}
