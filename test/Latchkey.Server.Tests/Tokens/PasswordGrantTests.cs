using System.Net;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary><c>POST /oauth/token</c> with <c>grant_type=password</c>, and the request rules every grant shares (RFC 6749 §4.3, §5).</summary>
public sealed class PasswordGrantTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, (string, string)[]> MissingParameters => new()
    {
        { "NoUsername", [("grant_type", "password"), ("password", TestData.Password)] },
        { "NoPassword", [("grant_type", "password"), ("username", "someone@example.com")] },
        { "EmptyUsername", [("grant_type", "password"), ("username", ""), ("password", TestData.Password)] },
        { "EmptyPassword", [("grant_type", "password"), ("username", "someone@example.com"), ("password", "")] },
        { "NoGrantType", [("username", "someone@example.com"), ("password", TestData.Password)] },
    };

    public static TheoryData<string, (string, string)[]> RepeatedParameters => new()
    {
        { "GrantType", [("grant_type", "password"), ("grant_type", "password"), ("username", "a@example.com"), ("password", TestData.Password)] },
        { "Username", [("grant_type", "password"), ("username", "a@example.com"), ("username", "b@example.com"), ("password", TestData.Password)] },
        { "Password", [("grant_type", "password"), ("username", "a@example.com"), ("password", "one"), ("password", "two")] },
        { "Scope", [("grant_type", "password"), ("username", "a@example.com"), ("password", TestData.Password), ("scope", "a"), ("scope", "b")] },
    };

    [Fact]
    public async Task PasswordGrant_WithRightCredentials_Returns200WithBearerPairAndNoStore()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PasswordGrantAsync(email);

        var pair = await TokenPair.ReadAsync(response);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        OAuthAssert.IsNotCached(response);
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        Assert.Equal("Bearer", pair.Body["token_type"]!.GetValue<string>());
        Assert.Equal(600, pair.Body["expires_in"]!.GetValue<int>());
        Assert.StartsWith("lk_rt_", pair.RefreshToken, StringComparison.Ordinal);
        Assert.True(pair.Body.ContainsKey("scope"), pair.Body.ToJsonString());
        Assert.Equal(3, pair.AccessToken.Split('.').Length);
    }

    [Fact]
    public async Task PasswordGrant_RefreshTokens_AreDistinctAndCarry256RandomBits()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        var first = await client.LoginWithTokensAsync(email);
        var second = await client.LoginWithTokensAsync(email);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        foreach (var token in new[] { first.RefreshToken!, second.RefreshToken! })
        {
            // 32 bytes of base64url after the prefix.
            Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan("lk_rt_".Length)).Length);
        }
    }

    [Fact]
    public async Task PasswordGrant_WithRequestedScope_GrantsAndEchoesIt()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PasswordGrantAsync(email, scope: "profile");

        var pair = await TokenPair.ReadAsync(response);
        Assert.Equal("profile", pair.Body["scope"]!.GetValue<string>());
        Assert.Equal("profile", Jwt.Payload(pair.AccessToken)["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task PasswordGrant_AccessToken_IsAcceptedByMeAsBearer()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var pair = await client.SignUpWithTokensAsync(email);

        using var me = await client.MeAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("no-store", me.Headers.CacheControl?.ToString());
        var body = await me.ReadJsonObjectAsync();
        Assert.Equal(pair.UserId, body["id"]!.GetValue<string>());
        Assert.Equal(email, body["email"]!.GetValue<string>());
        Assert.Equal("bearer", body["authMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task PasswordGrant_WithUnknownUserOrWrongPassword_Returns400InvalidGrantWithSameBody()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var wrongPassword = await client.PasswordGrantAsync(email, "not the password at all");
        using var unknownUser = await client.PasswordGrantAsync(TestData.NewEmail());

        var wrongBody = await OAuthAssert.IsErrorAsync(wrongPassword, HttpStatusCode.BadRequest, "invalid_grant");
        var unknownBody = await OAuthAssert.IsErrorAsync(unknownUser, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(wrongBody.ToJsonString(), unknownBody.ToJsonString());
        Assert.Equal(wrongPassword.Headers.Select(h => h.Key).Order(), unknownUser.Headers.Select(h => h.Key).Order());
    }

    [Theory]
    [MemberData(nameof(MissingParameters))]
    public async Task PasswordGrant_WithMissingParameter_Returns400InvalidRequest(string name, (string, string)[] form)
    {
        _ = name;
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/token", form);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(RepeatedParameters))]
    public async Task PasswordGrant_WithRepeatedParameter_Returns400InvalidRequest(string name, (string, string)[] form)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        // Make the repeated request otherwise valid, so that only the repetition can be refused.
        form = [.. form.Select(p => p.Item1 == "username" && p.Item2 == "a@example.com" ? (p.Item1, email) : p)];

        using var response = await client.PostFormAsync("oauth/token", form);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task PasswordGrant_AsJson_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new StringContent(
                $$"""{"grant_type":"password","username":"{{email}}","password":"{{TestData.Password}}"}""", Encoding.UTF8, "application/json"),
        };

        using var response = await client.Http.SendAsync(request);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Token_WithoutBody_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.PostAsync("oauth/token", null);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("implicit")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code")]
    [InlineData("PASSWORD")]
    public async Task Token_WithUnsupportedGrantType_Returns400UnsupportedGrantType(string grantType)
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/token", [("grant_type", grantType), ("username", "a@example.com"), ("password", "x")]);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task Token_WithGet_IsRefusedWithout5xx()
    {
        using var client = _server.CreateClient();

        using var response = await client.Http.GetAsync("oauth/token?grant_type=password&username=a@example.com&password=x");

        ProblemDetailsAssert.IsClientError(response);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PasswordGrant_WithMalformedScope_Returns400InvalidScope()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PasswordGrantAsync(email, scope: "read \"write\"");

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task PasswordGrant_WithUnregisteredClientIdWithoutSecret_Returns401InvalidClient()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("client_id", "someone-else")]);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task PasswordGrant_ByRegisteredClient_BindsTokensToThatClient()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("scope", "read")], (OAuth.ClientId, OAuth.ClientSecret));

        var pair = await TokenPair.ReadAsync(response);
        Assert.Equal(OAuth.ClientId, Jwt.Payload(pair.AccessToken)["client_id"]!.GetValue<string>());
        // A confidential client's refresh token is not refreshed without that client's authentication.
        using var anonymous = await client.RefreshAsync(pair.RefreshToken!);
        await OAuthAssert.IsErrorAsync(anonymous, HttpStatusCode.BadRequest, "invalid_grant");
        using var authenticated = await client.PostFormAsync(
            "oauth/token", [("grant_type", "refresh_token"), ("refresh_token", pair.RefreshToken!)], (OAuth.ClientId, OAuth.ClientSecret));
        await TokenPair.ReadAsync(authenticated);
    }

    [Fact]
    public async Task PasswordGrant_ByRegisteredClientBeyondItsScope_Returns400InvalidScope()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("scope", "read admin")], (OAuth.ClientId, OAuth.ClientSecret));

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }
}
