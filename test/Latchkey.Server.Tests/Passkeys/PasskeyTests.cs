using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Passkeys;

/// <summary>
/// Passkeys over HTTP against a real in-process server on SQLite, with a software authenticator that assembles every
/// byte of the WebAuthn responses: registration and management, sign-in with a passkey alone, a passkey as the second
/// factor, and every way a response can be wrong. The log-secret scan on disposal watches the ceremonies and challenges.
/// </summary>
public sealed class PasskeyTests
{
    internal const string RpId = "localhost";
    internal const string Origin = "https://app.localhost";

    [Fact]
    public async Task Register_TwoNamedPasskeys_ThenListRenameRemove()
    {
        await using var account = await PasskeyAccount.StartAsync();
        var (owner, authenticator) = (account.Owner, account.Authenticator);
        var first = await RegisterAsync(owner, authenticator, "Laptop");

        // The list is ordered by creation time, then by the random id: on the fake clock, two registrations in the
        // same millisecond would come back in either order.
        account.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await RegisterAsync(owner, authenticator, "Phone");
        Assert.NotEqual(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        Assert.True(first["backedUp"]!.GetValue<bool>());
        Assert.Null(first["lastUsedAt"]);

        var list = await ListAsync(owner);
        Assert.Equal(["Laptop", "Phone"], list.Select(p => p!["name"]!.GetValue<string>()));
        Assert.All(list, p => Assert.NotNull(p!["createdAt"]));

        // A new registration excludes the passkeys the account has.
        using (var options = await owner.PostJsonAsync("api/passkeys/options", new { }))
        {
            var body = await options.ReadJsonObjectAsync();
            Assert.Equal(2, body["options"]!["excludeCredentials"]!.AsArray().Count);
            Assert.Equal("required", body["options"]!["authenticatorSelection"]!["residentKey"]!.GetValue<string>());
            Assert.Equal(RpId, body["options"]!["rp"]!["id"]!.GetValue<string>());
        }

        var id = first["id"]!.GetValue<string>();
        using (var rename = await owner.SendAsync(HttpMethod.Patch, $"api/passkeys/{id}", new { name = "  Work laptop " }))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
            Assert.Equal("Work laptop", (await rename.ReadJsonObjectAsync())["name"]!.GetValue<string>());
        }

        using (var remove = await owner.DeleteAsync($"api/passkeys/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }

        Assert.Equal(["Phone"], (await ListAsync(owner)).Select(p => p!["name"]!.GetValue<string>()));
        using (var again = await owner.DeleteAsync($"api/passkeys/{id}"))
        {
            await ProblemAssert.IsAsync(again, HttpStatusCode.NotFound, "passkey_not_found");
        }

        using (var renameGone = await owner.SendAsync(HttpMethod.Patch, $"api/passkeys/{id}", new { name = "x" }))
        {
            await ProblemAssert.IsAsync(renameGone, HttpStatusCode.NotFound, "passkey_not_found");
        }
    }

    [Fact]
    public async Task SignIn_WithAPasskeyAlone_GivesASessionWithHwkAndAcr2_AndTheCeremonyIsSpent()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");

        using var browser = account.Server.CreateClient();
        var (ceremony, options) = await SignInOptionsAsync(browser);
        Assert.True(options["allowCredentials"] is null || options["allowCredentials"]!.AsArray().Count == 0);
        Assert.Equal("required", options["userVerification"]!.GetValue<string>());
        var credential = account.Authenticator.Get(options);
        using (var signIn = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.NotNull(LatchkeyTestClient.SessionSetCookie(signIn));
            var body = await signIn.ReadJsonObjectAsync();
            Assert.Equal(account.Email, body["user"]!["email"]!.GetValue<string>());
            browser.CsrfToken = body["csrfToken"]!.GetValue<string>();
        }

        using (var session = await browser.GetAsync("api/session"))
        {
            var details = (await session.ReadJsonObjectAsync())["session"]!;
            Assert.Equal(["hwk", "user", "mfa"], details["amr"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Equal("2", details["acr"]!.GetValue<string>());
        }

        Assert.NotNull((await ListAsync(browser))[0]!["lastUsedAt"]);

        // The same ceremony and response again: the ceremony was spent.
        using var replay = account.Server.CreateClient();
        using (var again = await replay.PostJsonAsync("api/session/passkey", new { ceremony, credential }, csrf: false))
        {
            await ProblemAssert.IsAsync(again, HttpStatusCode.BadRequest, "passkey_ceremony_invalid");
            Assert.Null(LatchkeyTestClient.SessionSetCookie(again));
        }
    }

    [Fact]
    public async Task PasswordLogin_ForAPasskeyAccount_AsksForTheSecondFactor_AndThePasswordGrantIsRefused()
    {
        await using var account = await PasskeyAccount.StartAsync(OAuthClient: true);
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");

        using var browser = account.Server.CreateClient();
        string challenge;
        using (var login = await browser.LoginAsync(account.Email))
        {
            var body = await login.ReadJsonObjectAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
            Assert.Equal("mfa_required", body["code"]!.GetValue<string>());
            Assert.Equal(["passkey"], body["methods"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Null(LatchkeyTestClient.SessionSetCookie(login));
            challenge = body["challenge"]!.GetValue<string>();
        }

        using (var grant = await browser.PasswordGrantAsync(account.Email))
        {
            Assert.Equal(HttpStatusCode.BadRequest, grant.StatusCode);
            Assert.Null((await grant.ReadJsonObjectAsync())["access_token"]);
        }

        var (ceremony, options) = await SecondFactorOptionsAsync(browser, challenge);
        Assert.Single(options["allowCredentials"]!.AsArray());
        using (var done = await browser.PostJsonAsync(
            "api/session/mfa/passkey", new { challenge, ceremony, credential = account.Authenticator.Get(options) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            browser.CsrfToken = (await done.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>();
        }

        using (var session = await browser.GetAsync("api/session"))
        {
            var details = (await session.ReadJsonObjectAsync())["session"]!;
            Assert.Equal(["pwd", "hwk", "user", "mfa"], details["amr"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Equal("2", details["acr"]!.GetValue<string>());
        }

        // The challenge was spent.
        using var late = account.Server.CreateClient();
        using (var spent = await late.PostJsonAsync("api/session/mfa/passkey/options", new { challenge }, csrf: false))
        {
            await ProblemAssert.IsAsync(spent, HttpStatusCode.Unauthorized, "mfa_challenge_invalid");
        }
    }

    [Fact]
    public async Task PasswordLogin_WithTotpAndPasskey_ListsEveryMethod()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        await MfaTests.EnrolAsync(account.Owner, account.Time);
        using var browser = account.Server.CreateClient();
        using var login = await browser.LoginAsync(account.Email);
        var body = await login.ReadJsonObjectAsync();
        Assert.Equal(["passkey", "totp", "recovery_code"], body["methods"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task SignIn_Refuses_WrongOrigin_WrongRpId_TamperedSignature_UnknownCredential_UnverifiedUser()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        var authenticator = account.Authenticator;
        using var browser = account.Server.CreateClient();

        var cases = new (string Name, Func<JsonNode, JsonObject> Respond)[]
        {
            ("wrong origin", options =>
            {
                authenticator.Origin = "https://evil.localhost";
                try
                {
                    return authenticator.Get(options);
                }
                finally
                {
                    authenticator.Origin = Origin;
                }
            }),
            ("origin differs by port", options =>
            {
                authenticator.Origin = Origin + ":8443";
                try
                {
                    return authenticator.Get(options);
                }
                finally
                {
                    authenticator.Origin = Origin;
                }
            }),
            ("wrong rp id hash", options => authenticator.Get(options, rpIdOverride: "evil.example")),
            ("tampered signature", options =>
            {
                var credential = authenticator.Get(options);
                var signature = Base64Url.Decode(credential["response"]!["signature"]!.GetValue<string>());
                signature[^1] ^= 0x01;
                credential["response"]!["signature"] = Base64Url.Encode(signature);
                return credential;
            }),
            ("tampered authenticator data", options =>
            {
                var credential = authenticator.Get(options);
                var data = Base64Url.Decode(credential["response"]!["authenticatorData"]!.GetValue<string>());
                data[36] ^= 0x40;
                credential["response"]!["authenticatorData"] = Base64Url.Encode(data);
                return credential;
            }),
            ("unknown credential", options =>
            {
                using var stranger = new SoftwareAuthenticator(Origin);
                stranger.Create(new JsonObject
                {
                    ["rp"] = new JsonObject { ["id"] = RpId },
                    ["user"] = new JsonObject { ["id"] = Base64Url.Encode(Encoding.UTF8.GetBytes("nobody")) },
                    ["challenge"] = "AAAA",
                });
                return stranger.Get(options);
            }),
            ("user not verified", options =>
            {
                authenticator.UserVerified = false;
                try
                {
                    return authenticator.Get(options);
                }
                finally
                {
                    authenticator.UserVerified = true;
                }
            }),
        };

        foreach (var (name, respond) in cases)
        {
            var (ceremony, options) = await SignInOptionsAsync(browser);
            using var response = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = respond(options) }, csrf: false);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
            Assert.Equal("passkey_invalid", (await response.ReadJsonObjectAsync())["code"]!.GetValue<string>());
            Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        }

        Assert.Contains(account.Server.Logs.Entries, e => e.EventId.Id == 1583);
    }

    [Fact]
    public async Task SignIn_RefusesASignCountThatDoesNotIncrease_AndAChangedBackupEligibility()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        var authenticator = account.Authenticator;
        var credentialId = authenticator.CredentialIds.Single();
        using var browser = account.Server.CreateClient();

        var (ceremony, options) = await SignInOptionsAsync(browser);
        authenticator.SetSignCount(credentialId, 10);
        using (var ok = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = authenticator.Get(options) }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // A clone still at 5 (then 11 - 0 = the same count) is refused and audited.
        foreach (var count in new uint[] { 5, 10 })
        {
            authenticator.SetSignCount(credentialId, count);
            (ceremony, options) = await SignInOptionsAsync(browser);
            using var clone = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = authenticator.Get(options, countStep: 0) }, csrf: false);
            await ProblemAssert.IsAsync(clone, HttpStatusCode.BadRequest, "passkey_sign_count_invalid");
        }

        Assert.Contains(account.Server.Logs.Entries, e => e.EventId.Id == 1584);

        authenticator.SetSignCount(credentialId, 20);
        authenticator.FlipBackupEligibility(credentialId);
        (ceremony, options) = await SignInOptionsAsync(browser);
        using (var flipped = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = authenticator.Get(options) }, csrf: false))
        {
            await ProblemAssert.IsAsync(flipped, HttpStatusCode.BadRequest, "passkey_invalid");
        }

        Assert.Contains(account.Server.Logs.Entries, e => e.EventId.Id == 1585);
    }

    [Fact]
    public async Task SecondFactor_RefusesAnotherAccountsPasskey_AndAFirstFactorCeremony()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");

        using var otherOwner = account.Server.CreateClient();
        await otherOwner.SignUpAndLoginAsync();
        using var otherAuthenticator = new SoftwareAuthenticator(Origin);
        await RegisterAsync(otherOwner, otherAuthenticator, "Theirs");

        using var browser = account.Server.CreateClient();
        var challenge = await MfaTests.PasswordStepAsync(browser, account.Email, "mfa_required");
        var (ceremony, options) = await SecondFactorOptionsAsync(browser, challenge);
        using (var other = await browser.PostJsonAsync(
            "api/session/mfa/passkey", new { challenge, ceremony, credential = otherAuthenticator.Get(options) }, csrf: false))
        {
            await ProblemAssert.IsAsync(other, HttpStatusCode.BadRequest, "passkey_invalid");
            Assert.Null(LatchkeyTestClient.SessionSetCookie(other));
        }

        // A ceremony for a passkey sign-in does not finish a second factor.
        var (signInCeremony, signInOptions) = await SignInOptionsAsync(browser);
        using (var wrongKind = await browser.PostJsonAsync(
            "api/session/mfa/passkey", new { challenge, ceremony = signInCeremony, credential = account.Authenticator.Get(signInOptions) }, csrf: false))
        {
            await ProblemAssert.IsAsync(wrongKind, HttpStatusCode.BadRequest, "passkey_ceremony_invalid");
        }

        // The challenge survived the failures; the right passkey finishes it.
        (ceremony, options) = await SecondFactorOptionsAsync(browser, challenge);
        using var right = await browser.PostJsonAsync(
            "api/session/mfa/passkey", new { challenge, ceremony, credential = account.Authenticator.Get(options) }, csrf: false);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Registration_RefusesAReplayedCeremony_AWrongOrigin_AndADuplicate()
    {
        await using var account = await PasskeyAccount.StartAsync();
        var (owner, authenticator) = (account.Owner, account.Authenticator);
        var (ceremony, options) = await RegistrationOptionsAsync(owner);
        var credential = authenticator.Create(options);
        using (var ok = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Laptop", credential }))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using (var replay = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Laptop", credential }))
        {
            await ProblemAssert.IsAsync(replay, HttpStatusCode.BadRequest, "passkey_ceremony_invalid");
        }

        (ceremony, options) = await RegistrationOptionsAsync(owner);
        using (var duplicate = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Again", credential }))
        {
            Assert.True(duplicate.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)duplicate.StatusCode}");
        }

        (ceremony, options) = await RegistrationOptionsAsync(owner);
        authenticator.Origin = "https://evil.localhost";
        using (var wrongOrigin = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Evil", credential = authenticator.Create(options) }))
        {
            await ProblemAssert.IsAsync(wrongOrigin, HttpStatusCode.BadRequest, "passkey_invalid");
        }

        authenticator.Origin = Origin;
        (ceremony, options) = await RegistrationOptionsAsync(owner);
        using (var wrongRp = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Evil", credential = authenticator.Create(options, rpIdOverride: "evil.example") }))
        {
            await ProblemAssert.IsAsync(wrongRp, HttpStatusCode.BadRequest, "passkey_invalid");
        }

        Assert.Single(await ListAsync(owner));
    }

    [Fact]
    public async Task RegisterAndRemove_NeedARecentSignIn_RenameDoesNot()
    {
        await using var account = await PasskeyAccount.StartAsync();
        var owner = account.Owner;
        var id = (await RegisterAsync(owner, account.Authenticator, "Laptop"))["id"]!.GetValue<string>();
        var (ceremony, options) = await RegistrationOptionsAsync(owner);
        var pending = account.Authenticator.Create(options);

        account.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using (var begin = await owner.PostJsonAsync("api/passkeys/options", new { }))
        {
            await ProblemAssert.IsAsync(begin, HttpStatusCode.Forbidden, "reauthentication_required");
        }

        using (var complete = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Late", credential = pending }))
        {
            await ProblemAssert.IsAsync(complete, HttpStatusCode.Forbidden, "reauthentication_required");
        }

        using (var remove = await owner.DeleteAsync($"api/passkeys/{id}"))
        {
            await ProblemAssert.IsAsync(remove, HttpStatusCode.Forbidden, "reauthentication_required");
        }

        using (var rename = await owner.SendAsync(HttpMethod.Patch, $"api/passkeys/{id}", new { name = "Still mine" }))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        Assert.Single(await ListAsync(owner));
    }

    [Fact]
    public async Task Management_NeedsASessionAndTheCsrfToken()
    {
        await using var account = await PasskeyAccount.StartAsync();
        using var anonymous = account.Server.CreateClient();
        using (var list = await anonymous.GetAsync("api/passkeys"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        }

        using (var noCsrf = await account.Owner.PostJsonAsync("api/passkeys/options", new { }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
        }
    }

    [Fact]
    public async Task SignIn_OfADisabledAccount_IsRefusedWithAccountDisabled()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        var lifecycle = account.Server.App.Services.GetRequiredService<AccountLifecycleService>();
        await lifecycle.DisableAsync(account.Id, SecurityAudit.LifecycleActor.Operator, new RequestOrigin(null, null), CancellationToken.None);

        using var browser = account.Server.CreateClient();
        var (ceremony, options) = await SignInOptionsAsync(browser);
        using var response = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential = account.Authenticator.Get(options) }, csrf: false);
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "account_disabled");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }

    [Fact]
    public async Task Defaults_TakeTheRelyingPartyAndOriginFromTheIssuer()
    {
        var time = MfaTests.NewClock();
        await using var server = await MfaTests.StartAsync(time);
        using var owner = server.CreateClient();
        await owner.SignUpAndLoginAsync();
        using var authenticator = new SoftwareAuthenticator(server.Origin);
        var (ceremony, options) = await RegistrationOptionsAsync(owner);
        Assert.Equal(server.BaseAddress.Host, options["rp"]!["id"]!.GetValue<string>());
        using var created = await owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Here", credential = authenticator.Create(options) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public static TheoryData<string, string> GarbageBodies => new()
    {
        { "api/session/passkey", "{\"ceremony\":5,\"credential\":{}}" },
        { "api/session/passkey", "{\"ceremony\":\"lk_pk_x\",\"credential\":\"text\"}" },
        { "api/session/passkey", "{\"ceremony\":\"lk_pk_x\",\"credential\":{\"id\":1}}" },
        { "api/session/passkey", "{\"ceremony\":\"lk_pk_x\",\"credential\":{\"id\":\"%%%\",\"rawId\":\"%%%\",\"type\":\"public-key\",\"response\":{}}}" },
        { "api/session/passkey", "{\"ceremony\":\"lk_pk_x\",\"credential\":{\"rawId\":\"AAAA\",\"response\":{\"clientDataJSON\":\"!!\",\"authenticatorData\":\"AA\",\"signature\":\"AA\"}}}" },
        { "api/session/passkey", "[1,2,3]" },
        { "api/session/passkey", "{\"ceremony\":" },
        { "api/session/passkey", "null" },
        { "api/session/mfa/passkey", "{\"challenge\":[],\"ceremony\":\"x\",\"credential\":{}}" },
        { "api/session/mfa/passkey", "{\"challenge\":\"lk_at_nope\",\"ceremony\":\"x\",\"credential\":{\"rawId\":\"AAAA\"}}" },
        { "api/session/mfa/passkey/options", "{\"challenge\":true}" },
        { "api/session/mfa/passkey/options", "{\"challenge\":\"lk_at_nope\"}" },
        { "api/session/mfa/passkey/options", "{}" },
    };

    [Theory]
    [MemberData(nameof(GarbageBodies))]
    public async Task GarbageBodies_Answer4xx_Never500(string path, string json)
    {
        await using var account = await PasskeyAccount.StartAsync();
        using var browser = account.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await browser.SendAsync(request, csrf: false);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.NotNull((await response.ReadJsonObjectAsync())["code"]);
    }

    [Fact]
    public async Task GarbageCredentials_WithALiveCeremony_Answer4xx_Never500()
    {
        await using var account = await PasskeyAccount.StartAsync();
        await RegisterAsync(account.Owner, account.Authenticator, "Laptop");
        var genuine = account.Authenticator;
        using var browser = account.Server.CreateClient();
        var mutations = new Action<JsonObject>[]
        {
            c => c["response"]!["authenticatorData"] = "AAAA",
            c => c["response"]!["authenticatorData"] = "not base64url!",
            c => c["response"]!["clientDataJSON"] = Base64Url.Encode(Encoding.UTF8.GetBytes("{not json")),
            c => c["response"]!["clientDataJSON"] = Base64Url.Encode(Encoding.UTF8.GetBytes("[]")),
            c => c["response"]!["signature"] = "",
            c => c["response"]!["userHandle"] = "",
            c => c["response"]!["userHandle"] = Base64Url.Encode(Encoding.UTF8.GetBytes("someone else")),
            c => c["type"] = "password",
            c => c["response"] = new JsonArray(),
            c => c.Remove("rawId"),
            c => c["rawId"] = 7,
        };
        foreach (var mutate in mutations)
        {
            var (ceremony, options) = await SignInOptionsAsync(browser);
            var credential = genuine.Get(options, countStep: 1);
            mutate(credential);
            using var response = await browser.PostJsonAsync("api/session/passkey", new { ceremony, credential }, csrf: false);
            Assert.InRange((int)response.StatusCode, 400, 499);
        }

        // Registration with garbage attestation objects.
        var registrationMutations = new Action<JsonObject>[]
        {
            c => c["response"]!["attestationObject"] = "AAAA",
            c => c["response"]!["attestationObject"] = Base64Url.Encode([0xa1, 0x63, 0x66, 0x6d, 0x74, 0x01]),
            c => c["response"]!["clientDataJSON"] = "",
            c => c["id"] = "different",
        };
        foreach (var mutate in registrationMutations)
        {
            var (ceremony, options) = await RegistrationOptionsAsync(account.Owner);
            var credential = genuine.Create(options);
            mutate(credential);
            using var response = await account.Owner.PostJsonAsync("api/passkeys", new { ceremony, name = "Garbage", credential });
            Assert.InRange((int)response.StatusCode, 400, 499);
        }

        using (var noName = await account.Owner.PostJsonAsync("api/passkeys", new { ceremony = "x", name = " ", credential = new { } }))
        {
            await ProblemAssert.IsAsync(noName, HttpStatusCode.BadRequest, "validation_failed");
        }

        using (var longName = await account.Owner.SendAsync(HttpMethod.Patch, "api/passkeys/x", new { name = new string('n', 65) }))
        {
            await ProblemAssert.IsAsync(longName, HttpStatusCode.BadRequest, "validation_failed");
        }
    }

    internal static async Task<JsonObject> RegisterAsync(LatchkeyTestClient owner, SoftwareAuthenticator authenticator, string name)
    {
        var (ceremony, options) = await RegistrationOptionsAsync(owner);
        using var response = await owner.PostJsonAsync("api/passkeys", new { ceremony, name, credential = authenticator.Create(options) });
        var body = await response.ReadJsonObjectAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Registration answered {(int)response.StatusCode}: {body}");
        Assert.Equal(name, body["name"]!.GetValue<string>());
        return body;
    }

    internal static async Task<(string Ceremony, JsonNode Options)> RegistrationOptionsAsync(LatchkeyTestClient owner)
    {
        using var response = await owner.PostJsonAsync("api/passkeys/options", new { });
        return await CeremonyAsync(response);
    }

    internal static async Task<(string Ceremony, JsonNode Options)> SignInOptionsAsync(LatchkeyTestClient client)
    {
        using var response = await client.PostJsonAsync("api/session/passkey/options", new { }, csrf: false);
        return await CeremonyAsync(response);
    }

    internal static async Task<(string Ceremony, JsonNode Options)> SecondFactorOptionsAsync(LatchkeyTestClient client, string challenge)
    {
        using var response = await client.PostJsonAsync("api/session/mfa/passkey/options", new { challenge }, csrf: false);
        return await CeremonyAsync(response);
    }

    private static async Task<(string Ceremony, JsonNode Options)> CeremonyAsync(HttpResponseMessage response)
    {
        var body = await response.ReadJsonObjectAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Options answered {(int)response.StatusCode}: {body}");
        return (body["ceremony"]!.GetValue<string>(), body["options"]!);
    }

    private static async Task<JsonArray> ListAsync(LatchkeyTestClient owner)
    {
        using var response = await owner.GetAsync("api/passkeys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonArrayAsync();
    }

    /// <summary>A server configured for the software authenticator's origin, and a signed-in account.</summary>
    internal sealed record PasskeyAccount(
        LatchkeyTestServer Server, FakeTimeProvider Time, string Email, string Id, LatchkeyTestClient Owner, SoftwareAuthenticator Authenticator) : IAsyncDisposable
    {
        public static async Task<PasskeyAccount> StartAsync(Dictionary<string, string>? settings = null, bool OAuthClient = false)
        {
            var time = MfaTests.NewClock();
            settings ??= [];
            settings["Latchkey:WebAuthn:RelyingPartyId"] = RpId;
            settings["Latchkey:WebAuthn:Origins:0"] = Origin;
            if (OAuthClient)
            {
                OAuth.AddClient(settings);
            }

            var server = await MfaTests.StartAsync(time, settings);
            var email = TestData.NewEmail();
            var owner = server.CreateClient();
            var id = await owner.SignUpAndLoginAsync(email);
            return new PasskeyAccount(server, time, email, id, owner, new SoftwareAuthenticator(Origin));
        }

        public async ValueTask DisposeAsync()
        {
            Authenticator.Dispose();
            Owner.Dispose();
            await Server.DisposeAsync();
        }
    }
}
