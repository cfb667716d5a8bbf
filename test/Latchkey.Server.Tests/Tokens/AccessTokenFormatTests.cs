using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>What an access token carries (RFC 9068): header, claims, and the key it names in the JWKS.</summary>
public sealed class AccessTokenFormatTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task AccessToken_Header_IsAtJwtWithEs256AndPublishedKid()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var jwks = await GetJsonAsync(client, ".well-known/jwks.json");

        var (header, _) = Jwt.Decode(pair.AccessToken);

        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        var kid = header["kid"]!.GetValue<string>();
        var key = Assert.Single(jwks["keys"]!.AsArray(), k => k!["kid"]!.GetValue<string>() == kid)!;
        Assert.Equal("ES256", key["alg"]!.GetValue<string>());
        Assert.Equal("EC", key["kty"]!.GetValue<string>());
        Assert.Equal("P-256", key["crv"]!.GetValue<string>());
        Assert.DoesNotContain("jwk", header.Select(p => p.Key));
        Assert.DoesNotContain("jku", header.Select(p => p.Key));
    }

    [Fact]
    public async Task AccessToken_FromPasswordGrant_CarriesRfc9068Claims()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var discovery = await GetJsonAsync(client, ".well-known/openid-configuration");

        var claims = Jwt.Payload(pair.AccessToken);

        var issuer = discovery["issuer"]!.GetValue<string>();
        Assert.Equal(issuer, claims["iss"]!.GetValue<string>());
        Assert.Equal(pair.UserId, claims["sub"]!.GetValue<string>());
        Assert.Equal(issuer, Audience(claims));
        var iat = claims["iat"]!.GetValue<long>();
        Assert.Equal(600, claims["exp"]!.GetValue<long>() - iat);
        Assert.False(string.IsNullOrEmpty(claims["jti"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(claims["client_id"]!.GetValue<string>()));
        Assert.NotNull(claims["scope"]);
        Assert.False(string.IsNullOrEmpty(claims["sid"]?.GetValue<string>()), "A token minted from a refresh-token family names it in sid.");
        Assert.Equal(pair.Body["expires_in"]!.GetValue<long>(), claims["exp"]!.GetValue<long>() - iat);
    }

    [Fact]
    public async Task AccessToken_EachIssued_HasOwnJti()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);
        var third = await client.LoginWithTokensAsync(first.Email!);

        var ids = new[] { first, second, third }.Select(p => Jwt.Payload(p.AccessToken)["jti"]!.GetValue<string>()).ToList();

        Assert.Equal(3, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task AccessToken_FromSession_CarriesSidOfThatSession()
    {
        using var client = _server.CreateClient();
        var userId = await client.SignUpAndLoginAsync();
        string sessionId;
        using (var current = await client.GetAsync("api/session"))
        {
            sessionId = (await current.ReadJsonObjectAsync())["session"]!["id"]!.GetValue<string>();
        }

        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token");
        var token = (await response.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();

        var (header, claims) = Jwt.Decode(token);
        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal(userId, claims["sub"]!.GetValue<string>());
        Assert.Equal(sessionId, claims["sid"]!.GetValue<string>());
        Assert.Equal(600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        foreach (var name in new[] { "iss", "aud", "jti", "client_id", "scope" })
        {
            Assert.True(claims.ContainsKey(name), $"Missing {name}: {claims.ToJsonString()}");
        }
    }

    private static string Audience(JsonObject claims) => claims["aud"] switch
    {
        JsonArray array => Assert.Single(array)!.GetValue<string>(),
        var value => value!.GetValue<string>(),
    };

    private static async Task<JsonObject> GetJsonAsync(LatchkeyTestClient client, string path)
    {
        using var response = await client.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonObjectAsync();
    }
}
