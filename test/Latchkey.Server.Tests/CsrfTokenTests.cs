using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// The synchronizer CSRF token: every cookie-authenticated unsafe request must carry the session's own
/// token in <c>X-CSRF-Token</c>, else it is refused with 403 and nothing happens.
/// </summary>
public sealed class CsrfTokenTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string NewPassword = "a brand new passphrase";
    private readonly LatchkeyTestServer _server = fixture.Server;

    /// <summary>The ways an <c>X-CSRF-Token</c> header can be wrong.</summary>
    public static TheoryData<string> BadTokens => ["missing", "empty", "forged", "otherSessionOfSameUser", "otherUsersSession", "sessionIdItself"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Logout_WithBadCsrfToken_Returns403AndSessionStaysAlive(string kind)
    {
        using var scene = await Scene.CreateAsync(_server);

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/session", scene.TokenOf(kind));

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await scene.Caller.MeStatusAsync());
        Assert.Equal(2, (await scene.Caller.SessionIdsAsync()).Length);
    }

    [Fact]
    public async Task Logout_WithRightCsrfToken_Returns204()
    {
        using var scene = await Scene.CreateAsync(_server);
        var cookie = scene.Caller.Cookie!;

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/session", scene.Caller.CsrfToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task LogoutEverywhere_WithBadCsrfToken_Returns403AndAllSessionsStayAlive(string kind)
    {
        using var scene = await Scene.CreateAsync(_server);

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/sessions", scene.TokenOf(kind));

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await scene.Caller.MeStatusAsync());
        Assert.Equal(HttpStatusCode.OK, await scene.Sibling.MeStatusAsync());
    }

    [Fact]
    public async Task LogoutEverywhere_WithRightCsrfToken_Returns204()
    {
        using var scene = await Scene.CreateAsync(_server);

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/sessions", scene.Caller.CsrfToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await scene.Sibling.MeStatusAsync());
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task RevokeSession_WithBadCsrfToken_Returns403AndTargetStaysAlive(string kind)
    {
        using var scene = await Scene.CreateAsync(_server);
        var target = await scene.Sibling.CurrentSessionIdAsync();

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, $"api/sessions/{target}", scene.TokenOf(kind));

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await scene.Sibling.MeStatusAsync());
        Assert.Contains(target, await scene.Caller.SessionIdsAsync());
    }

    [Fact]
    public async Task RevokeSession_WithRightCsrfToken_Returns204()
    {
        using var scene = await Scene.CreateAsync(_server);
        var target = await scene.Sibling.CurrentSessionIdAsync();

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, $"api/sessions/{target}", scene.Caller.CsrfToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await scene.Sibling.MeStatusAsync());
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ChangePassword_WithBadCsrfToken_Returns403AndPasswordAndSessionsUnchanged(string kind)
    {
        using var scene = await Scene.CreateAsync(_server);

        using var response = await scene.Caller.SendWithCsrfTokenAsync(
            HttpMethod.Post, "api/account/password", scene.TokenOf(kind), new { currentPassword = TestData.Password, newPassword = NewPassword });

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await scene.Sibling.MeStatusAsync());
        Assert.Equal(HttpStatusCode.OK, await scene.Caller.MeStatusAsync());
        using var withOldPassword = _server.CreateClient();
        using var login = await withOldPassword.LoginAsync(scene.Email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WithRightCsrfToken_Returns204AndNewPasswordWorks()
    {
        using var scene = await Scene.CreateAsync(_server);

        using var response = await scene.Caller.SendWithCsrfTokenAsync(
            HttpMethod.Post, "api/account/password", scene.Caller.CsrfToken, new { currentPassword = TestData.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var withNewPassword = _server.CreateClient();
        using var login = await withNewPassword.LoginAsync(scene.Email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await scene.Caller.MeStatusAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await scene.Sibling.MeStatusAsync());
    }

    [Fact]
    public async Task Logout_WithCsrfTokenFromGetSession_Returns204()
    {
        using var scene = await Scene.CreateAsync(_server);
        using var current = await scene.Caller.GetAsync("api/session");
        var token = (await current.ReadJsonObjectAsync())["csrfToken"]!.GetValue<string>();

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/session", token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Logout_WithCsrfTokenInDifferentCase_Returns403()
    {
        using var scene = await Scene.CreateAsync(_server);
        var token = scene.Caller.CsrfToken!;
        var flipped = new string([.. token.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);
        Assert.NotEqual(token, flipped);

        using var response = await scene.Caller.SendWithCsrfTokenAsync(HttpMethod.Delete, "api/session", flipped);

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await scene.Caller.MeStatusAsync());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }

    /// <summary>A caller and a second session of the same account, plus another account's session.</summary>
    private sealed class Scene : IDisposable
    {
        private Scene(string email, LatchkeyTestClient caller, LatchkeyTestClient sibling, LatchkeyTestClient stranger)
        {
            Email = email;
            Caller = caller;
            Sibling = sibling;
            Stranger = stranger;
        }

        public string Email { get; }

        public LatchkeyTestClient Caller { get; }

        public LatchkeyTestClient Sibling { get; }

        public LatchkeyTestClient Stranger { get; }

        public static async Task<Scene> CreateAsync(LatchkeyTestServer server)
        {
            var email = TestData.NewEmail();
            var caller = server.CreateClient();
            await caller.SignUpAndLoginAsync(email);
            var sibling = await server.LoginAsNewClientAsync(email);
            var stranger = server.CreateClient();
            await stranger.SignUpAndLoginAsync();
            return new Scene(email, caller, sibling, stranger);
        }

        public string? TokenOf(string kind) => kind switch
        {
            "missing" => null,
            "empty" => string.Empty,
            "forged" => SessionClientExtensions.ForgedCsrfToken(),
            "otherSessionOfSameUser" => Sibling.CsrfToken,
            "otherUsersSession" => Stranger.CsrfToken,
            "sessionIdItself" => Caller.CookieValue(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        public void Dispose()
        {
            Caller.Dispose();
            Sibling.Dispose();
            Stranger.Dispose();
        }
    }
}
