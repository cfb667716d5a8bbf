using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary><c>Latchkey:Keys:Algorithm</c>: each selectable algorithm signs tokens the server accepts, published with the matching key type.</summary>
public sealed class SigningAlgorithmTests
{
    public static TheoryData<string, string, string?> Algorithms => new()
    {
        { "EdDSA", "OKP", "Ed25519" },
        { "RS256", "RSA", null },
        { "PS256", "RSA", null },
        { "ES256", "EC", "P-256" },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Server_WithAlgorithm_IssuesTokensOfItThatMeAccepts(string algorithm, string keyType, string? curve)
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Keys:Algorithm"] = algorithm;
        OAuth.AddClient(options.Settings);
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();

        var pair = await client.SignUpWithTokensAsync();
        var clientToken = await TokenPair.ReadAsync(await client.ClientCredentialsAsync());
        await client.SignUpAndLoginAsync();
        var sessionToken = await SessionTokenExchangeTests.MintAsync(client);

        foreach (var token in new[] { pair.AccessToken, clientToken.AccessToken, sessionToken })
        {
            var header = Jwt.Decode(token).Header;
            Assert.Equal(algorithm, header["alg"]!.GetValue<string>());
            Assert.True(await client.IsAcceptedAsync(token), $"A {algorithm} token is refused.");
        }

        var refreshed = await client.RefreshOkAsync(pair);
        Assert.True(await client.IsAcceptedAsync(refreshed.AccessToken));
        Assert.True((await client.IntrospectAsync(pair.AccessToken))["active"]!.GetValue<bool>());

        using var jwks = await client.Http.GetAsync(".well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        var kid = Jwt.Decode(pair.AccessToken).Header["kid"]!.GetValue<string>();
        var key = Assert.Single((await jwks.ReadJsonObjectAsync())["keys"]!.AsArray(), k => k!["kid"]!.GetValue<string>() == kid)!.AsObject();
        Assert.Equal(algorithm, key["alg"]!.GetValue<string>());
        Assert.Equal(keyType, key["kty"]!.GetValue<string>());
        Assert.Equal("sig", key["use"]!.GetValue<string>());
        if (curve is not null)
        {
            Assert.Equal(curve, key["crv"]!.GetValue<string>());
        }

        if (keyType == "RSA")
        {
            Assert.True(System.Buffers.Text.Base64Url.DecodeFromChars(key["n"]!.GetValue<string>()).Length >= 256, "RSA keys are at least 2048 bits.");
            Assert.False(string.IsNullOrEmpty(key["e"]?.GetValue<string>()));
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(key["x"]?.GetValue<string>()));
        }

        foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.False(key.ContainsKey(secret), $"The {algorithm} JWK publishes '{secret}'.");
        }

        using var discovery = await client.Http.GetAsync(".well-known/openid-configuration");
        var algorithms = (await discovery.ReadJsonObjectAsync())["access_token_signing_alg_values_supported"]?.AsArray().Select(a => a!.GetValue<string>());
        if (algorithms is not null)
        {
            Assert.Contains(algorithm, algorithms);
        }
    }
}
