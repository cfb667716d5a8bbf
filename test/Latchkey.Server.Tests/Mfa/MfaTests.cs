using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Mfa;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Mfa;

/// <summary>
/// TOTP, recovery codes and the second-factor sign-in over HTTP against a real in-process server on SQLite. The
/// server's clock is a <see cref="FakeTimeProvider"/>, so the tests compute the codes an authenticator app would show
/// and move between 30-second steps at will. The log-secret scan on disposal covers challenges, secrets and recovery codes.
/// </summary>
public sealed class MfaTests
{
    [Fact]
    public async Task Totp_EnrolThenSignIn_PasswordAloneGivesNoSession_TheCodeDoes()
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var secret = account.Secret;
        var codes = account.RecoveryCodes;
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());

        using (var status = await owner.GetAsync("api/account/mfa"))
        {
            var body = await status.ReadJsonObjectAsync();
            Assert.True(body["totpEnabled"]!.GetValue<bool>());
            Assert.Equal(10, body["recoveryCodesLeft"]!.GetValue<int>());
            Assert.Equal("optional", body["policy"]!.GetValue<string>());
        }

        using var browser = server.CreateClient();
        var challenge = await PasswordStepAsync(browser, email, "mfa_required");
        Assert.Null(browser.Cookie);
        using (var me = await browser.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var wrong = await browser.PostJsonAsync("api/session/mfa", new { challenge, code = WrongCode(secret, time) }, csrf: false))
        {
            await ProblemAssert.IsAsync(wrong, HttpStatusCode.Unauthorized, "invalid_mfa_code");
            Assert.Null(LatchkeyTestClient.SessionSetCookie(wrong));
        }

        time.Advance(TimeSpan.FromSeconds(30));
        using (var right = await browser.PostJsonAsync("api/session/mfa", new { challenge, code = CodeAt(secret, time) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            browser.CsrfToken = (await right.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>();
        }

        using (var session = await browser.GetAsync("api/session"))
        {
            var details = (await session.ReadJsonObjectAsync())["session"]!;
            Assert.Equal(["pwd", "otp", "mfa"], details["amr"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Equal("2", details["acr"]!.GetValue<string>());
        }

        // The challenge was spent by the right code.
        using (var again = await browser.PostJsonAsync("api/session/mfa", new { challenge, code = CodeAt(secret, time) }, csrf: false))
        {
            await ProblemAssert.IsAsync(again, HttpStatusCode.Unauthorized, "mfa_challenge_invalid");
        }
    }

    [Fact]
    public async Task EveryEndpointThatTakesAPassword_WithThePasswordAlone_GivesNoSessionOrToken()
    {
        await using var account = await EnrolledAccount.StartAsync();
        using var stranger = account.Server.CreateClient();
        var email = account.Email;
        var password = TestData.Password;

        await PasswordStepAsync(stranger, email, "mfa_required");
        using (var grant = await stranger.PasswordGrantAsync(email))
        {
            Assert.Equal(HttpStatusCode.BadRequest, grant.StatusCode);
            Assert.Null((await grant.ReadJsonObjectAsync())["access_token"]);
        }

        var others = new (HttpMethod Method, string Path, object Body, HttpStatusCode Status)[]
        {
            (HttpMethod.Post, "api/accounts", new { email, password }, HttpStatusCode.Conflict),
            (HttpMethod.Post, "api/account/password", new { currentPassword = password, newPassword = "a stranger's passphrase" }, HttpStatusCode.Unauthorized),
            (HttpMethod.Post, "api/account/email", new { newEmail = TestData.NewEmail(), currentPassword = password }, HttpStatusCode.Unauthorized),
            (HttpMethod.Delete, "api/account", new { currentPassword = password }, HttpStatusCode.Unauthorized),
        };
        foreach (var (method, path, body, status) in others)
        {
            using var response = await stranger.SendAsync(method, path, body, csrf: false);
            Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        }

        Assert.Null(stranger.Cookie);
        using var me = await stranger.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Totp_ACodeIsAcceptedOnce_AndNeverAfterALaterOne()
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var secret = account.Secret;
        time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeAt(secret, time);

        using var first = server.CreateClient();
        var firstChallenge = await PasswordStepAsync(first, email, "mfa_required");
        using (var ok = await first.PostJsonAsync("api/session/mfa", new { challenge = firstChallenge, code }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The same code, seconds later, by someone who watched it typed: refused, and the challenge stays usable.
        using var second = server.CreateClient();
        var secondChallenge = await PasswordStepAsync(second, email, "mfa_required");
        using (var replay = await second.PostJsonAsync("api/session/mfa", new { challenge = secondChallenge, code }, csrf: false))
        {
            await ProblemAssert.IsAsync(replay, HttpStatusCode.Unauthorized, "invalid_mfa_code");
        }

        // The code of the step before the one used is refused too, though it is within the drift window.
        time.Advance(TimeSpan.FromSeconds(1));
        using (var earlier = await second.PostJsonAsync("api/session/mfa", new { challenge = secondChallenge, code = CodeAt(secret, time, -1) }, csrf: false))
        {
            await ProblemAssert.IsAsync(earlier, HttpStatusCode.Unauthorized, "invalid_mfa_code");
        }

        time.Advance(TimeSpan.FromSeconds(30));
        using (var next = await second.PostJsonAsync("api/session/mfa", new { challenge = secondChallenge, code = CodeAt(secret, time) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }
    }

    [Fact]
    public async Task RecoveryCodes_WorkOnceEach_AndRegeneratingVoidsTheOldSet()
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var codes = account.RecoveryCodes;

        using var browser = server.CreateClient();
        var challenge = await PasswordStepAsync(browser, email, "mfa_required");
        using (var ok = await browser.PostJsonAsync("api/session/mfa", new { challenge, recoveryCode = codes[0].ToUpperInvariant() }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            browser.CsrfToken = (await ok.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>();
        }

        using (var session = await browser.GetAsync("api/session"))
        {
            var amr = (await session.ReadJsonObjectAsync())["session"]!["amr"]!.AsArray().Select(n => n!.GetValue<string>());
            Assert.Equal(["pwd", "otp", "mfa"], amr);
        }

        using var other = server.CreateClient();
        var second = await PasswordStepAsync(other, email, "mfa_required");
        using (var reused = await other.PostJsonAsync("api/session/mfa", new { challenge = second, recoveryCode = codes[0] }, csrf: false))
        {
            await ProblemAssert.IsAsync(reused, HttpStatusCode.Unauthorized, "invalid_mfa_code");
        }

        using (var status = await owner.GetAsync("api/account/mfa"))
        {
            Assert.Equal(9, (await status.ReadJsonObjectAsync())["recoveryCodesLeft"]!.GetValue<int>());
        }

        JsonArray fresh;
        using (var regenerate = await owner.PostJsonAsync("api/account/mfa/recovery-codes", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, regenerate.StatusCode);
            fresh = (await regenerate.ReadJsonObjectAsync())["recoveryCodes"]!.AsArray();
        }

        using (var old = await other.PostJsonAsync("api/session/mfa", new { challenge = second, recoveryCode = codes[1] }, csrf: false))
        {
            await ProblemAssert.IsAsync(old, HttpStatusCode.Unauthorized, "invalid_mfa_code");
        }

        using (var renewed = await other.PostJsonAsync("api/session/mfa", new { challenge = second, recoveryCode = fresh[0]!.GetValue<string>() }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("expired")]
    [InlineData("password-changed")]
    [InlineData("foreign")]
    public async Task Challenge_ThatIsNotLive_AnswersMfaChallengeInvalid_AndChangesNothing(string kind)
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var secret = account.Secret;

        using var browser = server.CreateClient();
        var challenge = await PasswordStepAsync(browser, email, "mfa_required");
        switch (kind)
        {
            case "malformed":
                challenge = "lk_at_" + new string('!', 43);
                break;
            case "expired":
                time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
                break;
            case "password-changed":
                using (var change = await owner.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = "another long passphrase" }))
                {
                    Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
                }

                break;
            case "foreign":
                // A reset link's token is an account token too, but not a challenge.
                challenge = Latchkey.Accounts.Recovery.AccountTokenCodec.Create();
                break;
        }

        time.Advance(TimeSpan.FromSeconds(30));
        using var response = await browser.PostJsonAsync("api/session/mfa", new { challenge, code = CodeAt(secret, time) }, csrf: false);
        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "mfa_challenge_invalid");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }

    [Fact]
    public async Task SecondStep_BadBodies_AnswerValidationFailed()
    {
        var time = NewClock();
        await using var server = await StartAsync(time);
        using var client = server.CreateClient();
        foreach (var body in new object[] { new { }, new { challenge = "x" }, new { challenge = "x", code = "123456", recoveryCode = "abcd-efgh-jkmn-pqrs" } })
        {
            using var response = await client.PostJsonAsync("api/session/mfa", body, csrf: false);
            await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        }
    }

    [Fact]
    public async Task WrongCodes_AreThrottledPerAccount()
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var secret = account.Secret;

        using var attacker = server.CreateClient();
        var challenge = await PasswordStepAsync(attacker, email, "mfa_required");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await attacker.PostJsonAsync("api/session/mfa", new { challenge, code = WrongCode(secret, time) }, csrf: false);
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.DoesNotContain(HttpStatusCode.OK, statuses);
    }

    [Fact]
    public async Task PasswordGrant_ForAnAccountWithASecondFactor_IsRefused()
    {
        var time = NewClock();
        await using var server = await StartAsync(time);
        var email = TestData.NewEmail();
        using var owner = server.CreateClient();
        await owner.SignUpAndLoginAsync(email);
        using (var before = await owner.PasswordGrantAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await EnrolAsync(owner, time);

        using var response = await owner.PasswordGrantAsync(email);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.Null(body["access_token"]);
        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 1568);
    }

    [Fact]
    public async Task PasswordGrant_ForAClientThatRequiresMfa_IsRefusedEvenWithoutASecondFactor()
    {
        var time = NewClock();
        await using var server = await StartAsync(time, new()
        {
            ["Latchkey:Clients:0:ClientId"] = "strict",
            ["Latchkey:Clients:0:ClientSecret"] = "strict-secret-of-sixteen-plus",
            ["Latchkey:Clients:0:Scopes"] = "read",
            ["Latchkey:Clients:0:RequireMfa"] = "true",
            ["Latchkey:Clients:0:GrantTypes"] = "client_credentials password",
        });
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password)], ("strict", "strict-secret-of-sixteen-plus"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.ReadJsonObjectAsync())["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task AccessTokenFromAnMfaSession_CarriesAmrAcrAndAuthTime()
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var secret = account.Secret;
        time.Advance(TimeSpan.FromSeconds(30));
        var signedInAt = time.GetUtcNow();
        using var browser = server.CreateClient();
        await SecondStepAsync(browser, email, CodeAt(secret, time));

        time.Advance(TimeSpan.FromMinutes(1));
        using var minted = await browser.PostJsonAsync("api/session/token", new { });
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        var token = (await minted.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();
        Assert.Equal(["pwd", "otp", "mfa"], payload["amr"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("2", payload["acr"]!.GetValue<string>());
        Assert.Equal(signedInAt.ToUnixTimeSeconds(), payload["auth_time"]!.GetValue<long>());
    }

    [Fact]
    public async Task RemovingTotp_NeedsARecentSignIn_ThenThePasswordAloneSignsIn()
    {
        await using var account = await EnrolledAccount.StartAsync();
        var (server, time, email, owner) = (account.Server, account.Time, account.Email, account.Owner);
        var secret = account.Secret;

        time.Advance(TimeSpan.FromMinutes(6));
        using (var stale = await owner.DeleteAsync("api/account/mfa/totp"))
        {
            await ProblemAssert.IsAsync(stale, HttpStatusCode.Forbidden, "reauthentication_required");
        }

        using (var status = await owner.GetAsync("api/account/mfa"))
        {
            Assert.True((await status.ReadJsonObjectAsync())["totpEnabled"]!.GetValue<bool>());
        }

        // Signing in again (both factors) renews the sign-in; the removal then goes through.
        await SecondStepAsync(owner, email, CodeAt(secret, time));
        using (var removed = await owner.DeleteAsync("api/account/mfa/totp"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        using var browser = server.CreateClient();
        using var login = await browser.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Enrolment_WhenOff_AnswersMfaOff_AndSignInNeverAsks()
    {
        var time = NewClock();
        await using var server = await StartAsync(time, new() { ["Latchkey:Mfa:Required"] = "Off" });
        using var owner = server.CreateClient();
        await owner.SignUpAndLoginAsync();
        using var response = await owner.PostJsonAsync("api/account/mfa/totp", new { });
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "mfa_off");
    }

    [Fact]
    public async Task Required_PasswordSignInOfAnAccountWithoutAFactor_MustEnrolBeforeItHasASession()
    {
        var time = NewClock();
        await using var server = await StartAsync(time, new() { ["Latchkey:Mfa:Required"] = "Required" });
        var email = TestData.NewEmail();
        using var client = server.CreateClient();
        await client.RegisterAsync(email);

        var challenge = await PasswordStepAsync(client, email, "mfa_enrollment_required");
        Assert.Null(client.Cookie);

        // The enrolment challenge is no second factor: it cannot finish a sign-in by itself.
        using (var misuse = await client.PostJsonAsync("api/session/mfa", new { challenge, code = "000000" }, csrf: false))
        {
            await ProblemAssert.IsAsync(misuse, HttpStatusCode.Unauthorized, "mfa_challenge_invalid");
        }

        string secret;
        using (var begin = await client.PostJsonAsync("api/session/mfa/totp", new { challenge }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, begin.StatusCode);
            var body = await begin.ReadJsonObjectAsync();
            secret = body["secret"]!.GetValue<string>();
            Assert.StartsWith("data:image/png;base64,", body["qrCode"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using (var confirm = await client.PostJsonAsync("api/session/mfa/totp/confirm", new { challenge, code = CodeAt(secret, time) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
            var body = await confirm.ReadJsonObjectAsync();
            Assert.Equal(10, body["recoveryCodes"]!.AsArray().Count);
            client.CsrfToken = body["csrfToken"]!.GetValue<string>();
        }

        using (var me = await client.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        // From now on the account has a factor, so the password grant is refused like any password-only sign-in.
        using var grant = await client.PasswordGrantAsync(email);
        Assert.Equal(HttpStatusCode.BadRequest, grant.StatusCode);
    }

    /// <summary>A server, its clock, and an account signed in by <see cref="Owner"/> with TOTP enrolled and confirmed.</summary>
    internal sealed record EnrolledAccount(
        LatchkeyTestServer Server, FakeTimeProvider Time, string Email, LatchkeyTestClient Owner, string Secret, List<string> RecoveryCodes) : IAsyncDisposable
    {
        public static async Task<EnrolledAccount> StartAsync()
        {
            var time = NewClock();
            var server = await MfaTests.StartAsync(time);
            var email = TestData.NewEmail();
            var owner = server.CreateClient();
            await owner.SignUpAndLoginAsync(email);
            var (secret, codes) = await EnrolAsync(owner, time);
            return new EnrolledAccount(server, time, email, owner, secret, codes);
        }

        public async ValueTask DisposeAsync()
        {
            Owner.Dispose();
            await Server.DisposeAsync();
        }
    }

    internal static FakeTimeProvider NewClock() => new(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero));

    internal static Task<LatchkeyTestServer> StartAsync(FakeTimeProvider time, Dictionary<string, string>? settings = null)
    {
        var options = new TestServerOptions { Time = time };
        foreach (var (key, value) in settings ?? [])
        {
            options.Settings[key] = value;
        }

        return LatchkeyTestServer.StartAsync(options);
    }

    /// <summary>Enrols TOTP with a signed-in client and confirms it with the current step's code.</summary>
    internal static async Task<(string Secret, List<string> RecoveryCodes)> EnrolAsync(LatchkeyTestClient client, TimeProvider time)
    {
        string secret;
        using (var begin = await client.PostJsonAsync("api/account/mfa/totp", new { }))
        {
            Assert.Equal(HttpStatusCode.OK, begin.StatusCode);
            var body = await begin.ReadJsonObjectAsync();
            secret = body["secret"]!.GetValue<string>();
            Assert.StartsWith("otpauth://totp/", body["uri"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var confirm = await client.PostJsonAsync("api/account/mfa/totp/confirm", new { code = CodeAt(secret, time) });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var codes = (await confirm.ReadJsonObjectAsync())["recoveryCodes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        return (secret, codes);
    }

    /// <summary>Signs in with the password and answers the challenge, failing the test unless both steps pass.</summary>
    internal static async Task SecondStepAsync(LatchkeyTestClient client, string email, string code)
    {
        var challenge = await PasswordStepAsync(client, email, "mfa_required");
        using var response = await client.PostJsonAsync("api/session/mfa", new { challenge, code }, csrf: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        client.CsrfToken = (await response.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>();
    }

    /// <summary>The password step: a 401 with <paramref name="code"/> and a challenge, never a session cookie.</summary>
    internal static async Task<string> PasswordStepAsync(LatchkeyTestClient client, string email, string code)
    {
        using var response = await client.LoginAsync(email);
        var body = await response.ReadJsonObjectAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"Expected 401 {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(code, body["code"]!.GetValue<string>());
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        return body["challenge"]!.GetValue<string>();
    }

    /// <summary>The code an authenticator app shows now (or <paramref name="steps"/> steps away).</summary>
    internal static string CodeAt(string secret, TimeProvider time, int steps = 0) =>
        Totp.Code(Base32.TryDecode(secret), Totp.StepAt(time.GetUtcNow()) + steps);

    /// <summary>A six-digit code that no step in the drift window has.</summary>
    internal static string WrongCode(string secret, TimeProvider time)
    {
        var valid = Enumerable.Range(-1, 3).Select(s => CodeAt(secret, time, s)).ToHashSet();
        return Enumerable.Range(0, 10).Select(d => new string((char)('0' + d), 6)).First(c => !valid.Contains(c));
    }
}
