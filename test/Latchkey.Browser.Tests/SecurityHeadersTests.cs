using Latchkey.Browser.Tests.Infrastructure;

namespace Latchkey.Browser.Tests;

/// <summary>Every page carries a strict CSP (and friends), and the pages run under it without a violation.</summary>
public sealed class SecurityHeadersTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string ExpectedPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    [Fact]
    public async Task EveryPage_HasStrictHeaders_AndNoCspViolation()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        foreach (var path in (string[])["/signin", "/signup", "/forgot-password", "/reset-password", "/verify-email", "/confirm-email", "/undo-email-change"])
        {
            await AssertPageAsync(tab, path, path.TrimStart('/'));
        }

        await tab.SignInAsync(email);
        await AssertPageAsync(tab, "/account", "account");
        await AssertPageAsync(tab, "/security", "security");
        await Assertions.Expect(tab.Page.Locator("#totp-status")).ToHaveTextAsync("Off");
        await AssertPageAsync(tab, "/tokens", "tokens");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Mint access token" }).ClickAsync();
        await Assertions.Expect(tab.Page.Locator("#token-panel")).ToBeVisibleAsync();

        Assert.Empty(tab.CspViolations);
        Assert.Empty(tab.ConsoleErrors);
    }

    [Fact]
    public async Task InjectedInlineScript_IsBlockedByCsp()
    {
        await using var tab = await fixture.NewTabAsync();
        await tab.Page.GotoAsync("/signin");
        await tab.Page.EvaluateAsync("""
            () => {
              const s = document.createElement('script');
              s.textContent = 'window.injected = true';
              document.head.append(s);
            }
            """);
        Assert.False(await tab.Page.EvaluateAsync<bool>("() => window.injected === true"));
        Assert.NotEmpty(tab.CspViolations);
    }

    [Fact]
    public async Task Pages_AreKeyboardOperable()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await page.GotoAsync("/signin");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("email", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Latchkey.Testing.TestData.Password);
        Assert.Equal("password", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Enter");
        await BrowserTab.WaitForUrlAsync(page, "**/account");
    }

    private static async Task AssertPageAsync(BrowserTab tab, string path, string screenshot)
    {
        var response = await tab.Page.GotoAsync(path);
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var headers = await response.AllHeadersAsync();
        Assert.Equal(ExpectedPolicy, headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
        Assert.Equal("DENY", headers["x-frame-options"]);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.False(headers.ContainsKey("strict-transport-security"), "HSTS is for HTTPS only.");
        await tab.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserFixture.ScreenshotAsync(tab.Page, "page-" + screenshot);
    }
}
