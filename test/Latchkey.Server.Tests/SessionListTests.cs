using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>GET /api/sessions</c>: the caller's live sessions, with the caller's own marked current.</summary>
public sealed class SessionListTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task ListSessions_WithOneSession_ReturnsItWithAllFields()
    {
        var email = TestData.NewEmail();
        using (var registrar = _server.CreateClient())
        {
            await registrar.RegisterAsync(email);
        }

        var before = TimeProvider.System.GetUtcNow().AddSeconds(-5);
        using var client = await _server.LoginAsNewClientAsync(email, "LatchkeyTests/1.0 (list)");

        using var response = await client.GetAsync("api/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var item = Assert.Single(await response.ReadJsonArrayAsync())!.AsObject();
        Assert.Equal(await client.CurrentSessionIdAsync(), item["id"]!.GetValue<string>());
        var createdAt = item["createdAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(createdAt, before, TimeProvider.System.GetUtcNow().AddSeconds(5));
        Assert.True(item["lastSeenAt"]!.GetValue<DateTimeOffset>() >= createdAt);
        Assert.Equal("LatchkeyTests/1.0 (list)", item["userAgent"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", item["ip"]!.GetValue<string>());
        Assert.True(item["current"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ListSessions_WithTwoClients_ReturnsTwoSessions()
    {
        var email = TestData.NewEmail();
        using var first = _server.CreateClient();
        first.Http.DefaultRequestHeaders.UserAgent.ParseAdd("LatchkeyTests/1.0 (first)");
        await first.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email, "LatchkeyTests/1.0 (second)");

        using var response = await first.GetAsync("api/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await response.ReadJsonArrayAsync();
        Assert.Equal(2, list.Count);
        var ids = list.Select(s => s!["id"]!.GetValue<string>()).ToArray();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Equal(
            ["LatchkeyTests/1.0 (first)", "LatchkeyTests/1.0 (second)"],
            list.Select(s => s!["userAgent"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(list, s => Assert.Equal("127.0.0.1", s!["ip"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ListSessions_WithTwoClients_MarksOnlyCallersSessionCurrent()
    {
        var email = TestData.NewEmail();
        using var first = _server.CreateClient();
        await first.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email);
        var firstId = await first.CurrentSessionIdAsync();
        var secondId = await second.CurrentSessionIdAsync();

        using var fromFirst = await first.GetAsync("api/sessions");
        using var fromSecond = await second.GetAsync("api/sessions");

        var firstView = await fromFirst.ReadJsonArrayAsync();
        var secondView = await fromSecond.ReadJsonArrayAsync();
        Assert.Equal(firstId, Assert.Single(firstView, s => s!["current"]!.GetValue<bool>())!["id"]!.GetValue<string>());
        Assert.Equal(secondId, Assert.Single(secondView, s => s!["current"]!.GetValue<bool>())!["id"]!.GetValue<string>());
        Assert.False(Assert.Single(firstView, s => s!["id"]!.GetValue<string>() == secondId)!["current"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ListSessions_WithOtherUsersSessions_ShowsOnlyCallersOwn()
    {
        using var mine = _server.CreateClient();
        await mine.SignUpAndLoginAsync();
        using var theirs = _server.CreateClient();
        await theirs.SignUpAndLoginAsync();
        var theirId = await theirs.CurrentSessionIdAsync();

        var ids = await mine.SessionIdsAsync();

        Assert.Equal([await mine.CurrentSessionIdAsync()], ids);
        Assert.DoesNotContain(theirId, ids);
    }

    [Fact]
    public async Task ListSessions_AfterOtherClientLogsOut_OmitsEndedSession()
    {
        var email = TestData.NewEmail();
        using var first = _server.CreateClient();
        await first.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email);
        var secondId = await second.CurrentSessionIdAsync();
        using (var logout = await second.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var ids = await first.SessionIdsAsync();

        Assert.DoesNotContain(secondId, ids);
        Assert.Single(ids);
    }

    [Fact]
    public async Task ListSessions_WithoutCsrfToken_IsAllowedBecauseGetIsSafe()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendWithCsrfTokenAsync(HttpMethod.Get, "api/sessions", csrfToken: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ListSessions_WithoutCookie_Returns401Problem()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("api/sessions");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task ListSessions_Always_ExposesNeitherSessionIdsNorCsrfTokens()
    {
        var email = TestData.NewEmail();
        using var first = _server.CreateClient();
        await first.SignUpAndLoginAsync(email);
        using var second = await _server.LoginAsNewClientAsync(email);

        using var response = await first.GetAsync("api/sessions");

        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(first.CookieValue(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(second.CookieValue(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(second.CsrfToken!, text, StringComparison.Ordinal);
    }
}
