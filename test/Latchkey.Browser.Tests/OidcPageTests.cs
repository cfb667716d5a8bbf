using System.Security.Cryptography;
using System.Text;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests;

/// <summary>
/// The code flow in Chromium through Latchkey's own pages: the authorization request sends the browser to sign-in, then
/// to the consent page, then to the application's redirect URI (intercepted here), all under the pages' strict CSP.
/// </summary>
public sealed class OidcPageTests(OidcPageTests.Fixture fixture) : IClassFixture<OidcPageTests.Fixture>
{
    private const string Redirect = "http://127.0.0.1:8765/cb";

    [Fact]
    public async Task CodeFlow_SignInThenConsent_LandsAtTheRedirectUriWithCodeStateAndIss()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var landed = new TaskCompletionSource<string>();
        await tab.Page.RouteAsync(Redirect + "**", async route =>
        {
            landed.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p>back at the app</p>" });
        });

        await tab.Page.GotoAsync(AuthorizeUrl("openid email"));
        await BrowserTab.WaitForUrlAsync(tab.Page, "**/signin?**");
        await BrowserTab.FillSignInAsync(tab.Page, email);
        await BrowserTab.WaitForUrlAsync(tab.Page, "**/consent?**");
        await Assertions.Expect(tab.Page.Locator("#client-id")).ToHaveTextAsync("spa");
        await Assertions.Expect(tab.Page.Locator("#user-email")).ToHaveTextAsync(email);
        await Assertions.Expect(tab.Page.Locator("#scopes li")).ToHaveCountAsync(2);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        var url = await landed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var query = QueryHelpers.ParseQuery(new Uri(url).Query);
        Assert.StartsWith("lk_ac_", query["code"].ToString(), StringComparison.Ordinal);
        Assert.Equal("browser-state", query["state"].ToString());
        Assert.Equal(fixture.Origin, query["iss"].ToString());

        // The account page lists the application and removes it.
        await tab.Page.GotoAsync("/account");
        var app = tab.Page.Locator("#apps li[data-client-id=spa]");
        await Assertions.Expect(app).ToContainTextAsync("openid email");
        await app.GetByRole(AriaRole.Button, new() { Name = "Remove the access of spa" }).ClickAsync();
        await Assertions.Expect(tab.Page.Locator("#apps-status")).ToContainTextAsync("Access removed");
        await Assertions.Expect(tab.Page.Locator("#apps li")).ToHaveCountAsync(0);
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task ConsentPage_Deny_LandsAtTheRedirectUriWithAccessDenied()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var landed = new TaskCompletionSource<string>();
        await tab.Page.RouteAsync(Redirect + "**", async route =>
        {
            landed.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p>back at the app</p>" });
        });

        await tab.Page.GotoAsync(AuthorizeUrl("openid"));
        await BrowserTab.WaitForUrlAsync(tab.Page, "**/consent?**");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        var query = QueryHelpers.ParseQuery(new Uri(await landed.Task.WaitAsync(TimeSpan.FromSeconds(15))).Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal("browser-state", query["state"].ToString());
        Assert.False(query.ContainsKey("code"));
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task FormPost_SubmitsTheCodeToTheRedirectUri()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var posted = new TaskCompletionSource<(string Method, string? Body)>();
        await tab.Page.RouteAsync("https://web.example/**", async route =>
        {
            posted.TrySetResult((route.Request.Method, route.Request.PostData));
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p>back at the app</p>" });
        });

        await tab.Page.GotoAsync(AuthorizeUrl("openid", "web", "https://web.example/callback") + "&response_mode=form_post");

        var (method, body) = await posted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("POST", method);
        var form = QueryHelpers.ParseQuery("?" + body);
        Assert.StartsWith("lk_ac_", form["code"].ToString(), StringComparison.Ordinal);
        Assert.Equal("browser-state", form["state"].ToString());
        Assert.Empty(tab.CspViolations);
    }

    private static string AuthorizeUrl(string scope, string clientId = "spa", string redirectUri = Redirect)
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = "browser-state",
            ["nonce"] = "browser-nonce",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
    }

    /// <summary>A browser and a server with a third-party public client and a first-party confidential one.</summary>
    public sealed class Fixture : BrowserFixture
    {
        protected override void Configure(TestServerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            options.Settings["Latchkey:Clients:0:ClientId"] = "spa";
            options.Settings["Latchkey:Clients:0:Scopes"] = "openid email";
            options.Settings["Latchkey:Clients:0:RedirectUris:0"] = Redirect;
            options.Settings["Latchkey:Clients:1:ClientId"] = "web";
            options.Settings["Latchkey:Clients:1:ClientSecret"] = "web-secret-of-sixteen-plus";
            options.Settings["Latchkey:Clients:1:Scopes"] = "openid";
            options.Settings["Latchkey:Clients:1:RedirectUris:0"] = "https://web.example/callback";
            options.Settings["Latchkey:Clients:1:RequireConsent"] = "false";
        }
    }
}
