using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// Each way of ending access before expiry makes a previously accepted token fail at once: log out
/// everywhere, password change and session end (the revoke endpoint has its own class). Tokens obtained
/// after the call has answered work, even within the same second.
/// </summary>
public sealed class AccessTokenRevocationPathTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private const string NewPassword = "a brand new passphrase";
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task LogOutEverywhere_WithSession_RefusesEveryEarlierTokenAndRefreshToken()
    {
        var email = TestData.NewEmail();
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync(email);
        var sessionToken = await SessionTokenExchangeTests.MintAsync(browser);
        var phone = await browser.LoginWithTokensAsync(email);
        var laptop = await browser.LoginWithTokensAsync(email);
        var laptopRotated = await browser.RefreshOkAsync(laptop);
        foreach (var token in new[] { sessionToken, phone.AccessToken, laptopRotated.AccessToken })
        {
            Assert.True(await browser.IsAcceptedAsync(token));
        }

        using (var response = await browser.DeleteAsync("api/sessions"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        foreach (var token in new[] { sessionToken, phone.AccessToken, laptop.AccessToken, laptopRotated.AccessToken })
        {
            Assert.False(await browser.IsAcceptedAsync(token), "An access token issued before log-out-everywhere still works.");
        }

        foreach (var refreshToken in new[] { phone.RefreshToken!, laptopRotated.RefreshToken! })
        {
            using var refresh = await browser.RefreshAsync(refreshToken);
            await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        }
    }

    [Fact]
    public async Task LogOutEverywhere_WithBearerAndNoCsrf_Returns204AndRefusesEarlierTokens()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.LoginWithTokensAsync(first.Email!);
        using var browser = _server.CreateClient();
        (await browser.LoginAsync(first.Email!)).Dispose();

        using (var response = await client.SendAsync(HttpMethod.Delete, "api/sessions", csrf: false, bearer: first.AccessToken, cookie: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.False(await client.IsAcceptedAsync(first.AccessToken));
        Assert.False(await client.IsAcceptedAsync(second.AccessToken));
        using (var refresh = await client.RefreshAsync(second.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using var me = await browser.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task LogOutEverywhere_TokenObtainedRightAfter_WorksEvenInSameSecond()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        for (var i = 0; i < 8; i++)
        {
            using (var response = await client.SendAsync(HttpMethod.Delete, "api/sessions", csrf: false, bearer: pair.AccessToken, cookie: false))
            {
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }

            Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
            var previous = pair;
            pair = await client.LoginWithTokensAsync(previous.Email!) with { UserId = previous.UserId };

            Assert.True(await client.IsAcceptedAsync(pair.AccessToken), $"Round {i}: a token issued after log-out-everywhere answered is refused.");
            var refreshed = await client.RefreshOkAsync(pair);
            Assert.True(await client.IsAcceptedAsync(refreshed.AccessToken), $"Round {i}: its refresh is refused.");
            pair = refreshed;
        }
    }

    [Fact]
    public async Task LogOutEverywhere_SessionTokenMintedRightAfterNewLogin_Works()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);

        for (var i = 0; i < 5; i++)
        {
            var before = await SessionTokenExchangeTests.MintAsync(client);
            using (var response = await client.DeleteAsync("api/sessions"))
            {
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }

            (await client.LoginAsync(email)).Dispose();
            var after = await SessionTokenExchangeTests.MintAsync(client);

            Assert.False(await client.IsAcceptedAsync(before));
            Assert.True(await client.IsAcceptedAsync(after), $"Round {i}: a session token minted after log-out-everywhere is refused.");
        }
    }

    [Fact]
    public async Task ChangePassword_WithBearerAndNoCsrf_Returns204AndRefusesEarlierTokens()
    {
        using var client = _server.CreateClient();
        var caller = await client.SignUpWithTokensAsync();
        var other = await client.LoginWithTokensAsync(caller.Email!);
        using var browser = _server.CreateClient();
        (await browser.LoginAsync(caller.Email!)).Dispose();
        var sessionToken = await SessionTokenExchangeTests.MintAsync(browser);

        using (var response = await client.SendAsync(
            HttpMethod.Post, "api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }, csrf: false, bearer: caller.AccessToken, cookie: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        foreach (var token in new[] { caller.AccessToken, other.AccessToken, sessionToken })
        {
            Assert.False(await client.IsAcceptedAsync(token), "An access token issued before the password change still works.");
        }

        foreach (var refreshToken in new[] { caller.RefreshToken!, other.RefreshToken! })
        {
            using var refresh = await client.RefreshAsync(refreshToken);
            await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using (var me = await browser.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        using (var oldPassword = await client.PasswordGrantAsync(caller.Email!))
        {
            await OAuthAssert.IsErrorAsync(oldPassword, HttpStatusCode.BadRequest, "invalid_grant");
        }

        var fresh = await client.LoginWithTokensAsync(caller.Email!, NewPassword);
        Assert.True(await client.IsAcceptedAsync(fresh.AccessToken));
    }

    [Fact]
    public async Task ChangePassword_WithSession_RefusesEarlierTokensButKeepsCallerSession()
    {
        var email = TestData.NewEmail();
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync(email);
        var mintedBefore = await SessionTokenExchangeTests.MintAsync(browser);
        var app = await browser.LoginWithTokensAsync(email);

        using (var response = await browser.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.False(await browser.IsAcceptedAsync(mintedBefore));
        Assert.False(await browser.IsAcceptedAsync(app.AccessToken));
        using (var refresh = await browser.RefreshAsync(app.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using (var me = await browser.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        var mintedAfter = await SessionTokenExchangeTests.MintAsync(browser);
        Assert.True(await browser.IsAcceptedAsync(mintedAfter), "A token minted right after the password change is refused.");
    }

    [Fact]
    public async Task ChangePassword_WithBearerAndWrongCurrentPassword_Returns400AndRevokesNothing()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using (var response = await client.SendAsync(
            HttpMethod.Post, "api/account/password", new { currentPassword = "not the password", newPassword = NewPassword }, csrf: false, bearer: pair.AccessToken, cookie: false))
        {
            await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_current_password");
        }

        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
        await client.RefreshOkAsync(pair);
    }

    [Fact]
    public async Task ChangePassword_WithClientToken_IsRefusedWithout5xx()
    {
        using var client = _server.CreateClient();
        var pair = await TokenPair.ReadAsync(await client.ClientCredentialsAsync());

        using var response = await client.SendAsync(
            HttpMethod.Post, "api/account/password", new { currentPassword = "whatever it is", newPassword = NewPassword }, csrf: false, bearer: pair.AccessToken, cookie: false);

        ProblemDetailsAssert.IsClientError(response);
        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task EndSession_ById_RefusesTokensMintedFromItOnly()
    {
        var email = TestData.NewEmail();
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync(email);
        var minted = await SessionTokenExchangeTests.MintAsync(browser);
        var app = await browser.LoginWithTokensAsync(email);
        string sessionId;
        using (var current = await browser.GetAsync("api/session"))
        {
            sessionId = (await current.ReadJsonObjectAsync())["session"]!["id"]!.GetValue<string>();
        }

        using (var response = await browser.DeleteAsync("api/sessions/" + sessionId))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.False(await browser.IsAcceptedAsync(minted));
        Assert.True(await browser.IsAcceptedAsync(app.AccessToken));
        await browser.RefreshOkAsync(app);
    }

    [Fact]
    public async Task EndSession_WithBearerMintedFromIt_RefusesThatBearerAfterwards()
    {
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync();
        var minted = await SessionTokenExchangeTests.MintAsync(browser);
        string sessionId;
        using (var current = await browser.GetAsync("api/session"))
        {
            sessionId = (await current.ReadJsonObjectAsync())["session"]!["id"]!.GetValue<string>();
        }

        using (var response = await browser.SendAsync(HttpMethod.Delete, "api/sessions/" + sessionId, csrf: false, bearer: minted, cookie: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.False(await browser.IsAcceptedAsync(minted));
        using var me = await browser.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }
}
