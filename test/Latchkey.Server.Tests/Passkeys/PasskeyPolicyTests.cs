using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using static Latchkey.Server.Tests.Passkeys.PasskeyTests;

namespace Latchkey.Server.Tests.Passkeys;

/// <summary>
/// Passkeys under the server's policies, over HTTP against a real in-process server on SQLite with the software
/// authenticator: a second factor required of every account, a verified address required for sign-in, and the
/// throttle that failed passkey assertions share with passwords. A policy that an operator turns on after accounts have
/// their passkeys is tested by starting the server again on the same data directory with the policy on.
/// </summary>
public sealed class PasskeyPolicyTests
{
    private const int FreeFailures = 5;

    [Fact]
    public async Task MfaRequired_AnAccountWhoseOnlySecondFactorIsAPasskey_SignsInWithIt()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        await using var server = await RestartAsync(account, new() { ["Latchkey:Mfa:Required"] = "Required" });

        // The password asks for the second factor the account has, not for setting up an authenticator app.
        using var browser = server.CreateClient();
        string challenge;
        using (var login = await browser.LoginAsync(account.Email))
        {
            var body = await login.ReadJsonObjectAsync();
            Assert.True(login.StatusCode == HttpStatusCode.Unauthorized, $"Login answered {(int)login.StatusCode}: {body}");
            Assert.Equal("mfa_required", body["code"]!.GetValue<string>());
            Assert.Equal(["passkey"], body["methods"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Null(LatchkeyTestClient.SessionSetCookie(login));
            challenge = body["challenge"]!.GetValue<string>();
        }

        var (ceremony, options) = await SecondFactorOptionsAsync(browser, challenge);
        using (var done = await browser.PostJsonAsync(
            "api/session/mfa/passkey", new { challenge, ceremony, credential = account.Authenticator.Get(options) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            Assert.NotNull(LatchkeyTestClient.SessionSetCookie(done));
        }

        await AssertSessionAsync(browser, ["pwd", "hwk", "user", "mfa"]);

        // The passkey alone stands for both factors: a session at once.
        using var passkeyOnly = server.CreateClient();
        (ceremony, options) = await SignInOptionsAsync(passkeyOnly);
        using (var signIn = await passkeyOnly.PostJsonAsync("api/session/passkey", new { ceremony, credential = account.Authenticator.Get(options) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.NotNull(LatchkeyTestClient.SessionSetCookie(signIn));
        }

        await AssertSessionAsync(passkeyOnly, ["hwk", "user", "mfa"]);
    }

    [Fact]
    public async Task RequireVerifiedEmail_PasskeySignInOfAnUnverifiedAccount_AnswersEmailNotVerified_AsThePasswordDoes()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        await using var server = await RestartAsync(account, new() { ["Latchkey:Accounts:RequireVerifiedEmail"] = "true" });
        using var browser = server.CreateClient();

        using (var password = await browser.LoginAsync(account.Email))
        {
            await ProblemAssert.IsAsync(password, HttpStatusCode.Forbidden, "email_not_verified");
        }

        // Only the holder of the passkey learns that the address is unverified, as only the holder of the password does.
        var (ceremony, options) = await SignInOptionsAsync(browser);
        using (var wrong = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = Tampered(account.Authenticator.Get(options)) }, csrf: false))
        {
            await ProblemAssert.IsAsync(wrong, HttpStatusCode.BadRequest, "passkey_invalid");
        }

        (ceremony, options) = await SignInOptionsAsync(browser);
        using (var right = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = account.Authenticator.Get(options) }, csrf: false))
        {
            await ProblemAssert.IsAsync(right, HttpStatusCode.Forbidden, "email_not_verified");
            Assert.Null(LatchkeyTestClient.SessionSetCookie(right));
        }

        Assert.Null(browser.Cookie);
        using var me = await browser.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(2, server.Logs.Entries.Count(e => e.EventId.Id == 1529));
    }

    [Fact]
    public async Task SignIn_RepeatedFailedAssertions_AreThrottledPerAccount_TheRightPasskeyWorksAfterRetryAfter()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        using var browser = account.Server.CreateClient();

        using var throttled = await FailUntilThrottledAsync(browser, options => Tampered(account.Authenticator.Get(options)));
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After was {retryAfter}.");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(throttled));

