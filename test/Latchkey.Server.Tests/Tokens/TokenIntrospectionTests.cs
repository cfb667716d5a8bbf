using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary><c>POST /oauth/introspect</c> (RFC 7662) for registered clients.</summary>
public sealed class TokenIntrospectionTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Introspect_WithoutClientAuthentication_Returns401InvalidClient()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var anonymous = await client.PostFormAsync("oauth/introspect", [("token", pair.AccessToken)]);
        using var idOnly = await client.PostFormAsync("oauth/introspect", [("token", pair.AccessToken), ("client_id", OAuth.ClientId)]);
        using var wrongSecret = await client.PostFormAsync("oauth/introspect", [("token", pair.AccessToken)], (OAuth.ClientId, "not-the-secret-of-the-client"));

        var body = await OAuthAssert.IsErrorAsync(anonymous, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.False(body.ContainsKey("active"));
        await OAuthAssert.IsErrorAsync(idOnly, HttpStatusCode.Unauthorized, "invalid_client");
        await OAuthAssert.IsErrorAsync(wrongSecret, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Introspect_WithoutTokenParameter_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/introspect", [("token_type_hint", "access_token")], (OAuth.ClientId, OAuth.ClientSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Introspect_LiveAccessToken_IsActiveWithSubClientScopeAndExp()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var claims = Jwt.Payload(pair.AccessToken);

        var body = await client.IntrospectAsync(pair.AccessToken);

        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal(pair.UserId, body["sub"]!.GetValue<string>());
        Assert.Equal(claims["client_id"]!.GetValue<string>(), body["client_id"]!.GetValue<string>());
        Assert.Equal(claims["scope"]!.GetValue<string>(), body["scope"]!.GetValue<string>());
        Assert.Equal(claims["exp"]!.GetValue<long>(), body["exp"]!.GetValue<long>());
        Assert.Equal(claims["iss"]!.GetValue<string>(), body["iss"]!.GetValue<string>());
    }

    [Fact]
    public async Task Introspect_LiveClientToken_IsActiveWithClientAsSubject()
    {
        using var client = _server.CreateClient();
        var pair = await TokenPair.ReadAsync(await client.ClientCredentialsAsync("read"));

        var body = await client.IntrospectAsync(pair.AccessToken);

        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal(OAuth.ClientId, body["sub"]!.GetValue<string>());
        Assert.Equal(OAuth.ClientId, body["client_id"]!.GetValue<string>());
        Assert.Equal("read", body["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task Introspect_LiveRefreshToken_IsActiveWithSubClientScopeAndExp()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var claims = Jwt.Payload(pair.AccessToken);

        var body = await client.IntrospectAsync(pair.RefreshToken!);

        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal(pair.UserId, body["sub"]!.GetValue<string>());
        Assert.Equal(claims["client_id"]!.GetValue<string>(), body["client_id"]!.GetValue<string>());
        Assert.Equal(claims["scope"]!.GetValue<string>(), body["scope"]!.GetValue<string>());
        Assert.True(body["exp"]!.GetValue<long>() > claims["exp"]!.GetValue<long>(), "A refresh token outlives the access token.");
    }

    [Fact]
    public async Task Introspect_ByFormClientCredentials_Works()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.PostFormAsync(
            "oauth/introspect", [("token", pair.AccessToken), ("client_id", OAuth.ClientId), ("client_secret", OAuth.ClientSecret)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.ReadJsonObjectAsync())["active"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("abcde.abcde.abcde")]
    [InlineData("lk_rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.")]
    public async Task Introspect_UnknownToken_IsOnlyInactive(string token)
    {
        using var client = _server.CreateClient();

        var body = await client.IntrospectAsync(token);

        Assert.Equal("""{"active":false}""", body.ToJsonString());
    }

    [Fact]
    public async Task Introspect_RevokedAccessToken_IsOnlyInactive()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        await client.RevokeAsync(pair.AccessToken);

        var body = await client.IntrospectAsync(pair.AccessToken);

        Assert.Equal("""{"active":false}""", body.ToJsonString());
    }

    [Fact]
    public async Task Introspect_RevokedOrSpentRefreshToken_IsOnlyInactive()
    {
        using var client = _server.CreateClient();
        var spent = await client.SignUpWithTokensAsync();
        var successor = await client.RefreshOkAsync(spent);
        var revoked = await client.LoginWithTokensAsync(spent.Email!);
        await client.RevokeAsync(revoked.RefreshToken!);

        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(spent.RefreshToken!)).ToJsonString());
        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(revoked.RefreshToken!)).ToJsonString());
        Assert.True((await client.IntrospectAsync(successor.RefreshToken!))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Introspect_TokenOfAnotherServer_IsOnlyInactive()
    {
        var options = new TestServerOptions();
        OAuth.AddClient(options.Settings);
        await using var other = await LatchkeyTestServer.StartAsync(options);
        using var otherClient = other.CreateClient();
        var foreign = await otherClient.SignUpWithTokensAsync();
        Assert.True((await otherClient.IntrospectAsync(foreign.AccessToken))["active"]!.GetValue<bool>());
        using var client = _server.CreateClient();

        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(foreign.AccessToken)).ToJsonString());
        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(foreign.RefreshToken!)).ToJsonString());
        Assert.False(await client.IsAcceptedAsync(foreign.AccessToken));
    }
}
