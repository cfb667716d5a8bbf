using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary><c>grant_type=client_credentials</c> for service clients declared in configuration (RFC 6749 §4.4, §2.3).</summary>
public sealed class ClientCredentialsGrantTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string, string> BadCredentials => new()
    {
        { "WrongSecret", OAuth.ClientId, "not-the-secret-of-the-client" },
        { "UnknownClient", "no-such-client", OAuth.ClientSecret },
        { "EmptySecret", OAuth.ClientId, "" },
        { "SecretWithDifferentCase", OAuth.ClientId, OAuth.ClientSecret.ToUpperInvariant() },
    };

    public static TheoryData<string, string> MalformedBasicHeaders => new()
    {
        { "NotBase64", "Basic !!!not-base64!!!" },
        { "NoColon", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("svc")) },
        { "EmptyId", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(":secret")) },
        { "NoCredentials", "Basic" },
        { "OtherScheme", "Digest username=\"svc\"" },
    };

    [Fact]
    public async Task ClientCredentials_WithHttpBasic_Returns200AccessTokenOnly()
    {
        using var client = _server.CreateClient();

        using var response = await client.ClientCredentialsAsync();

        var pair = await TokenPair.ReadAsync(response);
        OAuthAssert.IsNotCached(response);
        Assert.Equal("Bearer", pair.Body["token_type"]!.GetValue<string>());
        Assert.Equal(600, pair.Body["expires_in"]!.GetValue<int>());
        Assert.False(pair.Body.ContainsKey("refresh_token"), pair.Body.ToJsonString());
        var claims = Jwt.Payload(pair.AccessToken);
        Assert.Equal(OAuth.ClientId, claims["sub"]!.GetValue<string>());
        Assert.Equal(OAuth.ClientId, claims["client_id"]!.GetValue<string>());
        Assert.Equal(["read", "write"], claims["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClientCredentials_WithSecretInForm_Returns200()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "client_credentials"), ("client_id", OAuth.ClientId), ("client_secret", OAuth.ClientSecret)]);

        var pair = await TokenPair.ReadAsync(response);
        Assert.Null(pair.RefreshToken);
        Assert.Equal(OAuth.ClientId, Jwt.Payload(pair.AccessToken)["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_WithNarrowerScope_GrantsOnlyThat()
    {
        using var client = _server.CreateClient();

        using var response = await client.ClientCredentialsAsync("read");

        var pair = await TokenPair.ReadAsync(response);
        Assert.Equal("read", pair.Body["scope"]!.GetValue<string>());
        Assert.Equal("read", Jwt.Payload(pair.AccessToken)["scope"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("read admin")]
    [InlineData("READ")]
    public async Task ClientCredentials_WithScopeBeyondClient_Returns400InvalidScope(string scope)
    {
        using var client = _server.CreateClient();

        using var response = await client.ClientCredentialsAsync(scope);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Me_WithClientToken_ReturnsClientIdNullEmailAndBearer()
    {
        using var client = _server.CreateClient();
        var pair = await TokenPair.ReadAsync(await client.ClientCredentialsAsync());

        using var me = await client.MeAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("""{"id":"svc","email":null,"authMethod":"bearer"}""", (await me.ReadJsonObjectAsync()).ToJsonString());
    }

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task ClientCredentials_WithBadBasicCredentials_Returns401InvalidClientWithBasicChallenge(string name, string id, string secret)
    {
        _ = name;
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (id, secret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        // RFC 6749 §5.2: a client that tried HTTP Basic gets its challenge back.
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task ClientCredentials_WithBadFormCredentials_Returns401InvalidClient(string name, string id, string secret)
    {
        _ = name;
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)]);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ClientCredentials_WithUnknownClientAndWrongSecret_AnswerAlike()
    {
        using var client = _server.CreateClient();

        using var unknown = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], ("no-such-client", OAuth.ClientSecret));
        using var wrong = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (OAuth.ClientId, "not-the-secret-of-the-client"));

        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClientCredentials_WithoutClientAuthentication_Returns401InvalidClient()
    {
        using var client = _server.CreateClient();

        using var noClient = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")]);
        using var idOnly = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials"), ("client_id", OAuth.ClientId)]);

        await OAuthAssert.IsErrorAsync(noClient, HttpStatusCode.Unauthorized, "invalid_client");
        await OAuthAssert.IsErrorAsync(idOnly, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ClientCredentials_WithBasicAndFormSecret_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync(
            "oauth/token",
            [("grant_type", "client_credentials"), ("client_id", OAuth.ClientId), ("client_secret", OAuth.ClientSecret)],
            (OAuth.ClientId, OAuth.ClientSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ClientCredentials_WithBasicAndOtherFormClientId_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "client_credentials"), ("client_id", "someone-else")], (OAuth.ClientId, OAuth.ClientSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(MalformedBasicHeaders))]
    public async Task ClientCredentials_WithMalformedAuthorization_Returns401InvalidClient(string name, string header)
    {
        _ = name;
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.Http.SendAsync(request);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ClientCredentials_WithPercentEncodedBasicCredentials_Authenticates()
    {
        // RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64; plain ones are unchanged by it.
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("%73vc:" + OAuth.ClientSecret)));

        using var response = await client.Http.SendAsync(request);

        await TokenPair.ReadAsync(response);
    }
}
