using System.Text.RegularExpressions;
using Latchkey.Browser.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Browser.Tests;

/// <summary>
/// The pages that emailed links open, in Chromium: the server mails a real SMTP server in the test process,
/// and the tests open the links found in the mail as a user would.
/// </summary>
public sealed partial class AccountRecoveryPageTests(AccountRecoveryPageTests.MailFixture fixture) : IClassFixture<AccountRecoveryPageTests.MailFixture>
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task ForgotPassword_FromSignIn_MailedLinkSetsNewPassword_EndsOtherSession_AndWorksOnce()
    {
        var email = await fixture.RegisterAsync();
        await using var other = await fixture.NewTabAsync();
        await other.SignInAsync(email);

        await using var tab = await fixture.NewTabAsync();
        var page = tab.Page;
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/forgot-password");
        var seen = fixture.Smtp.Messages.Count;
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Assertions.Expect(page.Locator("#reset-status")).ToContainTextAsync("If an account exists for " + email);

        var link = await fixture.LinkAsync(email, "reset-password", seen);
        await page.GotoAsync(link);
        await Assertions.Expect(page).ToHaveURLAsync(fixture.Origin + "/reset-password");
        Assert.DoesNotContain("token", await page.EvaluateAsync<string>("() => location.href"), StringComparison.Ordinal);

        // Two different passwords are caught on the page; one the policy refuses, by the server, and the link stays usable.
        await SetNewPasswordAsync(page, NewPassword, "another passphrase");
        await Assertions.Expect(page.Locator("#confirmPassword-error")).ToHaveTextAsync("Type the same password twice.");
        await SetNewPasswordAsync(page, "short", "short");
        await Assertions.Expect(page.Locator("#newPassword-error")).ToHaveTextAsync("A password has at least 8 characters.");
        await SetNewPasswordAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your new password" }).ClickAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin");
        await BrowserTab.FillSignInAsync(page, email);
        await Assertions.Expect(page.Locator("#form-error")).ToHaveTextAsync("The email or password is wrong.");
        await BrowserTab.FillSignInAsync(page, email, NewPassword);
        await BrowserTab.WaitForUrlAsync(page, "**/account");

        // The reset ended every session, the other device's included.
        await other.Page.ReloadAsync();
        await BrowserTab.WaitForUrlAsync(other.Page, "**/signin?returnTo=%2Faccount");

        // The link works once.
        await page.GotoAsync(link);
        await SetNewPasswordAsync(page);
        await Assertions.Expect(page.Locator("#form-error")).ToContainTextAsync("The link was used before.");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ask for a new link" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#reset-form")).ToBeHiddenAsync();
        Assert.Empty(tab.CspViolations);
    }

    [Fact]
    public async Task AccountPage_MailedLinks_VerifyTheAddress_ChangeIt_AndUndoTheChange()
    {
        var email = await fixture.RegisterAsync();
        await using var tab = await fixture.NewTabAsync();
        await tab.SignInAsync(email);
        var page = tab.Page;
        await Assertions.Expect(page.Locator("#email-unverified")).ToBeVisibleAsync();

        var seen = fixture.Smtp.Messages.Count;
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend verification email" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verify-status")).ToHaveTextAsync($"We sent a new verification link to {email}.");
        var links = await tab.NewPageAsync();
        await links.GotoAsync(await fixture.LinkAsync(email, "verify-email", seen));
        await Assertions.Expect(links.Locator("#link-done")).ToBeVisibleAsync();
        await Assertions.Expect(links).ToHaveURLAsync(fixture.Origin + "/verify-email");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.Locator("#email-unverified")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#verify-panel")).ToBeHiddenAsync();

        var newEmail = TestData.NewEmail();
        seen = fixture.Smtp.Messages.Count;
        await page.GetByLabel("New email").FillAsync(newEmail);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("not my password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change email" }).ClickAsync();
        await Assertions.Expect(page.Locator("#emailPassword-error")).ToHaveTextAsync("The current password is wrong.");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(TestData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change email" }).ClickAsync();
        await Assertions.Expect(page.Locator("#email-status")).ToContainTextAsync($"We sent a link to {newEmail}.");
        await links.GotoAsync(await fixture.LinkAsync(newEmail, "confirm-email", seen));
        await Assertions.Expect(links.Locator("#link-done")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(newEmail);
        await Assertions.Expect(page.Locator("#email-unverified")).ToBeHiddenAsync();

        // The old address was told, and its link undoes the change and ends every session, once confirmed:
        // opening the page alone changes nothing.
        await links.GotoAsync(await fixture.LinkAsync(email, "undo-email-change", seen));
        var undo = links.GetByRole(AriaRole.Button, new() { Name = "Undo the change" });
        await Assertions.Expect(undo).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#user-email")).ToHaveTextAsync(newEmail);
        await undo.ClickAsync();
        await Assertions.Expect(links.Locator("#link-done")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await BrowserTab.WaitForUrlAsync(page, "**/signin?returnTo=%2Faccount");
        await tab.SignInAsync(email);
        Assert.Empty(tab.CspViolations);
    }

    private static async Task SetNewPasswordAsync(IPage page, string password = NewPassword, string? confirmation = null)
    {
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm new password").FillAsync(confirmation ?? password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
    }

    /// <summary>The browser fixture with the server's mail going to a real SMTP server in the test process.</summary>
    public sealed partial class MailFixture : BrowserFixture
    {
        private TestSmtpServer? _smtp;

        /// <summary>The SMTP server that receives the server's mail.</summary>
        public TestSmtpServer Smtp => _smtp ?? throw new InvalidOperationException("The fixture has not started.");

        /// <inheritdoc />
        public override async Task InitializeAsync()
        {
            _smtp = await TestSmtpServer.StartAsync();
            await base.InitializeAsync();
        }

        /// <summary>
        /// The link to <paramref name="page"/> in the newest message to <paramref name="recipient"/> among those received
        /// after the first <paramref name="seen"/>, waiting for it to arrive. Its token joins the log-secret scan.
        /// </summary>
        public async Task<string> LinkAsync(string recipient, string page, int seen)
        {
            while (true)
            {
                var messages = Smtp.Messages;
                var link = messages.Skip(seen)
                    .Where(m => m.To.Contains(recipient, StringComparer.OrdinalIgnoreCase))
                    .Select(m => LinkPattern().Match(m.Text ?? string.Empty))
                    .LastOrDefault(m => m.Success && m.Groups["page"].Value == page);
                if (link is not null)
                {
                    Server.Secrets.AddToken("account token", link.Groups["token"].Value);
                    return link.Value;
                }

                await Smtp.WaitForAsync(messages.Count + 1);
            }
        }

        /// <inheritdoc />
        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            if (_smtp is not null)
            {
                await _smtp.DisposeAsync();
            }
        }

        /// <inheritdoc />
        protected override void Configure(TestServerOptions options)
        {
            foreach (var (key, value) in Smtp.Settings)
            {
                options.Settings[key] = value;
            }

            options.Settings["Latchkey:Mail:PollInterval"] = "00:00:00.200";
        }

        [GeneratedRegex(@"https?://[^\s""<>]+/(?<page>[a-z-]+)#token=(?<token>lk_at_[A-Za-z0-9_-]{43})")]
        private static partial Regex LinkPattern();
    }
}
