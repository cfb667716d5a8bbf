using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>The OpenID Provider metadata (OIDC Discovery 1.0 §3) a certified provider publishes, and the JWKS that verifies ID tokens.</summary>
public sealed class OidcDiscoveryTests(OidcServerFixture fixture) : IClassFixture<OidcServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Discovery_PublishesTheOpenIdProviderFields()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync(".well-known/openid-configuration");
        var body = await response.ReadJsonObjectAsync();
        var issuer = _server.BaseAddress.ToString().TrimEnd('/');

        Assert.Equal(issuer, Text(body, "issuer"));
        Assert.Equal(issuer + "/oauth/authorize", Text(body, "authorization_endpoint"));
        Assert.Equal(issuer + "/oauth/token", Text(body, "token_endpoint"));
        Assert.Equal(issuer + "/oauth/userinfo", Text(body, "userinfo_endpoint"));
        Assert.Equal(issuer + "/.well-known/jwks.json", Text(body, "jwks_uri"));
        Assert.Equal(issuer + "/oauth/logout", Text(body, "end_session_endpoint"));
        Assert.Equal(["code"], List(body, "response_types_supported"));
        Assert.Equal(["public"], List(body, "subject_types_supported"));
        Assert.Equal("RS256", List(body, "id_token_signing_alg_values_supported")[0]);
        Assert.Equal(["S256"], List(body, "code_challenge_methods_supported"));
        Assert.Equal(["none", "login", "consent"], List(body, "prompt_values_supported"));
        Assert.Contains("authorization_code", List(body, "grant_types_supported"));
        Assert.Contains("none", List(body, "token_endpoint_auth_methods_supported"));
        foreach (var scope in new[] { "openid", "profile", "email", "offline_access", "api" })
        {
            Assert.Contains(scope, List(body, "scopes_supported"));
        }

        Assert.DoesNotContain("read", List(body, "scopes_supported"));
        foreach (var claim in new[] { "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "email", "email_verified" })
        {
            Assert.Contains(claim, List(body, "claims_supported"));
        }

        Assert.True(body["authorization_response_iss_parameter_supported"]!.GetValue<bool>());
        Assert.True(body["backchannel_logout_supported"]!.GetValue<bool>());
        Assert.True(body["backchannel_logout_session_supported"]!.GetValue<bool>());
        Assert.False(body["frontchannel_logout_supported"]!.GetValue<bool>());
        Assert.False(body["request_parameter_supported"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Jwks_PublishesAnRs256KeyForIdTokens_BesideTheAccessTokenKey()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync(".well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = (await response.ReadJsonObjectAsync())["keys"]!.AsArray().Select(k => k!["alg"]!.GetValue<string>()).ToList();

        Assert.Contains("RS256", keys);
        Assert.Contains("ES256", keys);
    }

    private static string Text(JsonObject body, string name) => body[name]!.GetValue<string>();

    private static List<string> List(JsonObject body, string name) => body[name]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
}
