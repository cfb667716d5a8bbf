using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>GET /api/session</c>: the caller's session, its times and its CSRF token.</summary>
public sealed class CurrentSessionTests(FakeClockServerFixture fixture) : IClassFixture<FakeClockServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task GetSession_WithLiveCookie_ReturnsUserSessionTimesAndCsrfToken()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var userId = await client.SignUpAndLoginAsync(email);
        var loggedInAt = fixture.Time.GetUtcNow();

        using var response = await client.GetAsync("api/session");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(userId, body["user"]!["id"]!.GetValue<string>());
        Assert.Equal(email, body["user"]!["email"]!.GetValue<string>());
        Assert.Equal(client.CsrfToken, body["csrfToken"]!.GetValue<string>());
        var session = body["session"]!.AsObject();
        Assert.False(string.IsNullOrEmpty(session["id"]!.GetValue<string>()));
        Assert.Equal(loggedInAt, session["createdAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(loggedInAt, session["lastSeenAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(loggedInAt + TimeSpan.FromMinutes(30), session["idleExpiresAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(loggedInAt + TimeSpan.FromHours(24), session["absoluteExpiresAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task GetSession_WithLiveCookie_AnswersNoStore()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.GetAsync("api/session");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control was '{response.Headers.CacheControl}'.");
    }

    [Fact]
    public async Task GetSession_WithLiveCookie_ReturnsSameIdAsCurrentEntryOfSessionList()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        var id = await client.CurrentSessionIdAsync();

        using var list = await client.GetAsync("api/sessions");
        var current = Assert.Single(await list.ReadJsonArrayAsync(), s => s!["current"]!.GetValue<bool>());
        Assert.Equal(id, current!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetSession_WithLiveCookie_DoesNotRevealSessionIdFromCookie()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.GetAsync("api/session");

        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(client.CookieValue(), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSession_WithoutCookie_Returns401Problem()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("api/session");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("%00%01not-a-session")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task GetSession_WithGarbageCookie_Returns401Problem(string value)
    {
        using var client = _server.CreateClient();
        client.Cookie = $"{SessionClientExtensions.CookieName}={value}";

        using var response = await client.GetAsync("api/session");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task GetSession_WithForgedWellFormedCookie_Returns401Problem()
    {
        using var client = _server.CreateClient();
        client.Cookie = $"{SessionClientExtensions.CookieName}={SessionClientExtensions.ForgedSessionId()}";

        using var response = await client.GetAsync("api/session");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task GetSession_WithExpiredCookie_Returns401Problem()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        using (var live = await client.GetAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(31));
        using var response = await client.GetAsync("api/session");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task GetSession_WithCookieUnderHttpsOnlyName_OverHttp_Returns401()
    {
        // Over plain HTTP only the plain name is read; a __Host- cookie is someone else's.
        using var owner = _server.CreateClient();
        await owner.SignUpAndLoginAsync();
        using var client = _server.CreateClient();
        client.Cookie = "__Host-" + owner.Cookie;

        using var response = await client.GetAsync("api/session");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
