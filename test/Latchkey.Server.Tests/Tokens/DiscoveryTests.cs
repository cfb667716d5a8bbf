using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>The discovery documents (RFC 8414 and OpenID Connect Discovery) and the JWKS (RFC 7517).</summary>
public sealed class DiscoveryTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string> Documents => new() { ".well-known/openid-configuration", ".well-known/oauth-authorization-server" };

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Discovery_Document_NamesIssuerEndpointsGrantsAndAuthMethods(string path)
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonObjectAsync();
        var issuer = body["issuer"]!.GetValue<string>();
        Assert.Equal(_server.BaseAddress.ToString().TrimEnd('/'), issuer);
        Assert.Equal(issuer + "/oauth/token", body["token_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/.well-known/jwks.json", body["jwks_uri"]!.GetValue<string>());
        Assert.Equal(issuer + "/oauth/revoke", body["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal(issuer + "/oauth/introspect", body["introspection_endpoint"]!.GetValue<string>());
        var grants = body["grant_types_supported"]!.AsArray().Select(g => g!.GetValue<string>()).ToList();
        Assert.Contains("password", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("client_credentials", grants);
        var methods = body["token_endpoint_auth_methods_supported"]!.AsArray().Select(g => g!.GetValue<string>()).ToList();
        Assert.Contains("client_secret_basic", methods);
        Assert.Contains("client_secret_post", methods);
    }

    [Fact]
    public async Task Discovery_BothDocuments_AreIdentical()
    {
        using var client = _server.CreateClient();

        var openId = await client.Http.GetStringAsync(".well-known/openid-configuration");
        var oauth = await client.Http.GetStringAsync(".well-known/oauth-authorization-server");

        Assert.Equal(openId, oauth);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    [InlineData(".well-known/jwks.json")]
    public async Task WellKnown_Document_IsCacheableWithMaxAge(string path)
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cacheControl = response.Headers.CacheControl;
        Assert.NotNull(cacheControl);
        Assert.False(cacheControl.NoStore);
        Assert.True(cacheControl.MaxAge > TimeSpan.Zero, $"Cache-Control: {cacheControl}");
    }

    [Fact]
    public async Task Discovery_WithForgedHostHeader_KeepsConfiguredIssuer()
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, ".well-known/openid-configuration");
        request.Headers.Host = "evil.example";

        using var response = await client.Http.SendAsync(request);

        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(_server.BaseAddress.ToString().TrimEnd('/'), body["issuer"]!.GetValue<string>());
        Assert.DoesNotContain("evil.example", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwks_Keys_HaveKidAlgSigUseAndNoPrivateMembers()
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.GetAsync(".well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var keys = (await response.ReadJsonObjectAsync())["keys"]!.AsArray();
        Assert.NotEmpty(keys);
        foreach (var key in keys.Select(k => k!.AsObject()))
        {
            Assert.False(string.IsNullOrEmpty(key["kid"]?.GetValue<string>()), key.ToJsonString());
            Assert.False(string.IsNullOrEmpty(key["alg"]?.GetValue<string>()), key.ToJsonString());
            Assert.Equal("sig", key["use"]?.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(key["kty"]?.GetValue<string>()), key.ToJsonString());
            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "k", "oth" })
            {
                Assert.False(key.ContainsKey(secret), $"The JWKS publishes the private member '{secret}': {key.ToJsonString()}");
            }
        }

        Assert.Equal(keys.Count, keys.Select(k => k!["kid"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count());
    }
}
