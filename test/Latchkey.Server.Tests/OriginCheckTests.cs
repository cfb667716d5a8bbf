using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// The Origin check: unsafe API requests (login included) whose <c>Origin</c> names neither the
/// server's own origin nor a configured one are refused with 403, whatever else they carry.
/// </summary>
public sealed class OriginCheckTests(OriginCheckTests.AllowedOriginServerFixture fixture) : IClassFixture<OriginCheckTests.AllowedOriginServerFixture>
{
    private const string Foreign = "http://evil.example";
    private const string Configured = "https://app.example.com";
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Logout_FromForeignOriginWithValidCsrfToken_Returns403AndSessionStaysAlive()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session", origin: Foreign);

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task LogoutEverywhere_FromForeignOriginWithValidCsrfToken_Returns403AndSessionsStayAlive()
    {
        var email = TestData.NewEmail();
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        using var sibling = await _server.LoginAsNewClientAsync(email);

        using var response = await client.DeleteAsync("api/sessions", origin: Foreign);

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        Assert.Equal(HttpStatusCode.OK, await sibling.MeStatusAsync());
    }

    [Fact]
    public async Task RevokeSession_FromForeignOriginWithValidCsrfToken_Returns403AndTargetStaysAlive()
    {
        var email = TestData.NewEmail();
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        using var sibling = await _server.LoginAsNewClientAsync(email);
        var target = await sibling.CurrentSessionIdAsync();

        using var response = await client.DeleteAsync($"api/sessions/{target}", origin: Foreign);

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await sibling.MeStatusAsync());
    }

    [Fact]
    public async Task ChangePassword_FromForeignOriginWithValidCsrfToken_Returns403AndPasswordUnchanged()
    {
        var email = TestData.NewEmail();
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync(email);
        using var sibling = await _server.LoginAsNewClientAsync(email);

        using var response = await client.SendAsync(
            HttpMethod.Post, "api/account/password", new { currentPassword = TestData.Password, newPassword = "a brand new passphrase" }, origin: Foreign);

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await sibling.MeStatusAsync());
        using var oldPassword = _server.CreateClient();
        using var login = await oldPassword.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task DeleteAccount_FromForeignOriginWithValidCsrfToken_Returns403AndKeepsTheAccount()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Delete, "api/account", new { currentPassword = TestData.Password }, origin: Foreign);

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Logout_FromNullOrigin_Returns403AndSessionStaysAlive()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session", origin: "null");

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Theory]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("https://127.0.0.1:{port}")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com.evil.example")]
    [InlineData("https://evil.example")]
    public async Task Logout_FromLookalikeOrigin_Returns403(string origin)
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session", origin: origin.Replace("{port}", _server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        await AssertRefusedAsync(response);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Login_FromForeignOrigin_Returns403WithoutCookie()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: Foreign);

        await AssertRefusedAsync(response);
        Assert.Null(client.Cookie);
    }

    [Fact]
    public async Task Login_FromForeignOrigin_CreatesNoSession()
    {
        var email = TestData.NewEmail();
        using (var attacker = _server.CreateClient())
        {
            await attacker.RegisterAsync(email);
            using var refused = await attacker.LoginAsync(email, origin: Foreign);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var owner = await _server.LoginAsNewClientAsync(email);

        Assert.Single(await owner.SessionIdsAsync());
    }

    [Fact]
    public async Task Login_FromNullOrigin_Returns403WithoutCookie()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: "null");

        await AssertRefusedAsync(response);
        Assert.Null(client.Cookie);
    }

    [Fact]
    public async Task Login_FromServersOwnOrigin_Succeeds()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: _server.Origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(LatchkeyTestClient.SessionSetCookie(response));
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Login_FromConfiguredOrigin_Succeeds()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: Configured);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(LatchkeyTestClient.SessionSetCookie(response));
    }

    [Fact]
    public async Task Login_WithoutOrigin_Succeeds()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var response = await client.LoginAsync(email, origin: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(LatchkeyTestClient.SessionSetCookie(response));
    }

    [Fact]
    public async Task Logout_FromServersOwnOriginWithCsrfToken_Returns204()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.Cookie!;

        using var response = await client.DeleteAsync("api/session", origin: _server.Origin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));
    }

    [Fact]
    public async Task Logout_FromConfiguredOriginWithCsrfToken_Returns204()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var cookie = client.Cookie!;

        using var response = await client.DeleteAsync("api/session", origin: Configured);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.MeStatusWithCookieAsync(cookie));
    }

    [Fact]
    public async Task ChangePassword_FromConfiguredOriginWithCsrfToken_Returns204()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(
            HttpMethod.Post, "api/account/password", new { currentPassword = TestData.Password, newPassword = "a brand new passphrase" }, origin: Configured);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Logout_FromServersOwnOriginWithoutCsrfToken_StillReturns403CsrfTokenInvalid()
    {
        // A trusted origin does not replace the token: both checks apply.
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.DeleteAsync("api/session", csrf: false, origin: _server.Origin);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Theory]
    [InlineData("api/me")]
    [InlineData("api/session")]
    [InlineData("api/sessions")]
    public async Task Get_FromForeignOrigin_IsNotRefused(string path)
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Get, path, csrf: false, origin: Foreign);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
    }

    /// <summary>A shared server with one extra allowed origin configured.</summary>
    public sealed class AllowedOriginServerFixture : ServerFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options) => options.Settings["Latchkey:AllowedOrigins:0"] = Configured;
    }
}
