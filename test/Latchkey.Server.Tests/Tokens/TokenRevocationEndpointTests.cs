using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary><c>POST /oauth/revoke</c> (RFC 7009): 200 for any token value, and what a revocation ends.</summary>
public sealed class TokenRevocationEndpointTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> UnknownTokens => new()
    {
        { "WellFormedUnknownRefreshToken", "lk_rt_" + Latchkey.Security.RandomTokens.Create(32) },
        { "Garbage", "garbage" },
        { "OddLengthSegments", "a.b.c" },
        { "JwtShapedGarbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." },
        { "VeryLong", new string('a', 10_000) },
        { "NonAscii", "tökén\u2028\uFFFF" },
        { "NulCharacter", "abc\0def" },
        { "OnlyNul", "\0" },
        { "RefreshTokenPrefixThenNul", "lk_rt_\0" },
    };

    [Theory]
    [MemberData(nameof(UnknownTokens))]
    public async Task Revoke_WithUnknownToken_Returns200(string name, string token)
    {
        _ = name;
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/revoke", [("token", token)]);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Revoke answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("something_else")]
    public async Task Revoke_WithAnyTokenTypeHint_Returns200(string hint)
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.PostFormAsync("oauth/revoke", [("token", pair.AccessToken), ("token_type_hint", hint)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Revoke_WithoutTokenParameter_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/revoke", [("token_type_hint", "access_token")]);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Revoke_AsJson_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/revoke")
        {
            Content = new StringContent("""{"token":"x"}""", System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await client.Http.SendAsync(request);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Revoke_AccessToken_MeRefusesItAtOnceWithInvalidTokenChallenge()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));

        await client.RevokeAsync(pair.AccessToken);

        using var me = await client.MeAsync(pair.AccessToken);
        await OAuthAssert.IsInvalidTokenAsync(me);
    }

    [Fact]
    public async Task Revoke_AccessToken_LeavesOtherTokensOfFamilyWorking()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);

        await client.RevokeAsync(second.AccessToken);

        Assert.False(await client.IsAcceptedAsync(second.AccessToken));
        Assert.True(await client.IsAcceptedAsync(first.AccessToken));
        await client.RefreshOkAsync(second);
    }

    [Fact]
    public async Task Revoke_AlreadyRevokedAccessToken_Returns200Again()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        await client.RevokeAsync(pair.AccessToken);

        await client.RevokeAsync(pair.AccessToken);

        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Revoke_RefreshToken_NoLongerRefreshesAndFamilyAccessTokensFail()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        await client.RevokeAsync(pair.RefreshToken!);

        using var refresh = await client.RefreshAsync(pair.RefreshToken!);
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Revoke_AlreadyRevokedOrSpentRefreshToken_Returns200()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);
        await client.RevokeAsync(second.RefreshToken!);

        await client.RevokeAsync(second.RefreshToken!);
        await client.RevokeAsync(first.RefreshToken!);

        using var refresh = await client.RefreshAsync(second.RefreshToken!);
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Revoke_ClientAccessToken_MeRefusesIt()
    {
        using var client = _server.CreateClient();
        var pair = await TokenPair.ReadAsync(await client.ClientCredentialsAsync());

        using (var response = await client.PostFormAsync("oauth/revoke", [("token", pair.AccessToken)], (OAuth.ClientId, OAuth.ClientSecret)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Revoke_WithWrongClientSecret_Returns401InvalidClientAndRevokesNothing()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.PostFormAsync("oauth/revoke", [("token", pair.AccessToken)], (OAuth.ClientId, "not-the-secret-of-the-client"));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
    }
}
