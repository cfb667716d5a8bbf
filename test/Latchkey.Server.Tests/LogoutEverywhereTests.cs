using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>DELETE /api/sessions</c>: logging out everywhere ends every session of the user, the caller's own included.</summary>
public sealed class LogoutEverywhereTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task LogoutEverywhere_WithThreeSessions_Returns204AndEndsAllOfThem()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email);
        using var third = await _server.LoginAsNewClientAsync(email);
        var callerCookie = caller.Cookie!;

        using var response = await caller.DeleteAsync("api/sessions");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(callerCookie));
        Assert.Equal(HttpStatusCode.Unauthorized, await second.MeStatusAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await third.MeStatusAsync());
    }

    [Fact]
    public async Task LogoutEverywhere_Always_ClearsCallersCookie()
    {
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync();

        using var response = await caller.DeleteAsync("api/sessions");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        SessionClientExtensions.AssertClearsSessionCookie(response, TimeProvider.System.GetUtcNow());
    }

    [Fact]
    public async Task LogoutEverywhere_WithOtherUsersSessions_LeavesThemAlive()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var bystander = _server.CreateClient();
        var bystanderEmail = TestData.NewEmail();
        await bystander.SignUpAndLoginAsync(bystanderEmail);
        using var bystanderSecond = await _server.LoginAsNewClientAsync(bystanderEmail);

        using var response = await caller.DeleteAsync("api/sessions");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await bystander.MeStatusAsync());
        Assert.Equal(HttpStatusCode.OK, await bystanderSecond.MeStatusAsync());
        Assert.Equal(2, (await bystander.SessionIdsAsync()).Length);
    }

    [Fact]
    public async Task LogoutEverywhere_ThenLoginAgain_ListsOnlyTheNewSession()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email);
        using (var response = await caller.DeleteAsync("api/sessions"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using var fresh = await _server.LoginAsNewClientAsync(email);

        Assert.Equal([await fresh.CurrentSessionIdAsync()], await fresh.SessionIdsAsync());
    }

    [Fact]
    public async Task LogoutEverywhere_WithoutCookie_Returns401Problem()
    {
        using var owner = _server.CreateClient();
        await owner.SignUpAndLoginAsync();
        using var anonymous = _server.CreateClient();

        using var response = await anonymous.DeleteAsync("api/sessions", csrf: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(HttpStatusCode.OK, await owner.MeStatusAsync());
    }
}
