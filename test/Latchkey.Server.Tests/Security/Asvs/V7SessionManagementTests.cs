using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Server.Tests.Tokens;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Security.Asvs;

/// <summary>ASVS 5.0 V7 (session management): what an attacker holding old credentials can still do.</summary>
public sealed class V7SessionManagementTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    // 7.4.1: after logout, no earlier credential of that session resumes it: not the cookie, not the
    // cookie with its CSRF token, not an access token minted from the session.
    [Fact]
    public async Task Logout_ThenEveryEarlierCredentialOfTheSession_IsRefused()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.Cookie!;
        var csrf = client.CsrfToken!;
        using var minted = await client.SendAsync(HttpMethod.Post, "api/session/token");
        var bearer = (await minted.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();
        using (var logout = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using var replay = _server.CreateClient();
        replay.Cookie = cookie;
        replay.CsrfToken = csrf;
        using var me = await replay.GetAsync("api/me");
        using var session = await replay.GetAsync("api/session");
        using var mint = await replay.SendAsync(HttpMethod.Post, "api/session/token");
        using var meWithBearer = await replay.MeAsync(bearer);

        await ProblemAssert.IsAsync(me, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsAsync(session, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsAsync(mint, HttpStatusCode.Unauthorized, "unauthenticated");
        await OAuthAssert.IsInvalidTokenAsync(meWithBearer);
    }

    // 7.2.1: the server decides: a cookie of the right shape that it never issued authenticates nothing,
    // and an answer naming a session is never cached for a later back-button visit.
    [Fact]
    public async Task Session_Answers_AreNotCacheableAndForgedIdsAuthenticateNothing()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var session = await client.GetAsync("api/session");
        var forged = await _server.MeStatusWithCookieAsync($"{SessionClientExtensions.CookieName}={SessionClientExtensions.ForgedSessionId()}");

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal("no-store", session.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, forged);
    }
}
