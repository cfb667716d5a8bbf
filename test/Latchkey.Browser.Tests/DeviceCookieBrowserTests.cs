using System.Net;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests;

/// <summary>
/// The device cookie in a real browser: signing in through the page leaves an HttpOnly, SameSite=Strict
/// cookie that script cannot read and that outlives signing out, and it lets that browser sign in while
/// others' failures hold its account back; a browser that never signed in there stays throttled.
/// </summary>
public sealed class DeviceCookieBrowserTests(DeviceCookieBrowserTests.SlowDelayFixture fixture) : IClassFixture<DeviceCookieBrowserTests.SlowDelayFixture>
{
    [Fact]
    public async Task SignInPage_KeepsAnHttpOnlyStrictDeviceCookie_ThatLetsThisBrowserInWhileItsAccountIsThrottled()
    {
        var email = await fixture.RegisterAsync();
        await using var known = await fixture.NewTabAsync();
        await known.SignInAsync(email);

        var device = Assert.Single(await known.Context.CookiesAsync(), c => c.Name == "latchkey_device");
        Assert.True(device.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, device.SameSite);
        Assert.Equal("/", device.Path);
        Assert.DoesNotContain("latchkey_device", await known.Page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        await known.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(known.Page, "**/signin");
        Assert.Contains(await known.Context.CookiesAsync(), c => c.Name == "latchkey_device" && c.Value == device.Value);

        // Someone else, from the same address, guesses at the account until it is throttled.
        using (var attacker = fixture.Server.CreateClient())
        {
            for (var i = 0; i < 6; i++)
            {
                using var _ = await attacker.LoginAsync(email, "not the right password");
            }

            using var refused = await attacker.LoginAsync(email);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await known.SignInAsync(email);

        await using var unknown = await fixture.NewTabAsync();
        await unknown.Page.GotoAsync("/signin");
        await BrowserTab.FillSignInAsync(unknown.Page, email);
        await Assertions.Expect(unknown.Page.Locator("#form-error")).ToContainTextAsync("Try again in");
        Assert.EndsWith("/signin", unknown.Page.Url, StringComparison.Ordinal);
        Assert.Empty(known.CspViolations);
    }

    /// <summary>The browser and a server whose first delay (5 minutes) outlasts the test on the real clock.</summary>
    public sealed class SlowDelayFixture : BrowserFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options) => options.Settings["Latchkey:Throttling:BaseDelay"] = "00:05:00";
    }
}
