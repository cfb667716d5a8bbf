using System.Net;
using Latchkey.Accounts;
using Latchkey.AspNetCore.Events;
using Latchkey.Diagnostics;
using Latchkey.AspNetCore;
using Latchkey.Security;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Sessions;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Accounts;

/// <summary>Disable, enable and delete: what dies, what answers, and what is left in the store.</summary>
public sealed class AccountLifecycleTests(AccountLifecycleTests.Fixture fixture) : IClassFixture<AccountLifecycleTests.Fixture>
{
    private const string RacePrefix = "race-";
    private const string DisableRacePrefix = "disabled-midway-";
    private readonly LatchkeyTestServer _server = fixture.Server;

    private AccountLifecycleService Lifecycle => _server.App.Services.GetRequiredService<AccountLifecycleService>();

    [Fact]
    public async Task Disable_WithSessionsAndTokens_EndsThemAll()
    {
        using var browser = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = await browser.SignUpAndLoginAsync(email);
        using var app = _server.CreateClient();
        var pair = await app.LoginWithTokensAsync(email);
        Assert.True(await app.IsAcceptedAsync(pair.AccessToken));

        await DisableAsync(id);

        Assert.Equal(HttpStatusCode.Unauthorized, await browser.MeStatusAsync());
        Assert.False(await app.IsAcceptedAsync(pair.AccessToken));
        Assert.False((await app.IntrospectAsync(pair.AccessToken))["active"]!.GetValue<bool>());
        using var refresh = await app.RefreshAsync(pair.RefreshToken!);
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Login_OfDisabledAccount_AnswersAccountDisabledOnlyWithTheRightPassword()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
        await DisableAsync(id);

        using var wrong = await client.LoginAsync(email, "not the password at all");
        using var right = await client.LoginAsync(email);
        using var wrongGrant = await client.PasswordGrantAsync(email, "not the password at all");
        using var rightGrant = await client.PasswordGrantAsync(email);

        await ProblemAssert.IsAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        await ProblemAssert.IsAsync(right, HttpStatusCode.Forbidden, "account_disabled");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(right));
        var wrongBody = await OAuthAssert.IsErrorAsync(wrongGrant, HttpStatusCode.BadRequest, "invalid_grant");
        var rightBody = await OAuthAssert.IsErrorAsync(rightGrant, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal("The username or password is wrong.", wrongBody["error_description"]!.GetValue<string>());
        Assert.Equal("The account is disabled.", rightBody["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Enable_AfterDisable_RestoresLoginButNotOldSessions()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = await client.SignUpAndLoginAsync(email);
        await DisableAsync(id);

        var result = await Lifecycle.EnableAsync(id, SecurityAudit.LifecycleActor.Operator, new RequestOrigin(null, null), CancellationToken.None);

        Assert.Equal(AccountLifecycleStatus.Done, result.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await client.MeStatusAsync());
        using var again = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        client.Cookie = LatchkeyTestClient.SessionSetCookie(again);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task SessionToken_OfDisabledAccount_IsRefused()
    {
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync();
        await _server.App.Services.GetRequiredService<IAccountStore>().SetDisabledAtAsync(id, TimeProvider.System.GetUtcNow(), CancellationToken.None);

        // Only the flag, without the sign-out: the exchange itself must refuse a disabled account.
        using var response = await client.SendAsync(HttpMethod.Post, "api/session/token");

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task DeleteOwnAccount_WithWrongPassword_Returns400AndKeepsEverything()
    {
        using var client = _server.CreateClient();
        var id = await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Delete, "api/account", new { currentPassword = "not the password at all" });

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_current_password");
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        Assert.NotNull(await _server.App.Services.GetRequiredService<IAccountStore>().FindByIdAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteOwnAccount_WithoutPassword_Returns400ValidationFailed()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.SendAsync(HttpMethod.Delete, "api/account", new { });

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task DeleteOwnAccount_WithoutCsrfToken_Returns403AndKeepsTheAccount()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/account")
        {
            Content = JsonContent(new { currentPassword = TestData.Password }),
        };
        using var response = await client.SendAsync(request, csrf: false);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task DeleteOwnAccount_WithRightPassword_RemovesEveryTraceButIds()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var id = await client.SignUpAndLoginAsync(email);
        using var other = await _server.LoginAsNewClientAsync(email);
        using var app = _server.CreateClient();
        var pair = await app.LoginWithTokensAsync(email);

        using var response = await client.SendAsync(HttpMethod.Delete, "api/account", new { currentPassword = TestData.Password });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        SessionClientExtensions.AssertClearsSessionCookie(response, TimeProvider.System.GetUtcNow());
        Assert.Equal(HttpStatusCode.Unauthorized, await other.MeStatusAsync());
        Assert.False(await app.IsAcceptedAsync(pair.AccessToken));
        using var refresh = await app.RefreshAsync(pair.RefreshToken!);
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        using var login = await client.LoginAsync(email);
        await ProblemAssert.IsAsync(login, HttpStatusCode.Unauthorized, "invalid_credentials");

        // Straight from the database: no row names the email; only revocation entries (ids) name the account.
        var values = new LatchkeyDatabase(_server.DataDirectory).AllValues();
        Assert.DoesNotContain(values, v => v.Value is string s && s.Contains(email, StringComparison.OrdinalIgnoreCase));
        Assert.All(values.Where(v => v.Value is string s && s == id), v => Assert.Equal("revocations", v.Table));
    }

    [Fact]
    public async Task DeleteOwnAccount_WithBearerToken_DeletesWithoutCsrf()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/account") { Content = JsonContent(new { currentPassword = TestData.Password }) };
        using var response = await client.SendAsync(request, csrf: false, bearer: pair.AccessToken, cookie: false);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await _server.App.Services.GetRequiredService<IAccountStore>().FindByIdAsync(pair.UserId!, CancellationToken.None));
    }

    [Fact]
    public async Task Login_RacingDeletion_AnswersUnauthenticatedNot500()
    {
        // The SigningIn event deletes the account after its password was checked and before the session
        // (or refresh family) is written: the write then names an account that is gone.
        using var client = _server.CreateClient();
        var email = RacePrefix + TestData.NewEmail();
        await client.RegisterAsync(email);

        using var login = await client.LoginAsync(email);

        await ProblemAssert.IsAsync(login, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task PasswordGrant_RacingDeletion_AnswersInvalidGrantNot500()
    {
        using var client = _server.CreateClient();
        var email = RacePrefix + TestData.NewEmail();
        await client.RegisterAsync(email);

        using var grant = await client.PasswordGrantAsync(email);

        await OAuthAssert.IsErrorAsync(grant, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Login_RacingDisable_AnswersAccountDisabled_AndLeavesNoSession()
    {
        // The SigningIn event disables the account after its password was checked and after the disable swept
        // its sessions, so that only the re-check after the session write can catch it.
        using var client = _server.CreateClient();
        var email = DisableRacePrefix + TestData.NewEmail();
        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();

        using var login = await client.LoginAsync(email);

        await ProblemAssert.IsAsync(login, HttpStatusCode.Forbidden, "account_disabled");
        Assert.False(login.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains(LatchkeyDefaults.SessionCookieName + "=", StringComparison.Ordinal)));
        Assert.Empty(await _server.App.Services.GetRequiredService<SessionManager>().ListAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task PasswordGrant_RacingDisable_AnswersInvalidGrant_AndItsRefreshTokenIsDead()
    {
        using var client = _server.CreateClient();
        var email = DisableRacePrefix + TestData.NewEmail();
        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();

        using var grant = await client.PasswordGrantAsync(email);

        await OAuthAssert.IsErrorAsync(grant, HttpStatusCode.BadRequest, "invalid_grant");
        var audit = _server.Logs.Named("RefreshFamilyRevoked");
        Assert.Contains(audit, e => e["AccountId"] == id);
    }

    [Fact]
    public async Task Refresh_RacingDeletion_NeverAnswers500()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        var refreshes = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await client.RefreshAsync(pair.RefreshToken!);
            return response.StatusCode;
        }).ToList();
        var delete = Lifecycle.DeleteAsync(pair.UserId!, new RequestOrigin(null, null), CancellationToken.None);
        var statuses = await Task.WhenAll(refreshes);
        await delete;

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"answered {(int)s}"));
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private Task<AccountLifecycleResult> DisableAsync(string id) =>
        Lifecycle.DisableAsync(id, SecurityAudit.LifecycleActor.Operator, new RequestOrigin(null, null), CancellationToken.None);

    /// <summary>A shared server whose SigningIn event deletes accounts named <c>race-…</c> mid-login.</summary>
    public sealed class Fixture : ServerFixture
    {
        protected override void Configure(TestServerOptions options)
        {
            OAuth.AddClient(options.Settings);
            options.ConfigureBuilder = builder => builder.Services.Configure<LatchkeyEventsOptions>(o => o.Events = new LatchkeyEvents
            {
                OnSigningIn = async context =>
                {
                    if (context.Account.Email.StartsWith(DisableRacePrefix, StringComparison.Ordinal))
                    {
                        await context.HttpContext.RequestServices.GetRequiredService<AccountLifecycleService>()
                            .DisableAsync(context.Account.Id, SecurityAudit.LifecycleActor.Operator, new RequestOrigin(null, null), CancellationToken.None);
                    }

                    if (context.Account.Email.StartsWith(RacePrefix, StringComparison.Ordinal))
                    {
                        await context.HttpContext.RequestServices.GetRequiredService<AccountLifecycleService>()
                            .DeleteAsync(context.Account.Id, new RequestOrigin(null, null), CancellationToken.None);
                    }
                },
            });
        }
    }
}
