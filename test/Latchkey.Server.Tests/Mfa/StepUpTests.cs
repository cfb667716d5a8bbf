using System.Net;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>
/// Step-up: every sensitive action needs a sign-in within <c>Latchkey:Sessions:ReauthWindow</c> (5 minutes), from a
/// session cookie or a bearer token's <c>auth_time</c>; an older one answers <c>reauthentication_required</c> and
/// changes nothing, and signing in again renews it.
/// </summary>
public sealed class StepUpTests
{
    public static TheoryData<string, string> SensitiveActions => new()
    {
        { "POST", "api/account/password" },
        { "POST", "api/account/email" },
        { "DELETE", "api/account" },
        { "DELETE", "api/sessions" },
        { "DELETE", "api/sessions/some-session" },
        { "POST", "api/account/mfa/totp" },
        { "POST", "api/account/mfa/totp/confirm" },
        { "DELETE", "api/account/mfa/totp" },
        { "POST", "api/account/mfa/recovery-codes" },
    };

    [Theory]
    [MemberData(nameof(SensitiveActions))]
    public async Task SensitiveAction_FromAnOldSession_AnswersReauthenticationRequired_AndChangesNothing(string method, string path)
    {
        var time = MfaTests.NewClock();
        await using var server = await MfaTests.StartAsync(time);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        using var other = server.CreateClient();
        (await other.LoginAsync(email)).Dispose();

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using (var response = await client.SendAsync(new HttpMethod(method), path, Body(path)))
        {
            await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "reauthentication_required");
        }

        // Nothing changed: the password, the other session, the account and its (absent) second factor are as they were.
        using (var me = await other.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var status = await client.GetAsync("api/account/mfa"))
        {
            var body = await status.ReadJsonObjectAsync();
            Assert.False(body["totpEnabled"]!.GetValue<bool>());
            Assert.False(body["totpPending"]!.GetValue<bool>());
        }

        using var fresh = server.CreateClient();
        using (var login = await fresh.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 1567);
    }

    [Fact]
    public async Task SigningInAgain_RenewsTheWindow()
    {
        var time = MfaTests.NewClock();
        await using var server = await MfaTests.StartAsync(time);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        time.Advance(TimeSpan.FromMinutes(10));

        (await client.LoginAsync(email)).Dispose();
        using var change = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = "a renewed long passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
    }

    [Fact]
    public async Task BearerToken_IsJudgedByItsAuthTime()
    {
        var time = MfaTests.NewClock();
        await using var server = await MfaTests.StartAsync(time);
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync(email);

        var early = await MintAsync(client);
        using (var ok = await client.SendAsync(HttpMethod.Post, "api/account/mfa/totp", new { }, csrf: false, bearer: early, cookie: false))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // A token minted now from the same (old) session carries the session's sign-in time, not its own.
        time.Advance(TimeSpan.FromMinutes(6));
        var late = await MintAsync(client);
        using (var stale = await client.SendAsync(HttpMethod.Post, "api/account/mfa/totp", new { }, csrf: false, bearer: late, cookie: false))
        {
            await ProblemAssert.IsAsync(stale, HttpStatusCode.Forbidden, "reauthentication_required");
        }

        // A password-grant token's sign-in is the grant itself.
        using var grant = await client.PasswordGrantAsync(email);
        var granted = (await grant.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();
        using var viaGrant = await client.SendAsync(HttpMethod.Post, "api/account/mfa/totp", new { }, csrf: false, bearer: granted, cookie: false);
        Assert.Equal(HttpStatusCode.OK, viaGrant.StatusCode);
    }

    private static async Task<string> MintAsync(LatchkeyTestClient client)
    {
        using var minted = await client.PostJsonAsync("api/session/token", new { });
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        return (await minted.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();
    }

    private static object? Body(string path) => path switch
    {
        "api/account/password" => new { currentPassword = TestData.Password, newPassword = "a different long passphrase" },
        "api/account/email" => new { newEmail = TestData.NewEmail(), currentPassword = TestData.Password },
        "api/account" => new { currentPassword = TestData.Password },
        "api/account/mfa/totp/confirm" => new { code = "123456" },
        _ => path.StartsWith("api/account/mfa", StringComparison.Ordinal) ? new { } : null,
    };
}
