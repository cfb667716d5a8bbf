using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>POST /api/account/password</c>: the change itself, what it ends, and what it refuses.</summary>
public sealed class PasswordChangeTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private const string NewPassword = "a brand new passphrase";
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly LatchkeyDatabase _database = new(fixture.Server.DataDirectory);

    public static TheoryData<string, string?> InvalidNewPasswords => new()
    {
        { "SevenCharacters", "1234567" },
        { "TwoHundredFiftySevenCharacters", new string('n', 257) },
        { "Empty", string.Empty },
        { "Null", null },
    };

    [Fact]
    public async Task ChangePassword_WithRightCurrentPassword_Returns204AndOnlyNewPasswordLogsIn()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);

        using var response = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var fresh = _server.CreateClient();
        using (var old = await fresh.LoginAsync(email))
        {
            await ProblemDetailsAssert.IsProblemAsync(old, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var current = await fresh.LoginAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WithOtherSessionsOpen_EndsThemButKeepsCallerSession()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        var userId = await caller.SignUpAndLoginAsync(email);
        using var laptop = _server.CreateClient();
        using var phone = _server.CreateClient();
        (await laptop.LoginAsync(email)).Dispose();
        (await phone.LoginAsync(email)).Dispose();
        using var stranger = _server.CreateClient();
        await stranger.SignUpAndLoginAsync();
        Assert.Equal(3, _database.CountSessions(userId));

        using var response = await caller.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var other in new[] { laptop, phone })
        {
            using var me = await other.GetAsync("api/me");
            await ProblemDetailsAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, "unauthenticated");
        }

        using (var me = await caller.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var sessions = await caller.GetAsync("api/sessions"))
        {
            var list = await sessions.ReadJsonArrayAsync();
            Assert.True(Assert.Single(list)!["current"]!.GetValue<bool>());
        }

        Assert.Equal(1, _database.CountSessions(userId));
        using var strangerMe = await stranger.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, strangerMe.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_CallerSession_KeepsWorkingForUnsafeRequests()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);

        using (var response = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        // The same cookie and CSRF token change it once more.
        using var again = await client.PostJsonAsync("api/account/password", new { currentPassword = NewPassword, newPassword = "and yet another one" });
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        using var login = await _server.CreateClient().LoginAsync(email, "and yet another one");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WithWrongCurrentPassword_Returns400AndChangesNothing()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        var userId = await caller.SignUpAndLoginAsync(email);
        using var other = _server.CreateClient();
        (await other.LoginAsync(email)).Dispose();
        var hashBefore = _database.PasswordHashOf(userId);

        using var response = await caller.PostJsonAsync("api/account/password", new { currentPassword = "not the password", newPassword = NewPassword });

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_current_password");
        Assert.Equal(hashBefore, _database.PasswordHashOf(userId));
        Assert.Equal(2, _database.CountSessions(userId));
        using (var me = await other.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var me = await caller.GetAsync("api/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using var fresh = _server.CreateClient();
        using (var withNew = await fresh.LoginAsync(email, NewPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, withNew.StatusCode);
        }

        using var withOld = await fresh.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WithoutCurrentPassword_Returns400ValidationFailed()
    {
        using var client = _server.CreateClient();
        var userId = await client.SignUpAndLoginAsync();
        var hashBefore = _database.PasswordHashOf(userId);

        using var response = await client.PostJsonAsync("api/account/password", new { newPassword = NewPassword });

        await ProblemDetailsAssert.IsValidationProblemAsync(response, "currentPassword");
        Assert.Equal(hashBefore, _database.PasswordHashOf(userId));
    }

    [Theory]
    [MemberData(nameof(InvalidNewPasswords))]
    public async Task ChangePassword_WithInvalidNewPassword_Returns400ValidationFailedAndChangesNothing(string name, string? newPassword)
    {
        _ = name;
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        var userId = await caller.SignUpAndLoginAsync(email);
        using var other = _server.CreateClient();
        (await other.LoginAsync(email)).Dispose();
        var hashBefore = _database.PasswordHashOf(userId);

        using var response = await caller.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword });

        await ProblemDetailsAssert.IsValidationProblemAsync(response, "newPassword");
        Assert.Equal(hashBefore, _database.PasswordHashOf(userId));
        using var me = await other.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WithoutSession_Returns401()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var userId = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
        var hashBefore = _database.PasswordHashOf(userId);

        using var response = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }, csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(hashBefore, _database.PasswordHashOf(userId));
    }

    [Fact]
    public async Task ChangePassword_WithLoggedOutCookie_Returns401AndChangesNothing()
    {
        using var client = _server.CreateClient();
        var userId = await client.SignUpAndLoginAsync();
        var cookie = client.Cookie;
        (await client.DeleteAsync("api/session")).Dispose();
        client.Cookie = cookie;
        var hashBefore = _database.PasswordHashOf(userId);

        using var response = await client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword });

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(hashBefore, _database.PasswordHashOf(userId));
    }

    [Fact]
    public async Task ChangePassword_WithoutCsrfToken_Returns403AndChangesNothing()
    {
        var email = TestData.NewEmail();
        using var caller = _server.CreateClient();
        var userId = await caller.SignUpAndLoginAsync(email);
        using var other = _server.CreateClient();
        (await other.LoginAsync(email)).Dispose();
        var hashBefore = _database.PasswordHashOf(userId);

        using var response = await caller.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }, csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.Equal(hashBefore, _database.PasswordHashOf(userId));
        Assert.Equal(2, _database.CountSessions(userId));
    }
}
