using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests;

/// <summary>
/// The security page sets up an authenticator app; sign-in then asks for its code (or a recovery code, once);
/// sensitive actions ask for the password (and the code) again when the sign-in is too old.
/// </summary>
public sealed class MfaPageTests(MfaBrowserFixture fixture) : IClassFixture<MfaBrowserFixture>
{
    [Fact]
    public async Task Enrol_SignOut_SignInWithCode_TokenPageShowsOtp()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        await page.GetByRole(AriaRole.Link, new() { Name = "Security settings" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/security");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Manage your passkeys" })).ToHaveAttributeAsync("href", "/passkeys");
        var (secret, _) = await fixture.EnrolOnSecurityPageAsync(page);
        await Assertions.Expect(page.Locator("#mfa-status")).ToContainTextAsync("Two-step verification is on");
        await BrowserFixture.ScreenshotAsync(page, "security-on");

        await SignOutAsync(page);
        await BrowserTab.FillSignInAsync(page, email);
        await Assertions.Expect(page.GetByLabel("Authenticator code")).ToBeVisibleAsync();
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session" && c.Value.Length > 0);
        await BrowserFixture.ScreenshotAsync(page, "signin-code");

        // The code already used to confirm the app is refused (a code works once), with a message and the prompt kept.
        await page.GetByLabel("Authenticator code").FillAsync(fixture.CodeFor(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#second-step [role=alert]")).ToHaveTextAsync("That code is not right, or it was already used. Check it and try again.");
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);

        fixture.NextStep();
        await page.GetByLabel("Authenticator code").FillAsync(fixture.CodeFor(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);

        await page.GetByRole(AriaRole.Link, new() { Name = "Tokens" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/tokens");
        await Assertions.Expect(page.Locator("#session-amr")).ToContainTextAsync("otp");
        await Assertions.Expect(page.Locator("#session-amr")).ToContainTextAsync("mfa");
        await Assertions.Expect(page.Locator("#session-acr")).ToHaveTextAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mint access token" }).ClickAsync();
        await Assertions.Expect(page.Locator("#token-amr")).ToContainTextAsync("otp");
        await Assertions.Expect(page.Locator("#token-acr")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#token-auth-time")).Not.ToHaveTextAsync("—");
        await Assertions.Expect(page.Locator("#claims th", new() { HasText = "auth_time" })).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "tokens-mfa");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task RecoveryCode_SignsInOnce_ThenRefused_AndAnExpiredChallengeStartsOver()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        var (_, codes) = await fixture.EnrolOnSecurityPageAsync(page);
        await SignOutAsync(page);

        await BrowserTab.FillSignInAsync(page, email);
        await UseRecoveryCodeAsync(page, codes[0]);
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        await page.GotoAsync("/security");
        await Assertions.Expect(page.Locator("#recovery-left")).ToHaveTextAsync("9");
        await SignOutAsync(page);

        await BrowserTab.FillSignInAsync(page, email);
        await UseRecoveryCodeAsync(page, codes[0]);
        await Assertions.Expect(page.Locator("#second-step [role=alert]")).ToHaveTextAsync("That code is not right, or it was already used. Check it and try again.");
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session" && c.Value.Length > 0);

        // The challenge lives five minutes: afterwards even a good code is refused and the sign-in starts over.
        fixture.Time.Advance(TimeSpan.FromMinutes(6));
        await page.GetByLabel("Recovery code").FillAsync(codes[1]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-error")).ToContainTextAsync("Start over with your password.");
        await Assertions.Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#second-step")).ToBeHiddenAsync();

        // Starting over works, and the code not spent by the expired challenge still does.
        await BrowserTab.FillSignInAsync(page, email);
        await UseRecoveryCodeAsync(page, codes[1]);
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task WrongCodes_AreThrottled_WithAVisibleWait_ThenTheRightCodeWorks()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        var (secret, _) = await fixture.EnrolOnSecurityPageAsync(page);
        await SignOutAsync(page);
        await BrowserTab.FillSignInAsync(page, email);

        // Five free failures, as for passwords; the sixth makes the next attempt wait, and the page says so.
        var alert = page.Locator("#second-step [role=alert]");
        var attempts = 0;
        while (!(await alert.TextContentAsync() ?? "").StartsWith("Too many attempts", StringComparison.Ordinal))
        {
            Assert.True(++attempts <= 7, $"No throttling after {attempts - 1} wrong codes; the page says: {await alert.TextContentAsync()}");
            await page.GetByLabel("Authenticator code").FillAsync(fixture.WrongCodeFor(secret));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Verify" })).ToBeEnabledAsync();
            await Assertions.Expect(alert).ToBeVisibleAsync();
        }

        Assert.Equal(7, attempts);
        await Assertions.Expect(alert).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Try again in \d+ seconds\.$"));
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);

        // Once the wait is over, the same prompt takes the right code.
        fixture.NextStep();
        await page.GetByLabel("Authenticator code").FillAsync(fixture.CodeFor(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task StaleSignIn_ChangePassword_AsksForThePassword_ThenChanges()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        fixture.Time.Advance(TimeSpan.FromMinutes(6));

        await page.GetByLabel("Current password").FillAsync(TestData.Password);
        await page.GetByLabel("New password").FillAsync("a brand new password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        var dialog = page.Locator("dialog.reauth");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#password-status")).ToBeHiddenAsync();

        // Cancelling leaves the change undone and says why.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#password-form-error")).ToHaveTextAsync("Sign in again to do this.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        // A wrong password is refused inside the dialog; the right one re-authenticates and the change goes through.
        await dialog.GetByLabel("Password").FillAsync("not my password");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The password is wrong.");
        await BrowserFixture.ScreenshotAsync(page, "reauth-dialog");
        await dialog.GetByLabel("Password").FillAsync(TestData.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#password-status")).ToHaveTextAsync("Your password was changed. Every other session was signed out.");
        Assert.EndsWith("/account", page.Url, StringComparison.Ordinal);

        await SignOutAsync(page);
        await tab.SignInAsync(email, "a brand new password");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task StaleSignIn_WithAuthenticator_NewRecoveryCodes_AskPasswordAndCode()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        var (secret, oldCodes) = await fixture.EnrolOnSecurityPageAsync(page);
        fixture.Time.Advance(TimeSpan.FromMinutes(6));

        await page.GetByRole(AriaRole.Button, new() { Name = "New recovery codes" }).ClickAsync();
        var dialog = page.Locator("dialog.reauth");
        await dialog.GetByLabel("Password").FillAsync(TestData.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await dialog.GetByLabel("Authenticator code").FillAsync(fixture.CodeFor(secret));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        var list = page.Locator("#recovery-codes li");
        await Assertions.Expect(list).ToHaveCountAsync(10);
        var newCodes = (await list.AllTextContentsAsync()).Select(c => c.Trim()).ToList();
        Assert.Empty(newCodes.Intersect(oldCodes, StringComparer.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "I have saved these codes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#mfa-status")).ToContainTextAsync("the old ones no longer work");

        // The new session is a two-factor one, and the old recovery codes are gone.
        await SignOutAsync(page);
        await BrowserTab.FillSignInAsync(page, email);
        await UseRecoveryCodeAsync(page, oldCodes[0]);
        await Assertions.Expect(page.Locator("#second-step [role=alert]")).ToContainTextAsync("not right");
        await page.GetByLabel("Recovery code").FillAsync(newCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task TurnOff_AfterConfirming_PasswordAloneSignsInAgain()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        await fixture.EnrolOnSecurityPageAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off authenticator app" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep it on" }).ClickAsync();
        await Assertions.Expect(page.Locator("#totp-status")).ToHaveTextAsync("On");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off authenticator app" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, turn it off" }).ClickAsync();
        await Assertions.Expect(page.Locator("#mfa-status")).ToHaveTextAsync("Two-step verification is off.");
        await Assertions.Expect(page.Locator("#totp-status")).ToHaveTextAsync("Off");

        await SignOutAsync(page);
        await tab.SignInAsync(email);
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task Passkey_WhenOffered_RequestsOptions_AsksTheBrowser_AndSendsTheAssertion()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(email);
        var (secret, _) = await fixture.EnrolOnSecurityPageAsync(page);

        // The passkey endpoints are not on this server yet: the password step's answer gains "passkey", the browser's
        // passkey prompt is a stub, and the final request is checked here and then completed with a real TOTP code
        // so that the page goes on with a real session.
        await page.AddInitScriptAsync("""
            PublicKeyCredential.parseRequestOptionsFromJSON = (json) => ({ parsedFrom: json });
            navigator.credentials.get = async (request) => {
              const seen = request.publicKey.parsedFrom.challenge;
              return { toJSON: () => ({ id: 'credential-1', type: 'public-key', response: { signature: 'sig' }, seen }) };
            };
            """);
        await page.RouteAsync("**/api/session", async route =>
        {
            var response = await route.FetchAsync();
            if (route.Request.Method != "POST" || response.Status != 401)
            {
                await route.FulfillAsync(new() { Response = response });
                return;
            }

            var problem = JsonNode.Parse(await response.TextAsync())!.AsObject();
            problem["methods"]!.AsArray().Add("passkey");
            await route.FulfillAsync(new() { Response = response, Body = problem.ToJsonString() });
        });
        JsonObject? optionsRequest = null;
        await page.RouteAsync("**/api/session/mfa/passkey/options", async route =>
        {
            optionsRequest = JsonNode.Parse(route.Request.PostData!)!.AsObject();
            await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = """{"ceremony":"ceremony-1","options":{"challenge":"Y2hhbGxlbmdl","rpId":"localhost"}}""" });
        });
        JsonObject? assertion = null;
        await page.RouteAsync("**/api/session/mfa/passkey", async route =>
        {
            assertion = JsonNode.Parse(route.Request.PostData!)!.AsObject();
            fixture.NextStep();
            var body = new JsonObject { ["challenge"] = assertion["challenge"]!.GetValue<string>(), ["code"] = fixture.CodeFor(secret) };
            var response = await route.FetchAsync(new() { Url = fixture.Origin + "/api/session/mfa", PostData = Encoding.UTF8.GetBytes(body.ToJsonString()) });
            await route.FulfillAsync(new() { Response = response });
        });

        await SignOutAsync(page);
        await BrowserTab.FillSignInAsync(page, email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);

        Assert.NotNull(optionsRequest);
        var challenge = Assert.Single(optionsRequest).Value!.GetValue<string>();
        Assert.StartsWith("lk_at_", challenge, StringComparison.Ordinal);
        Assert.NotNull(assertion);
        Assert.Equal(["ceremony", "challenge", "credential"], assertion.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(challenge, assertion["challenge"]!.GetValue<string>());
        Assert.Equal("ceremony-1", assertion["ceremony"]!.GetValue<string>());
        Assert.Equal("credential-1", assertion["credential"]!["id"]!.GetValue<string>());
        Assert.Equal("sig", assertion["credential"]!["response"]!["signature"]!.GetValue<string>());
        Assert.Equal("Y2hhbGxlbmdl", assertion["credential"]!["seen"]!.GetValue<string>());
        Assert.Empty(tab.CspViolations);
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin");
    }

    private static async Task UseRecoveryCodeAsync(IPage page, string code)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a recovery code instead" }).ClickAsync();
        await page.GetByLabel("Recovery code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
    }
}

/// <summary>With the policy <c>Required</c>, sign-in and sign-up walk an account without a factor through setting one up.</summary>
public sealed class RequiredMfaPageTests(RequiredMfaBrowserFixture fixture) : IClassFixture<RequiredMfaBrowserFixture>
{
    [Fact]
    public async Task SignIn_WithoutFactor_SetsUpAuthenticator_ThenSignedIn()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await page.GotoAsync("/signin?returnTo=%2Ftokens");
        await BrowserTab.FillSignInAsync(page, email);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up an authenticator app" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await tab.Context.CookiesAsync(), c => c.Name == "latchkey_session" && c.Value.Length > 0);
        await BrowserFixture.ScreenshotAsync(page, "signin-enrol");
        var (secret, _) = await fixture.CompleteEnrolmentAsync(page, "mfa");

        // The sign-in goes on where a plain one would: the return-to page, signed in with both factors.
        await BrowserTab.WaitForUrlAsync(page, "**/tokens");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.Locator("#session-amr")).ToContainTextAsync("otp");

        // From now on the account signs in with a code.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin");
        fixture.NextStep();
        await BrowserTab.FillSignInAsync(page, email);
        await page.GetByLabel("Authenticator code").FillAsync(fixture.CodeFor(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task SignUp_SetsUpAuthenticator_ThenSignedIn()
    {
        var email = TestData.NewEmail();
        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await page.GotoAsync("/signup");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await fixture.CompleteEnrolmentAsync(page, "mfa");
        await BrowserTab.WaitForUrlAsync(page, "**/account");
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        await page.GotoAsync("/security");
        await Assertions.Expect(page.Locator("#totp-status")).ToHaveTextAsync("On");
        await Assertions.Expect(page.Locator("#policy-note")).ToContainTextAsync("requires two-step verification");
        Assert.Empty(tab.CspViolations);
    }
}
