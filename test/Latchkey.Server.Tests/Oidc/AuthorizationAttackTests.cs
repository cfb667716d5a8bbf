using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// Attacks on the code flow (RFC 9700, RFC 6749 §10, RFC 7636): code replay, PKCE downgrade and mismatch, redirect URI
/// manipulation, mix-up, code injection across clients, skipped consent, and malformed requests that must never 500.
/// </summary>
public sealed class AuthorizationAttackTests(OidcServerFixture fixture) : IClassFixture<OidcServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task CodeReplay_IsInvalidGrant_AndRevokesWhatTheFirstExchangeIssued()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge, "openid offline_access");
        var first = await TokenPair.ReadAsync(await browser.ExchangeAsync(code, verifier));
        using (var before = await browser.SendAsync(HttpMethod.Get, "oauth/userinfo", csrf: false, bearer: first.AccessToken, cookie: false))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var replay = await browser.ExchangeAsync(code, verifier);

        await OAuthAssert.IsErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
        using (var after = await browser.SendAsync(HttpMethod.Get, "oauth/userinfo", csrf: false, bearer: first.AccessToken, cookie: false))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        Assert.False((await browser.IntrospectAsync(first.AccessToken))["active"]!.GetValue<bool>());
        using var refresh = await browser.PostFormAsync(
            "oauth/token", [("grant_type", "refresh_token"), ("refresh_token", first.RefreshToken!)], (Oidc.WebClient, Oidc.WebSecret));
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Contains(_server.Logs.Entries, e => e.EventId.Id == 1590);
    }

    [Fact]
    public async Task PkceMismatch_IsInvalidGrant_AndBurnsTheCode()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge);

        using var wrong = await browser.ExchangeAsync(code, Oidc.NewPkce().Verifier);
        await OAuthAssert.IsErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_grant");

        using var right = await browser.ExchangeAsync(code, verifier);
        await OAuthAssert.IsErrorAsync(right, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    [InlineData("contains spaces and is long enough to be forty three chars long")]
    public async Task MissingOrMalformedVerifier_IsInvalidGrant(string? verifier)
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (good, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge);
        var form = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Oidc.WebRedirect) };
        if (verifier is not null)
        {
            form.Add(("code_verifier", verifier));
        }

        using var response = await browser.PostFormAsync("oauth/token", form, (Oidc.WebClient, Oidc.WebSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(null)]
    [InlineData("S512")]
    public async Task PlainOrMissingChallengeMethod_IsRefusedAtTheRedirectUri(string? method)
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(
            Oidc.WebClient, Oidc.WebRedirect, "a-plain-challenge-that-is-long-enough-to-pass-43", extra: ("code_challenge_method", method)));

        var query = Oidc.RedirectParameters(response, Oidc.WebRedirect);
        Assert.Equal("invalid_request", query["error"]);
        Assert.Equal("st-123", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task MissingChallenge_IsRefused_EvenForAConfidentialClient()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(
            Oidc.WebClient, Oidc.WebRedirect, "x", extra: [("code_challenge", null), ("code_challenge_method", null)]));

        Assert.Equal("invalid_request", Oidc.RedirectParameters(response, Oidc.WebRedirect)["error"]);
    }

    public static TheoryData<string, string?> BadRedirects => new()
    {
        { "ExtraPath", Oidc.WebRedirect + "/more" },
        { "ExtraQuery", Oidc.WebRedirect + "?next=https://evil.example" },
        { "HostCase", "https://WEB.example/callback" },
        { "PathCase", "https://web.example/Callback" },
        { "UserInfo", "https://attacker@web.example/callback" },
        { "TrailingSlash", Oidc.WebRedirect + "/" },
        { "OtherHost", "https://evil.example/callback" },
        { "HttpInsteadOfHttps", "http://web.example/callback" },
        { "Fragment", Oidc.WebRedirect + "#x" },
        { "OtherClientsUri", Oidc.SpaRedirect },
        { "Missing", null },
    };

    [Theory]
    [MemberData(nameof(BadRedirects))]
    public async Task RedirectUriNotExactlyRegistered_GetsTheErrorPage_NeverARedirect(string name, string? redirectUri)
    {
        _ = name;
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();
        var url = Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: ("redirect_uri", redirectUri));

        using var response = await browser.AuthorizeAsync(url);

        await AssertErrorPageAsync(response);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData(null)]
    public async Task UnknownOrMissingClient_GetsTheErrorPage(string? clientId)
    {
        using var browser = _server.CreateClient();
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: ("client_id", clientId)));

        await AssertErrorPageAsync(response);
    }

    [Fact]
    public async Task RepeatedRedirectUri_GetsTheErrorPage()
    {
        using var browser = _server.CreateClient();
        var (_, challenge) = Oidc.NewPkce();
        var url = Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge) + "&redirect_uri=" + Uri.EscapeDataString("https://evil.example/cb");

        using var response = await browser.AuthorizeAsync(url);

        await AssertErrorPageAsync(response);
    }

    [Fact]
    public async Task RedirectUriDifferentAtTheTokenEndpoint_IsInvalidGrant()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge);

        using var response = await browser.ExchangeAsync(code, verifier, redirectUri: "https://web.example/other?tenant=1");

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task CodeInjection_CodeOfOneClientRedeemedByAnother_IsRefused()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var webCode = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge);
        using (await browser.PostJsonAsync("api/consent", new { clientId = Oidc.SpaClient, scope = "openid profile email", allow = true }))
        {
        }

        var (spaVerifier, spaChallenge) = Oidc.NewPkce();
        var spaCode = await Oidc.CodeAsync(_server, browser, Oidc.SpaClient, Oidc.SpaRedirect, spaChallenge);

        using var bySpa = await browser.ExchangeAsync(webCode, verifier, Oidc.SpaClient, Oidc.SpaRedirect, secret: null);
        await OAuthAssert.IsErrorAsync(bySpa, HttpStatusCode.BadRequest, "invalid_grant");
        using var byWeb = await browser.ExchangeAsync(spaCode, spaVerifier, Oidc.WebClient, Oidc.WebRedirect, Oidc.WebSecret);
        await OAuthAssert.IsErrorAsync(byWeb, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task ConfidentialClient_RedeemingWithoutItsSecret_IsInvalidClient()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(_server, browser, Oidc.WebClient, Oidc.WebRedirect, challenge);

        using var noSecret = await browser.ExchangeAsync(code, verifier, secret: null);
        await OAuthAssert.IsErrorAsync(noSecret, HttpStatusCode.Unauthorized, "invalid_client");
        using var wrongSecret = await browser.ExchangeAsync(code, verifier, secret: "not-the-secret-at-all");
        await OAuthAssert.IsErrorAsync(wrongSecret, HttpStatusCode.Unauthorized, "invalid_client");

        // Neither attempt spent the code.
        using var right = await browser.ExchangeAsync(code, verifier);
        await TokenPair.ReadAsync(right);
    }

    [Fact]
    public async Task ThirdPartyClient_WithoutConsent_GetsNoCode()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.SpaClient, Oidc.SpaRedirect, challenge));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/consent?", location, StringComparison.Ordinal);
        Assert.False(location.StartsWith(Oidc.SpaRedirect, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConsentForFewerScopes_DoesNotCoverMore()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();
        using (await browser.PostJsonAsync("api/consent", new { clientId = Oidc.SpaClient, scope = "openid", allow = true }))
        {
        }

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.SpaClient, Oidc.SpaRedirect, challenge, "openid email"));

        Assert.StartsWith("/consent?", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, (string, string?)[], string> BadRequests => new()
    {
        { "ResponseTypeToken", [("response_type", "token")], "unsupported_response_type" },
        { "ResponseTypeIdToken", [("response_type", "code id_token")], "unsupported_response_type" },
        { "NoResponseType", [("response_type", null)], "invalid_request" },
        { "ScopeBeyondClient", [("scope", "openid admin")], "invalid_scope" },
        { "MalformedScope", [("scope", "openid \"x\"")], "invalid_scope" },
        { "NoScope", [("scope", null)], "invalid_scope" },
        { "UnknownPrompt", [("prompt", "sideways")], "invalid_request" },
        { "PromptNoneWithLogin", [("prompt", "none login")], "invalid_request" },
        { "NegativeMaxAge", [("max_age", "-1")], "invalid_request" },
        { "TextMaxAge", [("max_age", "soon")], "invalid_request" },
        { "HugeMaxAge", [("max_age", "99999999999999999999999")], "invalid_request" },
        { "RequestObject", [("request", "eyJhbGciOiJub25lIn0.e30.")], "request_not_supported" },
        { "RequestUri", [("request_uri", "https://evil.example/r")], "request_uri_not_supported" },
        { "FragmentMode", [("response_mode", "fragment")], "invalid_request" },
        { "ShortChallenge", [("code_challenge", "abc")], "invalid_request" },
        { "HugeNonce", [("nonce", new string('n', 600))], "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task MalformedAuthorizationRequest_IsAnOAuthErrorAtTheRedirectUri(string name, (string, string?)[] changes, string error)
    {
        _ = name;
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge, extra: changes));

        var query = Oidc.RedirectParameters(response, Oidc.WebRedirect);
        Assert.Equal(error, query["error"]);
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(_server.BaseAddress.ToString().TrimEnd('/'), query["iss"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task RepeatedParameter_IsInvalidRequest()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _1 = browser;
        var (_, challenge) = Oidc.NewPkce();

        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl(Oidc.WebClient, Oidc.WebRedirect, challenge) + "&scope=openid");

        Assert.Equal("invalid_request", Oidc.RedirectParameters(response, Oidc.WebRedirect)["error"]);
    }

    public static TheoryData<string, (string, string)[]> BadTokenRequests => new()
    {
        { "NoCode", [("grant_type", "authorization_code"), ("redirect_uri", Oidc.WebRedirect), ("code_verifier", new string('a', 43))] },
        { "UnknownCode", [("grant_type", "authorization_code"), ("code", "lk_ac_unknown"), ("redirect_uri", Oidc.WebRedirect), ("code_verifier", new string('a', 43))] },
        { "HugeCode", [("grant_type", "authorization_code"), ("code", new string('c', 5000)), ("redirect_uri", Oidc.WebRedirect), ("code_verifier", new string('a', 43))] },
        { "NoRedirect", [("grant_type", "authorization_code"), ("code", "lk_ac_x"), ("code_verifier", new string('a', 43))] },
        { "HugeVerifier", [("grant_type", "authorization_code"), ("code", "lk_ac_x"), ("redirect_uri", Oidc.WebRedirect), ("code_verifier", new string('a', 5000))] },
    };

    [Theory]
    [MemberData(nameof(BadTokenRequests))]
    public async Task MalformedCodeExchange_IsA4xxOAuthError(string name, (string, string)[] form)
    {
        _ = name;
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/token", form, (Oidc.WebClient, Oidc.WebSecret));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("\"error\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicClient_WithUnknownClientId_IsInvalidClient()
    {
        using var client = _server.CreateClient();

        using var response = await client.ExchangeAsync("lk_ac_x", new string('a', 43), "nobody", Oidc.SpaRedirect, secret: null);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ServiceClient_CannotUseTheCodeFlow()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "authorization_code"), ("code", "lk_ac_x"), ("redirect_uri", Oidc.WebRedirect), ("code_verifier", new string('a', 43))],
            (OAuth.ClientId, OAuth.ClientSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    private static async Task AssertErrorPageAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected the 400 error page, got {(int)response.StatusCode} {response.Headers.Location}: {body}");
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", body, StringComparison.Ordinal);
    }
}
