using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>GET /api/me</c> with a session cookie (the bearer half arrives with the token issue).</summary>
public sealed class ProtectedResourceTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> ForgedCookies => new()
    {
        { "RandomWellFormedId", "latchkey_session=" + Latchkey.Security.RandomTokens.Create(32) },
        { "TooShort", "latchkey_session=abc" },
        { "TooLong", "latchkey_session=" + new string('a', 4000) },
        { "IllegalCharacters", "latchkey_session=" + new string('!', 43) },
        { "Empty", "latchkey_session=" },
        { "PercentEncodedGarbage", "latchkey_session=%00%ff%fe" },
        { "OtherCookieOnly", "theme=dark" },
    };

    [Fact]
    public async Task Me_WithSessionCookie_Returns200WithIdEmailAndSessionMethod()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = await client.SignUpAndLoginAsync(email);

        using var response = await client.GetAsync("api/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(["authMethod", "email", "id"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(id, body["id"]!.GetValue<string>());
        Assert.Equal(email, body["email"]!.GetValue<string>());
        Assert.Equal("session", body["authMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task Me_TwoUsers_EachSeesOwnAccount()
    {
        using var alice = _server.CreateClient();
        using var bob = _server.CreateClient();
        var aliceId = await alice.SignUpAndLoginAsync();
        var bobId = await bob.SignUpAndLoginAsync();

        using var aliceMe = await alice.GetAsync("api/me");
        using var bobMe = await bob.GetAsync("api/me");

        Assert.Equal(aliceId, (await aliceMe.ReadJsonObjectAsync())["id"]!.GetValue<string>());
        Assert.Equal(bobId, (await bobMe.ReadJsonObjectAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Me_WithoutCookie_Returns401Problem()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [MemberData(nameof(ForgedCookies))]
    public async Task Me_WithForgedCookie_Returns401Problem(string name, string cookie)
    {
        _ = name;
        using var client = _server.CreateClient();
        client.Cookie = cookie;

        using var response = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Me_WithCsrfTokenInPlaceOfSessionId_Returns401()
    {
        // The CSRF token has the session id's shape; it must not stand in for it.
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        client.Cookie = "latchkey_session=" + client.CsrfToken;

        using var response = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Me_WithSecureCookieNameOverHttp_Returns401()
    {
        // Over plain HTTP only the unprefixed name is read.
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        client.Cookie = "__Host-" + client.Cookie;

        using var response = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Me_WithCookieAfterLogout_Returns401()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.Cookie;
        using (var logout = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        client.Cookie = cookie;
        using var response = await client.GetAsync("api/me");

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
