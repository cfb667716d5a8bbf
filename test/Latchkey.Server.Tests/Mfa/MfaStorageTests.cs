using System.Net;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>What reaches the database and the logs of second factors, and what a reset or a disable leaves of them.</summary>
public sealed class MfaStorageTests
{
    [Fact]
    public async Task Database_HoldsNoTotpSecretRecoveryCodeOrChallenge_InClear()
    {
        await using var account = await MfaTests.EnrolledAccount.StartAsync();
        using var browser = account.Server.CreateClient();
        var challenge = await MfaTests.PasswordStepAsync(browser, account.Email, "mfa_required");
        var database = new LatchkeyDatabase(account.Server.DataDirectory);

        var raw = Latchkey.Mfa.Base32.TryDecode(account.Secret)!;
        var secrets = new List<string> { account.Secret, account.Secret.ToLowerInvariant(), challenge };
        secrets.AddRange(account.RecoveryCodes);
        secrets.AddRange(account.RecoveryCodes.Select(c => c.Replace("-", string.Empty, StringComparison.Ordinal)));
        foreach (var (table, column, value) in database.AllValues())
        {
            var text = value switch { string s => s, byte[] bytes => Encoding.Latin1.GetString(bytes), _ => null };
            if (text is null)
            {
                continue;
            }

            Assert.All(secrets, secret => Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{table}.{column} holds a secret."));
            Assert.False(text.Contains(Encoding.Latin1.GetString(raw), StringComparison.Ordinal), $"{table}.{column} holds the raw TOTP secret.");
        }

        Assert.All(secrets, secret => Assert.False(database.FilesContain(secret), "The database files hold a secret."));
    }

    [Fact]
    public async Task FullMfaFlow_LogsNoSecretCodeOrChallenge()
    {
        var account = await MfaTests.EnrolledAccount.StartAsync();
        await using (account)
        {
            var (server, time, email) = (account.Server, account.Time, account.Email);
            using var browser = server.CreateClient();
            var challenge = await MfaTests.PasswordStepAsync(browser, email, "mfa_required");
            (await browser.PostJsonAsync("api/session/mfa", new { challenge, code = MfaTests.WrongCode(account.Secret, time) }, csrf: false)).Dispose();
            (await browser.PostJsonAsync("api/session/mfa", new { challenge, recoveryCode = "zzzz-zzzz-zzzz-zzzz-zzzz-zzzz" }, csrf: false)).Dispose();
            using (var ok = await browser.PostJsonAsync("api/session/mfa", new { challenge, recoveryCode = account.RecoveryCodes[0] }, csrf: false))
            {
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                browser.CsrfToken = (await ok.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>();
            }

            using (var regenerate = await browser.PostJsonAsync("api/account/mfa/recovery-codes", new { }))
            {
                Assert.Equal(HttpStatusCode.OK, regenerate.StatusCode);
            }

            using (var removed = await browser.DeleteAsync("api/account/mfa/totp"))
            {
                Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            }
        }

        var scan = account.Server.LastScan!;
        Assert.Empty(scan.Findings);
        foreach (var kind in (string[])["totp secret", "recovery code", "mfa challenge", "password", "session id"])
        {
            Assert.Contains(kind, account.Server.Secrets.Kinds);
        }
    }

    [Fact]
    public async Task PasswordReset_KeepsTheSecondFactor()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var time = MfaTests.NewClock();
        var settings = smtp.Settings.ToDictionary(p => p.Key, p => p.Value);
        settings["Latchkey:Mail:PollInterval"] = "00:00:00.200";
        await using var server = await MfaTests.StartAsync(time, settings);
        var email = TestData.NewEmail();
        using var owner = server.CreateClient();
        await owner.SignUpAndLoginAsync(email);
        await MfaTests.EnrolAsync(owner, time);

        using var anonymous = server.CreateClient();
        (await anonymous.PostJsonAsync("api/password-reset", new { email }, csrf: false)).Dispose();
        var token = Accounts.AccountRecoveryTests.TokenIn(await Accounts.AccountRecoveryTests.MailToAsync(smtp, email, "reset-password", 2));
        using (var complete = await anonymous.PostJsonAsync("api/password-reset/complete", new { token, newPassword = "a reset long passphrase" }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
            Assert.Null(LatchkeyTestClient.SessionSetCookie(complete));
        }

        // Whoever controls the mailbox has the password now, and still not the account.
        using var browser = server.CreateClient();
        using var login = await browser.LoginAsync(email, "a reset long passphrase");
        await ProblemAssert.IsAsync(login, HttpStatusCode.Unauthorized, "mfa_required");
    }

    [Fact]
    public async Task DisabledWhileTheChallengeIsOpen_TheCodeOpensNoSession()
    {
        await using var account = await MfaTests.EnrolledAccount.StartAsync();
        using var browser = account.Server.CreateClient();
        var challenge = await MfaTests.PasswordStepAsync(browser, account.Email, "mfa_required");
        var lifecycle = account.Server.App.Services.GetRequiredService<Latchkey.Accounts.AccountLifecycleService>();
        var accountId = (await (await account.Owner.GetAsync("api/me")).ReadJsonObjectAsync())["id"]!.GetValue<string>();
        await lifecycle.DisableAsync(accountId, Latchkey.Diagnostics.SecurityAudit.LifecycleActor.Operator, new Latchkey.Security.RequestOrigin(null, null), default);

        account.Time.Advance(TimeSpan.FromSeconds(30));
        using var response = await browser.PostJsonAsync("api/session/mfa", new { challenge, code = MfaTests.CodeAt(account.Secret, account.Time) }, csrf: false);
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "account_disabled");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }
}
