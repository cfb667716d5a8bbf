using Latchkey.Browser.Tests.Infrastructure;

namespace Latchkey.Browser.Tests;

/// <summary>Two browser contexts are two devices of one user: one revokes the other.</summary>
public sealed class DeviceRevocationTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string PhoneUserAgent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    [Fact]
    public async Task RevokeOtherDevice_RevokedDeviceSentToSignInOnNextAction()
    {
        var email = await fixture.RegisterAsync();
        await using var laptop = await fixture.NewTabAsync();
        await using var phone = await fixture.NewTabAsync(PhoneUserAgent);
        await phone.SignInAsync(email);
        await laptop.SignInAsync(email);

        // The phone is on the tokens page, about to act.
        await phone.Page.GotoAsync("/tokens");
        await Assertions.Expect(phone.Page.Locator("#user-email")).ToHaveTextAsync(email);

        var sessions = laptop.Page.Locator(".session");
        await Assertions.Expect(sessions).ToHaveCountAsync(2);
        var other = laptop.Page.Locator(".session:not(.current)");
        await Assertions.Expect(other.Locator(".device")).ToHaveTextAsync("Safari 17 on iPhone");
        await Assertions.Expect(other.Locator(".device-icon.phone")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(laptop.Page, "account-two-devices");

        await other.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(sessions).ToHaveCountAsync(1);
        await Assertions.Expect(laptop.Page.Locator("#sessions-status")).ToContainTextAsync("revoked");

        // The phone's next action meets a 401 and lands on sign-in, set to come back.
        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Mint access token" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(phone.Page, "**/signin?returnTo=%2Ftokens");
        await BrowserTab.FillSignInAsync(phone.Page, email);
        await BrowserTab.WaitForUrlAsync(phone.Page, "**/tokens");

        // The laptop was untouched.
        await laptop.Page.ReloadAsync();
        await Assertions.Expect(laptop.Page.Locator("#user-email")).ToHaveTextAsync(email);
    }
}
