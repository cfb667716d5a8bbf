using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>DELETE /api/session</c>: logging out ends the server-side session and clears the cookie.</summary>
public sealed class LogoutTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Logout_WithLiveSession_Returns204()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Logout_WithLiveSession_ClearsCookieWithPastExpiry()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        SessionClientExtensions.AssertClearsSessionCookie(response, TimeProvider.System.GetUtcNow());
        var setCookie = LatchkeyTestClient.SessionSetCookie(response)!;
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Logout_ThenOldCookieValue_IsRejectedByMe()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var oldCookie = client.Cookie!;

        using (var response = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using var replay = _server.CreateClient();
        replay.Cookie = oldCookie;
        using var me = await replay.GetAsync("api/me");
        await ProblemAssert.IsAsync(me, HttpStatusCode.Unauthorized, "unauthenticated");
        using var session = await replay.GetAsync("api/session");
        await ProblemAssert.IsAsync(session, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Logout_ThenOldCookieAndCsrfToken_CannotLogOutAgain()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var (oldCookie, oldCsrf) = (client.Cookie!, client.CsrfToken!);
        using (var response = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using var replay = _server.CreateClient();
        replay.Cookie = oldCookie;
        replay.CsrfToken = oldCsrf;
        using var again = await replay.DeleteAsync("api/session");

        await ProblemAssert.IsAsync(again, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Logout_WithOneOfTwoSessions_LeavesTheOtherSessionAlive()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        using var other = await _server.LoginAsNewClientAsync(email);

        using var response = await client.DeleteAsync("api/session");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await other.MeStatusAsync());
        Assert.Single(await other.SessionIdsAsync());
    }

    [Fact]
    public async Task Logout_WithoutCookie_Returns401Problem()
    {
        using var client = _server.CreateClient();

        using var response = await client.DeleteAsync("api/session", csrf: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Logout_ThenLoginAgain_GivesNewWorkingSession()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        var oldCookie = client.Cookie!;
        using (var response = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using var login = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotEqual(oldCookie, client.Cookie);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(oldCookie));
    }
}
