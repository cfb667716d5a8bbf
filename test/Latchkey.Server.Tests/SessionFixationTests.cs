using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Session fixation: a session id the client brought before login (planted by an attacker, or left
/// from an earlier login) is never the session after login.
/// </summary>
public sealed class SessionFixationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Login_WithForgedCookie_IssuesDifferentSessionId()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        var forged = SessionClientExtensions.ForgedSessionId();
        client.Cookie = $"{SessionClientExtensions.CookieName}={forged}";

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(LatchkeyTestClient.SessionSetCookie(response));
        Assert.NotEqual(forged, client.CookieValue());
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Login_WithForgedCookie_ForgedValueStaysUnauthenticated()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        var forgedCookie = $"{SessionClientExtensions.CookieName}={SessionClientExtensions.ForgedSessionId()}";
        client.Cookie = forgedCookie;

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(forgedCookie));
    }

    [Fact]
    public async Task Login_WithPreviouslyValidCookie_IssuesDifferentSessionId()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        var before = client.CookieValue();

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before, client.CookieValue());
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Login_WithPreviouslyValidCookie_EndsTheOldSession()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        var oldCookie = client.Cookie!;
        var oldId = await client.CurrentSessionIdAsync();

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(oldCookie));
        var ids = await client.SessionIdsAsync();
        Assert.DoesNotContain(oldId, ids);
        Assert.Single(ids);
    }

    [Fact]
    public async Task Login_WithPreviouslyValidCookie_ChangesCsrfToken()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        var oldCsrf = client.CsrfToken!;

        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(oldCsrf, client.CsrfToken);
        using var stale = await client.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/session", oldCsrf);
        await ProblemAssert.IsAsync(stale, HttpStatusCode.Forbidden, "csrf_token_invalid");
    }

    [Fact]
    public async Task Login_VictimWithAttackersPlantedCookie_AttackerCannotRideVictimsSession()
    {
        // The attacker logs in as themself and plants that session's cookie in the victim's browser.
        using var attacker = _server.CreateClient();
        await attacker.SignUpAndLoginAsync();
        var planted = attacker.Cookie!;
        using var victim = _server.CreateClient();
        var victimEmail = TestData.NewEmail();
        await victim.RegisterAsync(victimEmail);
        victim.Cookie = planted;

        using var response = await victim.LoginAsync(victimEmail);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(planted, victim.Cookie);
        using var me = await victim.GetAsync("api/me");
        Assert.Equal(victimEmail, (await me.ReadJsonObjectAsync())["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(planted));
    }

    [Fact]
    public async Task Login_TwiceWithoutCookie_IssuesDistinctWellFormedIds()
    {
        var email = TestData.NewEmail();
        using var first = _server.CreateClient();
        await first.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email);

        Assert.NotEqual(first.CookieValue(), second.CookieValue());
        Assert.NotEqual(first.CsrfToken, second.CsrfToken);
        foreach (var value in new[] { first.CookieValue(), second.CookieValue() })
        {
            // At least 128 bits: 22 or more base64url characters.
            Assert.Matches("^[A-Za-z0-9_-]{22,}$", value);
        }
    }
}
