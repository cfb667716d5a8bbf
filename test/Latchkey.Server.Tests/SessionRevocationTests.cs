using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>DELETE /api/sessions/{id}</c>: ending one of one's own sessions, and only one's own.</summary>
public sealed class SessionRevocationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task RevokeSession_OtherOwnSession_Returns204AndItsCookieStopsWorking()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var other = await _server.LoginAsNewClientAsync(email);
        var otherId = await other.CurrentSessionIdAsync();

        using var response = await caller.DeleteAsync($"api/sessions/{otherId}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        using var me = await other.GetAsync("api/me");
        await ProblemAssert.IsAsync(me, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RevokeSession_OtherOwnSession_LeavesCallerAliveAndListsOneSession()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var other = await _server.LoginAsNewClientAsync(email);
        var otherId = await other.CurrentSessionIdAsync();

        using var response = await caller.DeleteAsync($"api/sessions/{otherId}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await caller.MeStatusAsync());
        Assert.Equal([await caller.CurrentSessionIdAsync()], await caller.SessionIdsAsync());
    }

    [Fact]
    public async Task RevokeSession_SameIdTwice_SecondTimeReturns404()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var other = await _server.LoginAsNewClientAsync(email);
        var otherId = await other.CurrentSessionIdAsync();
        using (var first = await caller.DeleteAsync($"api/sessions/{otherId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using var second = await caller.DeleteAsync($"api/sessions/{otherId}");

        await ProblemAssert.IsAsync(second, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task RevokeSession_OwnCurrentSession_Returns204ClearsCookieAndEndsIt()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var id = await client.CurrentSessionIdAsync();
        var cookie = client.Cookie!;

        using var response = await client.DeleteAsync($"api/sessions/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        SessionClientExtensions.AssertClearsSessionCookie(response, TimeProvider.System.GetUtcNow());
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task RevokeSession_UnknownId_Returns404Problem(string id)
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync($"api/sessions/{id}");

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task RevokeSession_OtherUsersSessionId_Returns404Problem()
    {
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync();
        using var victim = _server.CreateClient();
        await victim.SignUpAndLoginAsync();
        var victimId = await victim.CurrentSessionIdAsync();

        using var response = await caller.DeleteAsync($"api/sessions/{victimId}");

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task RevokeSession_OtherUsersSessionId_LeavesThatSessionAlive()
    {
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync();
        using var victim = _server.CreateClient();
        await victim.SignUpAndLoginAsync();
        var victimId = await victim.CurrentSessionIdAsync();

        using var response = await caller.DeleteAsync($"api/sessions/{victimId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await victim.MeStatusAsync());
        Assert.Equal([victimId], await victim.SessionIdsAsync());
    }

    [Fact]
    public async Task RevokeSession_BySessionCookieValueInsteadOfId_Returns404AndEndsNothing()
    {
        // The path takes the public id; the secret cookie value must not work as a handle either.
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        await caller.SignUpAndLoginAsync(email);
        using var other = await _server.LoginAsNewClientAsync(email);

        using var response = await caller.DeleteAsync($"api/sessions/{other.CookieValue()}");

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, await other.MeStatusAsync());
    }

    [Fact]
    public async Task RevokeSession_WithoutCookie_Returns401Problem()
    {
        using var owner = _server.CreateClient();
        await owner.SignUpAndLoginAsync();
        var id = await owner.CurrentSessionIdAsync();
        using var anonymous = _server.CreateClient();

        using var response = await anonymous.DeleteAsync($"api/sessions/{id}", csrf: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(HttpStatusCode.OK, await owner.MeStatusAsync());
    }
}
