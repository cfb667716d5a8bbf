using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests;

/// <summary>The account page's "Delete account" section in Chromium: password, confirmation, then sign-in.</summary>
public sealed class DeleteAccountPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DeleteAccount_WrongPasswordThenConfirmed_LandsOnSignInAndTheAccountIsGone()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var page = tab.Page;
        var delete = page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" });

        await page.GetByLabel("Your password").FillAsync(TestData.Password);
        await delete.ClickAsync();
        await Assertions.Expect(page.Locator("#deleteConfirm-error")).ToHaveTextAsync("Tick the box to confirm.");

        await page.GetByLabel("Your password").FillAsync("not my password");
        await page.GetByLabel("I understand").CheckAsync();
        await delete.ClickAsync();
        await Assertions.Expect(page.Locator("#deletePassword-error")).ToHaveTextAsync("The current password is wrong.");

        await page.GetByLabel("Your password").FillAsync(TestData.Password);
        await delete.ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin");

        using var client = fixture.Server.CreateClient();
        using var login = await client.LoginAsync(email);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, login.StatusCode);
    }
}
