using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests;

/// <summary>Create an account, sign in, see the account page, sign out.</summary>
public sealed class AccountPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SignUp_SignIn_AccountPage_SignOut_CookieNeverVisibleToScript()
    {
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        var email = TestData.NewEmail();

        await page.GotoAsync("/");
        await BrowserTab.WaitForUrlAsync(page, "**/signin");
        await BrowserFixture.ScreenshotAsync(page, "signin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signup");

        // A too-short password is refused with the server's message next to the field.
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#password-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await BrowserFixture.ScreenshotAsync(page, "signup-error");

        await page.GetByLabel("Password").FillAsync(TestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);

        // Sign out, then sign in through the form.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin");
        await tab.SignInAsync(email);
        await Assertions.Expect(page.Locator(".session.current .badge")).ToHaveTextAsync("This device");
        await Assertions.Expect(page.Locator(".session.current .device")).ToContainTextAsync("Chrome");
        await Assertions.Expect(page.Locator(".session.current .session-facts")).ToContainTextAsync("127.0.0.1");
        await BrowserFixture.ScreenshotAsync(page, "account");

        // The session cookie exists, is HttpOnly, and is invisible to script.
        var cookies = await tab.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "latchkey_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        var scriptCookies = await page.EvaluateAsync<string>("() => document.cookie");
        Assert.DoesNotContain("latchkey_session", scriptCookies, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Value, scriptCookies, StringComparison.Ordinal);

        // Nor is the CSRF token kept anywhere that outlives the page.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin");
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session" && c.Value.Length > 0);

        // Signed out: the account page sends the visitor to sign-in, and comes back afterwards.
        await page.GotoAsync("/account");
        await BrowserTab.WaitForUrlAsync(page, "**/signin?returnTo=%2Faccount");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task SignOut_WhileTheSessionListIsStillLoading_LandsOnPlainSignIn()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;

        // The session list is held back until the sign-out has reached the server, so it comes back 401,
        // and the sign-in page the sign-out goes to is held until the page has had that 401 in hand: the
        // page must not turn the 401 into a sign-in that returns to the account page.
        var signedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/sessions", async route =>
        {
            await signedOut.Task;
            var response = await route.FetchAsync();
            Assert.Equal(401, response.Status);
            await route.FulfillAsync(new() { Response = response });
            listAnswered.SetResult();
        });
        await page.RouteAsync("**/api/session", async route =>
        {
            var response = await route.FetchAsync();
            if (route.Request.Method == "DELETE")
            {
                signedOut.SetResult();
            }

            await route.FulfillAsync(new() { Response = response });
        });
        await page.RouteAsync("**/signin", async route =>
        {
            if (signedOut.Task.IsCompleted)
            {
                await listAnswered.Task;
                // Not a speed bound: room for the page to act on the 401 before this navigation lands.
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            await route.ContinueAsync();
        });
        await tab.SignInAsync(email);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await listAnswered.Task;
        await BrowserTab.WaitForUrlAsync(page, url => new Uri(url).AbsolutePath == "/signin", "/signin");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal("/signin", new Uri(page.Url).PathAndQuery);
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task SignIn_WrongPasswordAndUnknownEmail_SameMessage()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await page.GotoAsync("/signin");

        await BrowserTab.FillSignInAsync(page, email, "wrong password here");
        await Assertions.Expect(page.Locator("#form-error")).ToHaveTextAsync("The email or password is wrong.");
        var wrongPassword = await page.Locator("#form-error").TextContentAsync();

        await BrowserTab.FillSignInAsync(page, TestData.NewEmail(), "wrong password here");
        await Assertions.Expect(page.Locator("#form-error")).ToHaveTextAsync("The email or password is wrong.");
        Assert.Equal(wrongPassword, await page.Locator("#form-error").TextContentAsync());
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "signin-error");
    }

    [Fact]
    public async Task ChangePassword_WrongCurrent_ShowsFieldError_ThenSucceeds()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var page = tab.Page;

        await page.GetByLabel("Current password").FillAsync("not my password");
        await page.GetByLabel("New password").FillAsync("a brand new password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.Locator("#currentPassword-error")).ToHaveTextAsync("The current password is wrong.");

        await page.GetByLabel("Current password").FillAsync(TestData.Password);
        await page.GetByLabel("New password").FillAsync("a brand new password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.Locator("#password-status")).ToContainTextAsync("changed");

        using var client = fixture.Server.CreateClient();
        using var login = await client.LoginAsync(email, "a brand new password");
        Assert.True(login.IsSuccessStatusCode);
    }
}
