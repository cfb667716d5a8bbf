using System.Net;
using System.Net.Http.Headers;
using Latchkey.Browser.Tests.Infrastructure;

namespace Latchkey.Browser.Tests;

/// <summary>The token page mints a token from the session; it works until the user logs out everywhere.</summary>
public sealed class TokenPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task MintedToken_AcceptedByApiMe_RefusedAfterLogOutEverywhere()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fixture.Origin });
        await tab.SignInAsync(email);

        var tokens = tab.Page;
        await tokens.GetByRole(AriaRole.Link, new() { Name = "Tokens" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(tokens, "**/tokens");
        await tokens.GetByRole(AriaRole.Button, new() { Name = "Mint access token" }).ClickAsync();
        var field = tokens.GetByLabel("Access token (JWT)");
        await Assertions.Expect(field).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^[\w-]+\.[\w-]+\.[\w-]+$"));
        var token = await field.InputValueAsync();

        // Decoded claims and expiry are shown.
        var claims = tokens.Locator("#claims");
        await Assertions.Expect(claims.Locator("th", new() { HasText = "sub" })).ToHaveCountAsync(1);
        await Assertions.Expect(claims.Locator("th", new() { HasText = "exp" })).ToHaveCountAsync(1);
        await Assertions.Expect(claims).ToContainTextAsync(fixture.Origin);
        await Assertions.Expect(tokens.Locator("#token-remaining")).ToContainTextAsync("min");

        await tokens.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(tokens.Locator("#copy-status")).ToHaveTextAsync("Copied to the clipboard.");
        Assert.Equal(token, await tokens.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await tokens.GetByRole(AriaRole.Button, new() { Name = "Check with GET /api/me" }).ClickAsync();
        await Assertions.Expect(tokens.Locator("#check-result")).ToHaveAttributeAsync("data-result", "accepted");
        await Assertions.Expect(tokens.Locator("#check-result")).ToContainTextAsync(email);
        await BrowserFixture.ScreenshotAsync(tokens, "tokens");
        Assert.Equal(HttpStatusCode.OK, await CallMeAsync(token));

        // Log out everywhere from the account page in another tab of the same browser.
        var account = await tab.NewPageAsync();
        await account.GotoAsync("/account");
        await account.GetByRole(AriaRole.Button, new() { Name = "Log out everywhere" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(account, "**/signin");

        await tokens.GetByRole(AriaRole.Button, new() { Name = "Check with GET /api/me" }).ClickAsync();
        await Assertions.Expect(tokens.Locator("#check-result")).ToHaveAttributeAsync("data-result", "refused");
        await Assertions.Expect(tokens.Locator("#check-result")).ToContainTextAsync("401");
        await BrowserFixture.ScreenshotAsync(tokens, "tokens-refused");
        Assert.Equal(HttpStatusCode.Unauthorized, await CallMeAsync(token));
    }

    private async Task<HttpStatusCode> CallMeAsync(string token)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
