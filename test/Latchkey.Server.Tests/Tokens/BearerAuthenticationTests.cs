using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// <c>GET /api/me</c> and the other endpoints with <c>Authorization: Bearer</c>: malformed and oversized
/// credentials (RFC 6750 §3.1), and the precedence of a bearer token over a session cookie.
/// </summary>
public sealed class BearerAuthenticationTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> MalformedAuthorizations => new()
    {
        { "SchemeOnly", "Bearer" },
        { "SchemeAndSpace", "Bearer " },
        { "Garbage", "Bearer garbage" },
        { "JwtShapedGarbage", "Bearer a.b.c" },
        { "TwoSegments", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0" },
        { "FiveSegments", "Bearer a.b.c.d.e" },
        { "AlgNone", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0." },
        { "LowercaseScheme", "bearer garbage" },
        { "NonBase64Url", "Bearer ey+J/h==.ey+J.sig" },
        { "TenKilobytes", "Bearer " + new string('A', 10 * 1024) },
        { "TenKilobytesJwtShaped", "Bearer " + new string('A', 5 * 1024) + "." + new string('B', 5 * 1024) + ".sig" },
    };

    [Theory]
    [MemberData(nameof(MalformedAuthorizations))]
    public async Task Me_WithMalformedBearer_Returns401InvalidToken(string name, string authorization)
    {
        _ = name;
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.Http.SendAsync(request);

        if (response.StatusCode == HttpStatusCode.RequestHeaderFieldsTooLarge)
        {
            return;
        }

        await OAuthAssert.IsInvalidTokenAsync(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Me_WithoutAnyCredential_Returns401WithBearerChallengeButNoError()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Me_WithTamperedToken_Returns401InvalidToken()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var parts = pair.AccessToken.Split('.');
        var payload = Jwt.Payload(pair.AccessToken);
        payload["sub"] = "someone-else";
        var forged = parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];

        using var response = await client.MeAsync(forged);

        await OAuthAssert.IsInvalidTokenAsync(response);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Me_WithSegmentOfImpossibleBase64Length_Returns401InvalidToken(int segment)
    {
        // A base64url segment of length 4n+1 cannot be decoded at all.
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var parts = pair.AccessToken.Split('.');
        while (parts[segment].Length % 4 != 1)
        {
            parts[segment] += "A";
        }

        using var response = await client.MeAsync(string.Join('.', parts));

        await OAuthAssert.IsInvalidTokenAsync(response);
    }

    [Fact]
    public async Task Me_WithSignatureStripped_Returns401InvalidToken()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var parts = pair.AccessToken.Split('.');

        using var response = await client.MeAsync(parts[0] + "." + parts[1] + ".");

        await OAuthAssert.IsInvalidTokenAsync(response);
    }

    [Fact]
    public async Task Me_WithRefreshTokenAsBearer_Returns401InvalidToken()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.MeAsync(pair.RefreshToken!);

        await OAuthAssert.IsInvalidTokenAsync(response);
    }

    [Fact]
    public async Task Me_WithTwoAuthorizationHeaders_IsRefused()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + pair.AccessToken, "Bearer " + pair.AccessToken]);

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Me_WithValidBearerAndCookieOfOtherUser_IsAuthenticatedAsBearer()
    {
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync();
        using var app = _server.CreateClient();
        var pair = await app.SignUpWithTokensAsync();

        using var response = await browser.SendAsync(HttpMethod.Get, "api/me", csrf: false, bearer: pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal("bearer", body["authMethod"]!.GetValue<string>());
        Assert.Equal(pair.UserId, body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Me_WithInvalidBearerAndValidCookie_Returns401InvalidToken()
    {
        // A presented bearer token decides; a refused one is not rescued by an ambient cookie.
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync();

        using var response = await browser.SendAsync(HttpMethod.Get, "api/me", csrf: false, bearer: "garbage");

        await OAuthAssert.IsInvalidTokenAsync(response);
    }

    [Fact]
    public async Task UnsafeRequest_WithValidBearerAndCookie_NeedsNoCsrfToken()
    {
        var email = TestData.NewEmail();
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync(email);
        using var other = _server.CreateClient();
        (await other.LoginAsync(email)).Dispose();
        string otherSessionId;
        using (var current = await other.GetAsync("api/session"))
        {
            otherSessionId = (await current.ReadJsonObjectAsync())["session"]!["id"]!.GetValue<string>();
        }

        var pair = await browser.LoginWithTokensAsync(email);

        using var response = await browser.SendAsync(HttpMethod.Delete, "api/sessions/" + otherSessionId, csrf: false, bearer: pair.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var me = await other.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task UnsafeRequest_WithBearerFromForeignOrigin_IsRefused()
    {
        // The origin check stands in front of every unsafe API request, whatever the credential.
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.SendAsync(HttpMethod.Delete, "api/sessions", csrf: false, origin: "https://evil.example", bearer: pair.AccessToken, cookie: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Sessions_ListedWithBearer_MarksNoCookieSessionCurrentForPasswordGrantToken()
    {
        using var browser = _server.CreateClient();
        var email = TestData.NewEmail();
        await browser.SignUpAndLoginAsync(email);
        var pair = await browser.LoginWithTokensAsync(email);

        using var response = await browser.SendAsync(HttpMethod.Get, "api/sessions", csrf: false, bearer: pair.AccessToken, cookie: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.ReadJsonArrayAsync();
        var session = Assert.Single(list)!;
        Assert.False(session["current"]!.GetValue<bool>());
    }
}
