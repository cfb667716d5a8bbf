using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0 (the conformance suite's "Back-Channel Logout OP" profile): whichever way a
/// session ends, each client it signed into that registered a back-channel logout URI gets a logout token, off the
/// request path, retried until it is accepted; clients it never signed into get nothing.
/// </summary>
public sealed class BackChannelLogoutTests(LogoutServerFixture fixture) : IClassFixture<LogoutServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task DeleteSession_SendsValidLogoutTokenToEachClientTheSessionSignedInto()
    {
        var (browser, _, userId) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        await fixture.SignInToAsync(browser, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        await fixture.SignInToAsync(browser, LogoutServerFixture.FlakyClient, LogoutServerFixture.FlakyRedirect);
        var sessionId = await browser.CurrentSessionIdAsync();

        using (var logout = await browser.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var rp = await fixture.Receiver.WaitForAsync(p => p.SessionId == sessionId && p.Name == "rp");
        Assert.Equal(1, rp.FormFields);
        var rpToken = await fixture.ValidateLogoutTokenAsync(rp.Token, LogoutServerFixture.RpClient, userId, sessionId);
        Assert.Equal("RS256", rpToken.Alg);

        // The flaky client answered 500 first: the notice was kept and sent again, with a fresh token.
        var refused = await fixture.Receiver.WaitForAsync(p => p.SessionId == sessionId && p.Name == "flaky", accepted: false);
        var accepted = await fixture.Receiver.WaitForAsync(p => p.SessionId == sessionId && p.Name == "flaky");
        Assert.NotEqual(refused.Token, accepted.Token);
        var flakyToken = await fixture.ValidateLogoutTokenAsync(accepted.Token, LogoutServerFixture.FlakyClient, userId, sessionId);
        Assert.Equal("ES256", flakyToken.Alg);

        // Never to a client the session did not sign into, and each accepted notice once.
        await Task.Delay(1500);
        Assert.DoesNotContain(fixture.Receiver.Posts, p => p.SessionId == sessionId && p.Name == "other");
        Assert.Single(fixture.Receiver.Posts, p => p.SessionId == sessionId && p.Name == "rp");
        Assert.Single(fixture.Receiver.Posts, p => p.SessionId == sessionId && p.Name == "flaky" && p.Accepted);
    }

    [Fact]
    public async Task SessionWithoutCodeFlow_EndsWithoutBackChannelLogout()
    {
        var (browser, _, _) = await Oidc.SignedInAsync(_server);
        using var _ = browser;
        var sessionId = await browser.CurrentSessionIdAsync();

        using (var logout = await browser.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        await Task.Delay(1500);
        Assert.DoesNotContain(fixture.Receiver.Posts, p => p.SessionId == sessionId);
    }

    [Fact]
    public async Task DeleteOneSession_SendsLogoutForThatSessionOnly()
    {
        var (first, email, userId) = await Oidc.SignedInAsync(_server);
        using var _ = first;
        using var second = await _server.LoginAsNewClientAsync(email);
        await fixture.SignInToAsync(first, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        await fixture.SignInToAsync(second, LogoutServerFixture.OtherClient, LogoutServerFixture.OtherRedirect);
        var firstId = await first.CurrentSessionIdAsync();
        var secondId = await second.CurrentSessionIdAsync();

        using (var revoke = await first.DeleteAsync("api/sessions/" + secondId))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var post = await fixture.Receiver.WaitForAsync(p => p.SessionId == secondId && p.Name == "other");
        await fixture.ValidateLogoutTokenAsync(post.Token, LogoutServerFixture.OtherClient, userId, secondId);
        await Task.Delay(1000);
        Assert.DoesNotContain(fixture.Receiver.Posts, p => p.SessionId == firstId);
    }

    [Fact]
    public async Task DeleteAllSessions_SendsLogoutForEverySession()
    {
        var (first, email, userId) = await Oidc.SignedInAsync(_server);
        using var _ = first;
        using var second = await _server.LoginAsNewClientAsync(email);
        await fixture.SignInToAsync(first, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        await fixture.SignInToAsync(second, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        var firstId = await first.CurrentSessionIdAsync();
        var secondId = await second.CurrentSessionIdAsync();

        using (var revoke = await first.DeleteAsync("api/sessions"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        foreach (var sessionId in new[] { firstId, secondId })
        {
            var post = await fixture.Receiver.WaitForAsync(p => p.SessionId == sessionId && p.Name == "rp");
            await fixture.ValidateLogoutTokenAsync(post.Token, LogoutServerFixture.RpClient, userId, sessionId);
        }
    }

    [Fact]
    public async Task PasswordChange_SendsLogoutForTheOtherSessions()
    {
        var (first, email, userId) = await Oidc.SignedInAsync(_server);
        using var _ = first;
        using var second = await _server.LoginAsNewClientAsync(email);
        await fixture.SignInToAsync(first, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        await fixture.SignInToAsync(second, LogoutServerFixture.RpClient, LogoutServerFixture.RpRedirect);
        var firstId = await first.CurrentSessionIdAsync();
        var secondId = await second.CurrentSessionIdAsync();

        using (var change = await first.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = "another-password-123" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        var post = await fixture.Receiver.WaitForAsync(p => p.SessionId == secondId && p.Name == "rp");
        await fixture.ValidateLogoutTokenAsync(post.Token, LogoutServerFixture.RpClient, userId, secondId);

        // The session that changed the password lives on, and its client is not told otherwise.
        await Task.Delay(1000);
        Assert.DoesNotContain(fixture.Receiver.Posts, p => p.SessionId == firstId);
        Assert.Equal(HttpStatusCode.OK, await first.MeStatusAsync());
    }
}
