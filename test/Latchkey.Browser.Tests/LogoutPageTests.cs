using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests;

/// <summary>
/// RP-initiated logout without an id_token_hint, in Chromium: Latchkey asks on its static /logout page (strict CSP),
/// signs out only when the user confirms, and only then returns to the client's registered post-logout URI.
/// </summary>
public sealed class LogoutPageTests(LogoutPageTests.Fixture fixture) : IClassFixture<LogoutPageTests.Fixture>
{
    private const string PostLogout = "http://127.0.0.1:8765/signed-out";

    [Fact]
    public async Task LogoutWithoutHint_Confirmed_SignsOutAndReturnsWithState()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var landed = new TaskCompletionSource<string>();
        await tab.Page.RouteAsync(PostLogout + "**", async route =>
        {
            landed.TrySetResult(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p>signed out at the app</p>" });
        });

        await tab.Page.GotoAsync(LogoutUrl(PostLogout));
        await BrowserTab.WaitForUrlAsync(tab.Page, "**/logout?**");
        await Assertions.Expect(tab.Page.Locator("#user-email")).ToHaveTextAsync(email);
        await Assertions.Expect(tab.Page.Locator("#client-id")).ToHaveTextAsync("spa");
        Assert.False(landed.Task.IsCompleted);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        var url = await landed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("bye", QueryHelpers.ParseQuery(new Uri(url).Query)["state"].ToString());
        var session = await tab.Context.APIRequest.GetAsync(fixture.Origin + "/api/session");
        Assert.Equal(401, session.Status);
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task LogoutWithoutHint_StaySignedIn_KeepsSession()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);

        await tab.Page.GotoAsync(LogoutUrl(PostLogout));
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Stay signed in" }).ClickAsync();

        await BrowserTab.WaitForUrlAsync(tab.Page, "**/account");
        var session = await tab.Context.APIRequest.GetAsync(fixture.Origin + "/api/session");
        Assert.Equal(200, session.Status);
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task LogoutWithUnregisteredUri_ShowsSignedOutPageInstead()
    {
        await using var tab = await fixture.NewTabAsync();

        await tab.Page.GotoAsync(LogoutUrl("https://evil.example/"));

        await Assertions.Expect(tab.Page.Locator("#signed-out")).ToBeVisibleAsync();
        Assert.StartsWith(fixture.Origin + "/oauth/logout?", tab.Page.Url, StringComparison.Ordinal);
        Assert.Empty(tab.CspViolations);
    }

    private static string LogoutUrl(string postLogoutUri) =>
        QueryHelpers.AddQueryString("/oauth/logout", new Dictionary<string, string?>
        {
            ["client_id"] = "spa",
            ["post_logout_redirect_uri"] = postLogoutUri,
            ["state"] = "bye",
        });

    public sealed class Fixture : BrowserFixture
    {
        protected override void Configure(TestServerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            options.Settings["Latchkey:Clients:0:ClientId"] = "spa";
            options.Settings["Latchkey:Clients:0:Scopes"] = "openid email";
            options.Settings["Latchkey:Clients:0:RedirectUris:0"] = "http://127.0.0.1:8765/cb";
            options.Settings["Latchkey:Clients:0:PostLogoutRedirectUris:0"] = PostLogout;
        }
    }
}
