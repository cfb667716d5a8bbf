using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Latchkey.Diagnostics;
using Latchkey.Keys;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests;

/// <summary>
/// The audit trail (docs/security-events.md): each security event, caused over HTTP, is logged once in
/// the <c>Latchkey.Audit</c> category with its stable id and name, the right account, session or family,
/// and the caller's address.
/// </summary>
public sealed class SecurityEventTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private const string Loopback = "127.0.0.1";
    private const string WrongPassword = "not the right password";
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task SignUp_LogsAccountCreatedWithClientIp()
    {
        using var client = _server.CreateClient();
        var id = (await client.RegisterAsync(TestData.NewEmail()))["id"]!.GetValue<string>();

        var created = Single(1501, "AccountCreated", "AccountId", id);
        Assert.Equal(Loopback, created["ClientIp"]);
        Assert.Equal(LogLevel.Information, created.Level);
    }

    [Fact]
    public async Task Login_WithRightPassword_LogsLoginSucceededAndSessionStarted()
    {
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync();
        var sessionId = await client.CurrentSessionIdAsync();

        Assert.Equal(Loopback, Single(1502, "LoginSucceeded", "AccountId", id)["ClientIp"]);
        var started = Single(1505, "SessionStarted", "SessionPublicId", sessionId);
        Assert.Equal(id, started["AccountId"]);
        Assert.Equal(Loopback, started["ClientIp"]);
    }

    [Fact]
    public async Task Login_WithWrongPasswordOrUnknownEmail_LogsLoginFailedWithEachReason()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
        var unknownBefore = Audit("LoginFailed").Count(e => e["Reason"] == "UnknownAccount");

        using (var wrong = await client.LoginAsync(email, WrongPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var unknown = await client.LoginAsync(TestData.NewEmail(), WrongPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        var failed = Single(1503, "LoginFailed", "AccountId", id);
        Assert.Equal("WrongPassword", failed["Reason"]);
        Assert.Equal(Loopback, failed["ClientIp"]);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal(unknownBefore + 1, Audit("LoginFailed").Count(e => e["Reason"] == "UnknownAccount" && e["AccountId"] is null));
    }

    [Fact]
    public async Task Login_AfterRepeatedFailures_LogsThrottledAttemptWithItsCounter()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        var before = Audit("ThrottledAttempt").Count;

        var throttled = false;
        for (var i = 0; i < 10 && !throttled; i++)
        {
            using var response = await client.LoginAsync(email, WrongPassword);
            throttled = response.StatusCode == HttpStatusCode.TooManyRequests;
        }

        Assert.True(throttled, "Ten wrong passwords in a row were never throttled.");
        var events = Audit("ThrottledAttempt");
        Assert.Equal(before + 1, events.Count);
        Assert.Equal(1504, events[^1].EventId.Id);
        Assert.Equal(Loopback, events[^1]["ClientIp"]);
        Assert.Equal("Account", events[^1]["KeyKind"]);
        Assert.True(int.Parse(events[^1]["RetryAfterSeconds"]!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task Logout_LogsSessionEndedAndRevokesItsTokens()
    {
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync();
        var sessionId = await client.CurrentSessionIdAsync();

        using var response = await client.DeleteAsync("api/session");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ended = Single(1506, "SessionEnded", "SessionPublicId", sessionId);
        Assert.Equal(id, ended["AccountId"]);
        Assert.Equal("Logout", ended["Reason"]);
        Assert.Equal(Loopback, ended["ClientIp"]);
        var revoked = Single(1513, "TokenRevoked", "Id", sessionId);
        Assert.Equal("Session", revoked["Kind"]);
        Assert.Equal(Loopback, revoked["ClientIp"]);
    }

    [Fact]
    public async Task RevokeSessionById_LogsSessionEndedRevokedByOwner()
    {
        var email = TestData.NewEmail();
        using var laptop = _server.CreateClient();
        var id = await laptop.SignUpAndLoginAsync(email);
        using var phone = await _server.LoginAsNewClientAsync(email);
        var phoneSession = await phone.CurrentSessionIdAsync();

        using var response = await laptop.DeleteAsync($"api/sessions/{phoneSession}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ended = Single(1506, "SessionEnded", "SessionPublicId", phoneSession);
        Assert.Equal("RevokedByOwner", ended["Reason"]);
        Assert.Equal(id, ended["AccountId"]);
    }

    [Fact]
    public async Task LoginWithLiveCookie_LogsSessionEndedReplacedAtLogin()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        var first = await client.CurrentSessionIdAsync();

        using var again = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("ReplacedAtLogin", Single(1506, "SessionEnded", "SessionPublicId", first)["Reason"]);
    }

    [Fact]
    public async Task LogoutEverywhere_LogsAllSessionsEndedFamiliesAndGeneration()
    {
        var email = TestData.NewEmail();
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync(email);
        var pair = await client.LoginWithTokensAsync(email);
        var familyId = FamilyOf(pair);

        using var response = await client.DeleteAsync("api/sessions");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var all = Single(1507, "AllSessionsEnded", "AccountId", id);
        Assert.Equal("1", all["Count"]);
        Assert.Null(all["KeptSessionPublicId"]);
        Assert.Equal(Loopback, all["ClientIp"]);
        Assert.Equal(id, Single(1512, "RefreshFamilyRevoked", "FamilyId", familyId)["AccountId"]);
        var generation = Single(1513, "TokenRevoked", "Id", id);
        Assert.Equal("UserGeneration", generation["Kind"]);
        Assert.NotEqual("0", generation["Generation"]);
    }

    [Fact]
    public async Task PasswordChange_LogsPasswordChangedKeepingTheCallersSession()
    {
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync();
        var sessionId = await client.CurrentSessionIdAsync();

        using (var refused = await client.PostJsonAsync("api/account/password", new { currentPassword = WrongPassword, newPassword = "a brand new passphrase" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(Loopback, Single(1509, "PasswordChangeRefused", "AccountId", id)["ClientIp"]);
        Assert.DoesNotContain(Audit("PasswordChanged"), e => e["AccountId"] == id);

        using var changed = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(Loopback, Single(1508, "PasswordChanged", "AccountId", id)["ClientIp"]);
        Assert.Equal(sessionId, Single(1507, "AllSessionsEnded", "AccountId", id)["KeptSessionPublicId"]);
    }

    [Fact]
    public async Task PasswordGrant_LogsLoginSucceededAndRefreshFamilyStarted()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        var started = Single(1510, "RefreshFamilyStarted", "FamilyId", FamilyOf(pair));
        Assert.Equal(pair.UserId, started["AccountId"]);
        Assert.Equal(Loopback, started["ClientIp"]);
        Assert.NotNull(started["ClientId"]);
        Assert.Single(Audit("LoginSucceeded"), e => e["AccountId"] == pair.UserId);
    }

    [Fact]
    public async Task RefreshWithSpentToken_LogsRefreshReuseDetectedWithFamily()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        await client.RefreshOkAsync(first);

        using var replay = await client.RefreshAsync(first.RefreshToken!);

        await OAuthAssert.IsErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant");
        var reuse = Single(1511, "RefreshReuseDetected", "FamilyId", FamilyOf(first));
        Assert.Equal(first.UserId, reuse["AccountId"]);
        Assert.Equal(Loopback, reuse["ClientIp"]);
        Assert.Equal(LogLevel.Warning, reuse.Level);
        Assert.Equal("Session", Single(1513, "TokenRevoked", "Id", "rtf_" + FamilyOf(first))["Kind"]);
    }

    [Fact]
    public async Task RevokeEndpoint_LogsTokenRevokedByJtiAndFamilyRevoked()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var jti = Jwt.Payload(pair.AccessToken)["jti"]!.GetValue<string>();

        await client.RevokeAsync(pair.AccessToken);
        await client.RevokeAsync(pair.RefreshToken!);

        var byJti = Single(1513, "TokenRevoked", "Id", jti);
        Assert.Equal("AccessToken", byJti["Kind"]);
        Assert.Equal(Loopback, byJti["ClientIp"]);
        Assert.Equal(Loopback, Single(1512, "RefreshFamilyRevoked", "FamilyId", FamilyOf(pair))["ClientIp"]);
    }

    [Fact]
    public async Task ClientAuthentication_WithWrongSecret_LogsClientAuthenticationFailed()
    {
        using var client = _server.CreateClient();
        var before = Audit("ClientAuthenticationFailed").Count(e => e["ClientId"] == OAuth.ClientId);

        using var response = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (OAuth.ClientId, "a wrong secret of some length"));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        var failures = Audit("ClientAuthenticationFailed").Where(e => e["ClientId"] == OAuth.ClientId).ToList();
        Assert.Equal(before + 1, failures.Count);
        Assert.Equal(1514, failures[^1].EventId.Id);
        Assert.Equal(Loopback, failures[^1]["ClientIp"]);
    }

    [Fact]
    public async Task KeyRotation_LogsKeyRotatedWithKid()
    {
        var keys = _server.App.Services.GetRequiredService<KeyRingManager>();

        await keys.RotateNowAsync(CancellationToken.None);

        var ring = _server.App.Services.GetRequiredService<SigningKeyRing>();
        var newest = ring.Keys[^1];
        var rotated = Single(1515, "KeyRotated", "Kid", newest.Kid);
        Assert.Equal(newest.Material.Algorithm, rotated["Algorithm"]);
        Assert.Equal(newest.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), rotated["Sequence"]);
        Assert.Single(Audit("KeyRotated"), e => e["Sequence"] == "1");
    }

    [Fact]
    public void AuditEvents_HaveDistinctIdsInTheirBlockAndAreDocumented()
    {
        var events = typeof(SecurityAudit).GetMethods()
            .Select(m => (Method: m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();
        var doc = File.ReadAllText(Path.Combine(RepositoryFolder.Root(), "docs", "security-events.md"));

        Assert.True(events.Count >= 15, $"Only {events.Count} audit events.");
        Assert.Equal(events.Count, events.Select(e => e.Attribute!.EventId).Distinct().Count());
        foreach (var (method, attribute) in events)
        {
            Assert.InRange(attribute!.EventId, 1500, 1699);
            Assert.Equal(method, attribute.EventName);
            Assert.Matches(new Regex($@"\| {attribute.EventId} \| `{attribute.EventName}` \| {attribute.Level} \|"), doc);
        }
    }

    private static string FamilyOf(TokenPair pair) => Jwt.Payload(pair.AccessToken)["sid"]!.GetValue<string>()["rtf_".Length..];

    private List<CapturedLogEntry> Audit(string name) =>
        [.. _server.Logs.Entries.Where(e => e.Category == SecurityAudit.Category && e.EventId.Name == name)];

    // Exactly one event of this name names this value; its id is the documented one.
    private CapturedLogEntry Single(int id, string name, string field, string value)
    {
        var entry = Assert.Single(Audit(name), e => e[field] == value);
        Assert.Equal(id, entry.EventId.Id);
        return entry;
    }
}
