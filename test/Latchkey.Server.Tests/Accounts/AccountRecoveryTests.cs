using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Accounts;

/// <summary>
/// Email verification, password reset and email change end to end: a real in-process server on SQLite
/// delivers its mail to a real SMTP server in the test process, and the tests follow the links in the mail.
/// The log-secret scan on disposal sees every token the tests send.
/// </summary>
public sealed partial class AccountRecoveryTests
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task PasswordReset_LinkWorksOnce_OldPasswordRefused_EverySessionEnded()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var email = TestData.NewEmail();
        using var other = server.CreateClient();
        await other.SignUpAndLoginAsync(email);
        await smtp.WaitForAsync(1); // the verification mail

        using var anonymous = server.CreateClient();
        using (var request = await anonymous.PostJsonAsync("api/password-reset", new { email }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        }

        var token = TokenIn(await MailToAsync(smtp, email, "reset-password", 2));
        using (var complete = await anonymous.PostJsonAsync("api/password-reset/complete", new { token, newPassword = NewPassword }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
        }

        using (var again = await anonymous.PostJsonAsync("api/password-reset/complete", new { token, newPassword = "yet another passphrase" }, csrf: false))
        {
            await AssertProblemAsync(again, HttpStatusCode.BadRequest, "account_token_used");
        }

        using (var me = await other.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using var fresh = server.CreateClient();
        using (var old = await fresh.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var login = await fresh.LoginAsync(email, NewPassword))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var notice = await MailToAsync(smtp, email, null, 3);
        Assert.DoesNotContain("lk_at_", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordReset_AfterPasswordChange_IsRefused()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        using (await client.PostJsonAsync("api/password-reset", new { email }, csrf: false))
        {
        }

        var token = TokenIn(await MailToAsync(smtp, email, "reset-password", 2));
        using (var change = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        using (var complete = await client.PostJsonAsync("api/password-reset/complete", new { token, newPassword = "yet another passphrase" }, csrf: false))
        {
            await AssertProblemAsync(complete, HttpStatusCode.BadRequest, "account_token_invalid");
        }

        using var login = await server.CreateClient().LoginAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task PasswordReset_Expired_AnswersExpired_AndChangesNothing()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp, time);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);
        using (await client.PostJsonAsync("api/password-reset", new { email }, csrf: false))
        {
        }

        var token = TokenIn(await MailToAsync(smtp, email, "reset-password", 2));
        time.Advance(TimeSpan.FromMinutes(31));
        using (var complete = await client.PostJsonAsync("api/password-reset/complete", new { token, newPassword = NewPassword }, csrf: false))
        {
            await AssertProblemAsync(complete, HttpStatusCode.BadRequest, "account_token_expired");
        }

        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task PasswordReset_UnknownAddress_AnswersLikeAKnownOne_AndSendsNothing()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);
        await smtp.WaitForAsync(1);

        using var known = await client.PostJsonAsync("api/password-reset", new { email }, csrf: false);
        using var unknown = await client.PostJsonAsync("api/password-reset", new { email = TestData.NewEmail() }, csrf: false);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        await smtp.WaitForAsync(2);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(2, smtp.Messages.Count);
    }

    [Fact]
    public async Task Verification_RequiredForLogin_LinkVerifiesOnce()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp, settings: new() { ["Latchkey:Accounts:RequireVerifiedEmail"] = "true" });
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);

        using (var wrong = await client.LoginAsync(email, "not the password at all"))
        {
            await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using (var unverified = await client.LoginAsync(email))
        {
            await AssertProblemAsync(unverified, HttpStatusCode.Forbidden, "email_not_verified");
            Assert.Null(LatchkeyTestClient.SessionSetCookie(unverified));
        }

        var token = TokenIn(await MailToAsync(smtp, email, "verify-email", 1));
        using (var verify = await client.PostJsonAsync("api/accounts/verify", new { token }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        }

        using (var again = await client.PostJsonAsync("api/accounts/verify", new { token }, csrf: false))
        {
            await AssertProblemAsync(again, HttpStatusCode.BadRequest, "account_token_used");
        }

        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var session = await client.GetAsync("api/session");
        Assert.True((await session.ReadJsonObjectAsync())["user"]!["emailVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task EmailChange_ConfirmedByNewAddress_UndoneByOldOne()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var oldEmail = TestData.NewEmail();
        var newEmail = TestData.NewEmail();
        var taken = TestData.NewEmail();
        using var client = server.CreateClient();
        await server.CreateClient().RegisterAsync(taken);
        await client.SignUpAndLoginAsync(oldEmail);

        using (var wrong = await client.PostJsonAsync("api/account/email", new { newEmail, currentPassword = "not the password at all" }))
        {
            await AssertProblemAsync(wrong, HttpStatusCode.BadRequest, "invalid_current_password");
        }

        using (var clash = await client.PostJsonAsync("api/account/email", new { newEmail = taken, currentPassword = TestData.Password }))
        {
            await AssertProblemAsync(clash, HttpStatusCode.Conflict, "email_taken");
        }

        using (var noCsrf = await client.PostJsonAsync("api/account/email", new { newEmail, currentPassword = TestData.Password }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
        }

        using (var request = await client.PostJsonAsync("api/account/email", new { newEmail, currentPassword = TestData.Password }))
        {
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        }

        var confirm = TokenIn(await MailToAsync(smtp, newEmail, "confirm-email", 3));
        using (var confirmed = await client.PostJsonAsync("api/account/email/confirm", new { token = confirm }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        }

        using (var me = await client.GetAsync("api/me"))
        {
            Assert.Equal(newEmail, (await me.ReadJsonObjectAsync())["email"]!.GetValue<string>());
        }

        var undo = TokenIn(await MailToAsync(smtp, oldEmail, "undo-email-change", 4));
        using (var undone = await client.PostJsonAsync("api/account/email/undo", new { token = undo }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, undone.StatusCode);
        }

        using (var me = await client.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using var login = await server.CreateClient().LoginAsync(oldEmail);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [InlineData("api/accounts/verify")]
    [InlineData("api/password-reset/complete")]
    [InlineData("api/account/email/confirm")]
    [InlineData("api/account/email/undo")]
    public async Task BadTokens_AnswerDocumentedCodes_NeverA500(string path)
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);
        var verifyToken = TokenIn(await MailToAsync(smtp, email, "verify-email", 1));

        string[] malformed = ["", "x", "lk_at_short", "lk_at_" + new string('A', 42) + "!", "lk_rt_" + new string('A', 43), new string('é', 60)];
        foreach (var token in malformed)
        {
            using var response = await client.PostJsonAsync(path, new { token, newPassword = NewPassword }, csrf: false);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "account_token_invalid");
        }

        // Unknown (well-formed), and a real token of another purpose (foreign).
        using (var unknown = await client.PostJsonAsync(path, new { token = "lk_at_" + new string('A', 43), newPassword = NewPassword }, csrf: false))
        {
            await AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "account_token_invalid");
        }

        if (path != "api/accounts/verify")
        {
            using var foreign = await client.PostJsonAsync(path, new { token = verifyToken, newPassword = NewPassword }, csrf: false);
            await AssertProblemAsync(foreign, HttpStatusCode.BadRequest, "account_token_invalid");
        }

        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task PasswordReset_BeyondTheAccountsMailRate_Answers202ButSendsNothingMore()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp, settings: new() { ["Latchkey:Accounts:LinkMailsPerAccount"] = "2" });
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync(email); // the verification mail takes no permit: it comes with the sign-up
        await smtp.WaitForAsync(1);

        for (var i = 0; i < 3; i++)
        {
            using var request = await client.PostJsonAsync("api/password-reset", new { email }, csrf: false);
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        }

        // Two resets arrive; the third request is refused by the account's mail counter, off the request path.
        await smtp.WaitForAsync(3);
        await EventuallyAsync(() => Task.FromResult(server.Logs.Named("ThrottledAttempt").Any(e => e["KeyKind"] == "LinkMail")));
        Assert.Single(server.Logs.Named("ThrottledAttempt"), e => e["KeyKind"] == "LinkMail");
        await EventuallyAsync(async () => await PendingMailAsync(server) == 0);
        Assert.Equal(3, smtp.Messages.Count);
        Assert.Equal(2, smtp.Messages.Count(m => (m.Text ?? string.Empty).Contains("/reset-password#token=", StringComparison.Ordinal)));

        // The signed-in resend of the verification mail shares the counter, and says so.
        using var resend = await client.PostJsonAsync("api/account/verification", new { });
        await AssertProblemAsync(resend, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.NotNull(resend.Headers.RetryAfter);
    }

    [Fact]
    public async Task EmailChange_MadeTwiceByAnIntruder_TheOwnersUndoStillWorks_AndEndsTheIntrudersLinks()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var (owner, second, third, fourth) = (TestData.NewEmail(), TestData.NewEmail(), TestData.NewEmail(), TestData.NewEmail());
        using var intruder = server.CreateClient();
        await intruder.SignUpAndLoginAsync(owner);
        var mails = 1;

        async Task<string> ChangeAsync(string to, bool confirm)
        {
            using (var request = await intruder.PostJsonAsync("api/account/email", new { newEmail = to, currentPassword = TestData.Password }))
            {
                Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
            }

            var token = TokenIn(await MailToAsync(smtp, to, "confirm-email", ++mails));
            if (!confirm)
            {
                return token;
            }

            using (var confirmed = await intruder.PostJsonAsync("api/account/email/confirm", new { token }, csrf: false))
            {
                Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
            }

            mails++; // the notice with its undo link, to the address just replaced
            return token;
        }

        await ChangeAsync(second, confirm: true);
        var ownersUndo = TokenIn(await MailToAsync(smtp, owner, "undo-email-change", mails));

        // While the owner's undo link works, the address stays theirs: nobody can sign up with it.
        using (var squat = await server.CreateClient().PostJsonAsync("api/accounts", new { email = owner, password = TestData.Password }, csrf: false))
        {
            await AssertProblemAsync(squat, HttpStatusCode.Conflict, "email_taken");
        }

        await ChangeAsync(third, confirm: true);
        var intrudersUndo = TokenIn(await MailToAsync(smtp, second, "undo-email-change", mails));
        var pending = await ChangeAsync(fourth, confirm: false);

        // A second change did not void the first undo link.
        using (var undone = await server.CreateClient().PostJsonAsync("api/account/email/undo", new { token = ownersUndo }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, undone.StatusCode);
        }

        using (var me = await intruder.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        // The intruder's pending change and the undo link mailed to their address died with the undo.
        using (var late = await server.CreateClient().PostJsonAsync("api/account/email/confirm", new { token = pending }, csrf: false))
        {
            await AssertProblemAsync(late, HttpStatusCode.BadRequest, "account_token_invalid");
        }

        using (var back = await server.CreateClient().PostJsonAsync("api/account/email/undo", new { token = intrudersUndo }, csrf: false))
        {
            await AssertProblemAsync(back, HttpStatusCode.BadRequest, "account_token_invalid");
        }

        using var again = server.CreateClient();
        using (var login = await again.LoginAsync(owner))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using var current = await again.GetAsync("api/me");
        Assert.Equal(owner, (await current.ReadJsonObjectAsync())["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task PasswordReset_EndsAPendingEmailChange()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var (email, elsewhere) = (TestData.NewEmail(), TestData.NewEmail());
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        using (var request = await client.PostJsonAsync("api/account/email", new { newEmail = elsewhere, currentPassword = TestData.Password }))
        {
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        }

        var change = TokenIn(await MailToAsync(smtp, elsewhere, "confirm-email", 2));
        using (await client.PostJsonAsync("api/password-reset", new { email }, csrf: false))
        {
        }

        var reset = TokenIn(await MailToAsync(smtp, email, "reset-password", 3));
        using (var complete = await client.PostJsonAsync("api/password-reset/complete", new { token = reset, newPassword = NewPassword }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
        }

        using var confirm = await client.PostJsonAsync("api/account/email/confirm", new { token = change }, csrf: false);
        await AssertProblemAsync(confirm, HttpStatusCode.BadRequest, "account_token_invalid");
    }

    [Fact]
    public async Task Verification_RequestedByAddress_WithoutASession_SendsANewLink_AndAnswersAlikeForUnknownAddresses()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp, settings: new() { ["Latchkey:Accounts:RequireVerifiedEmail"] = "true" });
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);
        await smtp.WaitForAsync(1);

        string? known = null;
        foreach (var address in new[] { TestData.NewEmail(), email })
        {
            using var request = await client.PostJsonAsync("api/accounts/verification", new { email = address }, csrf: false);
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
            var body = await request.Content.ReadAsStringAsync();
            Assert.True(known is null || known == body, "The answers for a known and an unknown address differ.");
            known = body;
        }

        var token = TokenIn(await MailToAsync(smtp, email, "verify-email", 2));
        using (var verify = await client.PostJsonAsync("api/accounts/verify", new { token }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        }

        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Store_HoldsTheTokensHash_NotTheToken()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);
        var email = TestData.NewEmail();
        await server.CreateClient().RegisterAsync(email);
        var token = TokenIn(await MailToAsync(smtp, email, "verify-email", 1));
        server.Secrets.AddToken("account token", token);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "latchkey.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT token_hash, binding FROM account_tokens";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)), (byte[])reader[0]);
        Assert.True(reader.IsDBNull(1));
    }

    internal static string TokenIn(ReceivedMail mail)
    {
        var match = TokenPattern().Match(mail.Text ?? string.Empty);
        Assert.True(match.Success, "The mail carries no account token.");
        return match.Value;
    }

    internal static async Task<ReceivedMail> MailToAsync(TestSmtpServer smtp, string recipient, string? page, int count)
    {
        var messages = await smtp.WaitForAsync(count, TimeSpan.FromSeconds(30));
        return messages.Last(m => m.To.Contains(recipient, StringComparer.OrdinalIgnoreCase)
            && (page is null || (m.Text ?? string.Empty).Contains("/" + page + "#token=", StringComparison.Ordinal)));
    }

    private static async Task<long> PendingMailAsync(LatchkeyTestServer server)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "latchkey.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM mail_outbox";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // Waits for a condition that background work makes true; the bound only keeps a broken run from hanging.
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The condition did not hold within 30 s.");
            await Task.Delay(50);
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Contains($"\"{code}\"", body, StringComparison.Ordinal);
    }

    private static Task<LatchkeyTestServer> StartAsync(TestSmtpServer smtp, TimeProvider? time = null, Dictionary<string, string>? settings = null)
    {
        var options = new TestServerOptions { Time = time };
        foreach (var (key, value) in smtp.Settings.Concat(settings ?? []))
        {
            options.Settings[key] = value;
        }

        options.Settings["Latchkey:Mail:PollInterval"] = "00:00:00.200";
        return LatchkeyTestServer.StartAsync(options);
    }

    [GeneratedRegex("lk_at_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenPattern();
}