        // While throttled, even the right passkey is refused.
        var (ceremony, options) = await SignInOptionsAsync(browser);
        using (var refused = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = account.Authenticator.Get(options) }, csrf: false))
        {
            await ProblemAssert.IsAsync(refused, HttpStatusCode.TooManyRequests, "too_many_attempts");
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            Assert.Null(LatchkeyTestClient.SessionSetCookie(refused));
        }

        account.Time.Advance(retryAfter!.Value);
        (ceremony, options) = await SignInOptionsAsync(browser);
        using var admitted = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = account.Authenticator.Get(options) }, csrf: false);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task SignIn_FailedAssertionsOfUnknownCredentials_ChargeTheAddress_WhichThenRefusesPasswordsToo()
    {
        const int freePerAddress = 3;
        await using var account = await PasskeyAccount.StartAsync(new() { ["Latchkey:Throttling:FreeFailuresPerAddress"] = $"{freePerAddress}" });
        using var stranger = new SoftwareAuthenticator(Origin);
        using var browser = account.Server.CreateClient();

        // Each attempt with a credential of its own, as a scan of guessed credentials would be: no account to charge.
        using var throttled = await FailUntilThrottledAsync(browser, options => NewCredential(stranger, options), freePerAddress);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);

        // The address's counter is the one password sign-ins use: the right password of an account is refused from it.
        using var password = await browser.LoginAsync(account.Email);
        await ProblemAssert.IsAsync(password, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.NotNull(password.Headers.RetryAfter?.Delta);
        Assert.Null(LatchkeyTestClient.SessionSetCookie(password));
    }

    // Starts the server again on the account's data directory with the WebAuthn settings and `settings`, as an
    // operator turning a policy on after accounts have their passkeys; the first server stays stopped until disposal.
    private static async Task<LatchkeyTestServer> RestartAsync(PasskeyAccount account, Dictionary<string, string> settings)
    {
        await account.Server.StopAsync();
        var options = new TestServerOptions { Time = account.Time, DataDirectory = account.Server.DataDirectory };
        options.Settings["Latchkey:WebAuthn:RelyingPartyId"] = RpId;
        options.Settings["Latchkey:WebAuthn:Origins:0"] = Origin;
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        return await LatchkeyTestServer.StartAsync(options);
    }

    // Fails passkey sign-ins with `respond` until the throttle answers, which it must only after `free` failures.
    private static async Task<HttpResponseMessage> FailUntilThrottledAsync(LatchkeyTestClient client, Func<JsonNode, JsonObject> respond, int free = FreeFailures)
    {
        for (var attempt = 1; attempt <= free + 3; attempt++)
        {
            var (ceremony, options) = await SignInOptionsAsync(client);
            var response = await client.PostJsonAsync("api/session/passkey", new { ceremony, credential = respond(options) }, csrf: false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(attempt > free, $"Throttled after only {attempt - 1} failures; {free} are free.");
                await ProblemAssert.IsAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
                return response;
            }

            using (response)
            {
                await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "passkey_invalid");
            }
        }

        throw new Xunit.Sdk.XunitException($"No 429 after {free + 3} failed passkey assertions.");
    }

    private static JsonObject Tampered(JsonObject credential)
    {
        var signature = Base64Url.Decode(credential["response"]!["signature"]!.GetValue<string>());
        signature[^1] ^= 0x01;
        credential["response"]!["signature"] = Base64Url.Encode(signature);
        return credential;
    }

    // A credential the server has never seen, made on the spot for the relying party.
    private static JsonObject NewCredential(SoftwareAuthenticator authenticator, JsonNode options)
    {
        var made = authenticator.Create(new JsonObject
        {
            ["rp"] = new JsonObject { ["id"] = RpId },
            ["user"] = new JsonObject { ["id"] = Base64Url.Encode(Guid.NewGuid().ToByteArray()) },
            ["challenge"] = "AAAA",
        });
        return authenticator.Get(options, made["id"]!.GetValue<string>());
    }

    private static async Task AssertSessionAsync(LatchkeyTestClient client, string[] amr)
    {
        using var response = await client.GetAsync("api/session");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.ReadJsonObjectAsync())["session"]!;
        Assert.Equal(amr, session["amr"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("2", session["acr"]!.GetValue<string>());
    }
}
