using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary><c>POST /api/session/token</c>: a short-lived access token minted from the live session, CSRF-protected.</summary>
public sealed class SessionTokenExchangeTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task MintToken_WithSessionAndCsrfToken_Returns200AccessTokenOnlyWithNoStore()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(["access_token", "expires_in", "token_type"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(600, body["expires_in"]!.GetValue<int>());
        Assert.Equal("at+jwt", Jwt.Decode(body["access_token"]!.GetValue<string>()).Header["typ"]!.GetValue<string>());
    }

    [Fact]
    public async Task MintToken_Token_IsAcceptedByMeAsBearer()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var userId = await client.SignUpAndLoginAsync(email);
        var token = await MintAsync(client);

        using var me = await client.MeAsync(token);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.ReadJsonObjectAsync();
        Assert.Equal(userId, body["id"]!.GetValue<string>());
        Assert.Equal(email, body["email"]!.GetValue<string>());
        Assert.Equal("bearer", body["authMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task MintToken_WithoutCsrfToken_Returns403AndMintsNothing()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token", csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintToken_WithWrongCsrfToken_Returns403()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        client.CsrfToken = Latchkey.Security.RandomTokens.Create(32);

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
    }

    [Fact]
    public async Task MintToken_FromForeignOrigin_Returns403()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token", origin: "https://evil.example");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
    }

    [Fact]
    public async Task MintToken_WithoutSession_Returns401()
    {
        using var client = _server.CreateClient();

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token", csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task MintToken_AfterLogout_Returns401()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.Cookie;
        (await client.DeleteAsync("api/session")).Dispose();
        client.Cookie = cookie;

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task MintToken_WithBearerTokenInsteadOfSession_Returns401()
    {
        // The exchange turns a session into a token; a token cannot mint itself a fresh one.
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token", csrf: false, bearer: pair.AccessToken, cookie: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionToken_AfterLogout_IsRefused()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var token = await MintAsync(client);
        Assert.True(await client.IsAcceptedAsync(token));

        using (var logout = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.False(await client.IsAcceptedAsync(token));
    }

    [Fact]
    public async Task SessionToken_AfterItsSessionIsEndedFromAnother_IsRefused()
    {
        var email = TestData.NewEmail();
        using var laptop = _server.CreateClient();
        await laptop.SignUpAndLoginAsync(email);
        var token = await MintAsync(laptop);
        using var phone = _server.CreateClient();
        (await phone.LoginAsync(email)).Dispose();
        string laptopSessionId;
        using (var current = await laptop.GetAsync("api/session"))
        {
            laptopSessionId = (await current.ReadJsonObjectAsync())["session"]!["id"]!.GetValue<string>();
        }

        using (var end = await phone.DeleteAsync("api/sessions/" + laptopSessionId))
        {
            Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        }

        Assert.False(await phone.IsAcceptedAsync(token));
        var phoneToken = await MintAsync(phone);
        Assert.True(await phone.IsAcceptedAsync(phoneToken));
    }

    [Fact]
    public async Task SessionToken_OfOtherSession_SurvivesLogoutOfThisOne()
    {
        var email = TestData.NewEmail();
        using var laptop = _server.CreateClient();
        await laptop.SignUpAndLoginAsync(email);
        using var phone = _server.CreateClient();
        (await phone.LoginAsync(email)).Dispose();
        var phoneToken = await MintAsync(phone);

        (await laptop.DeleteAsync("api/session")).Dispose();

        Assert.True(await phone.IsAcceptedAsync(phoneToken));
    }

    [Fact]
    public async Task MintToken_Twice_GivesDistinctTokensBothValid()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        var first = await MintAsync(client);
        var second = await MintAsync(client);

        Assert.NotEqual(first, second);
        Assert.True(await client.IsAcceptedAsync(first));
        Assert.True(await client.IsAcceptedAsync(second));
    }

    internal static async Task<string> MintAsync(LatchkeyTestClient client)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Minting answered {(int)response.StatusCode}: {text}");
        return System.Text.Json.Nodes.JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
    }
}
