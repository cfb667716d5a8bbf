using Latchkey.Browser.Tests.Infrastructure;

namespace Latchkey.Browser.Tests;

/// <summary>After sign-in, return-to leads to a page of Latchkey's own origin only.</summary>
public sealed class ReturnToTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ReturnTo_SameOriginPath_IsFollowed()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.Page.GotoAsync("/signin?returnTo=%2Ftokens");
        await BrowserTab.FillSignInAsync(tab.Page, email);
        await BrowserTab.WaitForUrlAsync(tab.Page, fixture.Origin + "/tokens");
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\tevil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http:evil.example")]
    [InlineData(" //evil.example")]
    public async Task ReturnTo_Foreign_StaysOnLatchkey(string returnTo)
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.Page.GotoAsync("/signin?returnTo=" + Uri.EscapeDataString(returnTo));
        await BrowserTab.FillSignInAsync(tab.Page, email);
        await BrowserTab.WaitForUrlAsync(tab.Page, fixture.Origin + "/account");
        Assert.StartsWith(fixture.Origin + "/", tab.Page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(tab.ConsoleErrors, m => m.Contains("evil", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Root_RedirectsBySession()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.Page.GotoAsync("/");
        Assert.Equal(fixture.Origin + "/signin", tab.Page.Url);
        await tab.SignInAsync(email);
        await tab.Page.GotoAsync("/");
        Assert.Equal(fixture.Origin + "/account", tab.Page.Url);
    }
}
