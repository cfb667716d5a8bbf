using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Throttling;

/// <summary>
/// Every credential endpoint is throttled per account (or client) with the defaults: 5 free failures,
/// the sixth starts a doubling delay. On a fake clock, so that no delay passes unless a test says so.
/// The per-address allowance is raised: the tests of this class all come from 127.0.0.1.
/// </summary>
public sealed class CredentialThrottlingTests(CredentialThrottlingTests.Fixture fixture) : IClassFixture<CredentialThrottlingTests.Fixture>
{
    private const int FreeFailures = 5;
    private const string WrongPassword = "not the right password";
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly FakeTimeProvider _time = fixture.Time;

    [Fact]
    public async Task Login_WithSequentialWrongPasswords_Gets429WithGrowingRetryAfter()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        for (var i = 0; i < FreeFailures + 1; i++)
        {
            using var failed = await client.LoginAsync(email, WrongPassword);
            await ProblemAssert.IsAsync(failed, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        foreach (var expected in new[] { 1, 2, 4, 8 })
        {
            using (var throttled = await client.LoginAsync(email, WrongPassword))
            {
                await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
                Assert.Equal(TimeSpan.FromSeconds(expected), throttled.Headers.RetryAfter?.Delta);
            }

            _time.Advance(TimeSpan.FromSeconds(expected));
            using var failed = await client.LoginAsync(email, WrongPassword);
            await ProblemAssert.IsAsync(failed, HttpStatusCode.Unauthorized, "invalid_credentials");
        }
    }

    [Fact]
    public async Task Login_With100ConcurrentWrongPasswords_LetsOnlyTheAllowanceReachThePasswordCheck()
    {
        var email = TestData.NewEmail();
        using (var owner = _server.CreateClient())
        {
            await owner.RegisterAsync(email);
        }

        var statuses = await Concurrently.RunAsync(100, async _ =>
        {
            using var client = _server.CreateClient();
            using var response = await client.LoginAsync(email, WrongPassword);
            Assert.True(response.StatusCode != HttpStatusCode.TooManyRequests || response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            return response.StatusCode;
        });

        // The clock stands still, so no delay elapses: exactly the free failures and the one that starts the delay get checked.
        Assert.Equal(FreeFailures + 1, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(100 - FreeFailures - 1, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task PasswordGrant_With100ConcurrentWrongPasswords_LetsOnlyTheAllowanceThrough()
    {
        var email = TestData.NewEmail();
        using var owner = _server.CreateClient();
        await owner.RegisterAsync(email);

        var statuses = await Concurrently.RunAsync(100, async _ =>
        {
            using var client = _server.CreateClient();
            using var response = await client.PasswordGrantAsync(email, WrongPassword);
            return response.StatusCode;
        });

        Assert.Equal(FreeFailures + 1, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(100 - FreeFailures - 1, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var rightPassword = await owner.PasswordGrantAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightPassword.StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_WithRepeatedWrongSecrets_AreThrottledOnEveryClientAuthenticatedEndpoint()
    {
        using var client = _server.CreateClient();
        for (var i = 0; i < FreeFailures + 1; i++)
        {
            using var failed = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (Fixture.ClientId, "a wrong secret, long enough"));
            await OAuthAssert.IsErrorAsync(failed, HttpStatusCode.Unauthorized, "invalid_client");
        }

        // Now even the right secret waits, on the token, introspection and revocation endpoints alike.
        using (var token = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (Fixture.ClientId, Fixture.ClientSecret)))
        {
            await OAuthAssert.IsErrorAsync(token, HttpStatusCode.TooManyRequests, "slow_down");
            Assert.Equal(TimeSpan.FromSeconds(1), token.Headers.RetryAfter?.Delta);
        }

        using (var introspect = await client.PostFormAsync("oauth/introspect", [("token", "anything")], (Fixture.ClientId, Fixture.ClientSecret)))
        {
            await OAuthAssert.IsErrorAsync(introspect, HttpStatusCode.TooManyRequests, "slow_down");
        }

        using (var revoke = await client.PostFormAsync("oauth/revoke", [("token", "anything")], (Fixture.ClientId, Fixture.ClientSecret)))
        {
            await OAuthAssert.IsErrorAsync(revoke, HttpStatusCode.TooManyRequests, "slow_down");
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        using var granted = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (Fixture.ClientId, Fixture.ClientSecret));
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_For100ConcurrentGuessesAtAnUnknownClient_LetOnlyTheAllowanceThrough()
    {
        var clientId = "guess-" + Guid.NewGuid().ToString("N");

        var statuses = await Concurrently.RunAsync(100, async i =>
        {
            using var client = _server.CreateClient();
            using var response = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (clientId, $"guessed secret number {i}"));
            return response.StatusCode;
        });

        Assert.Equal(FreeFailures + 1, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(100 - FreeFailures - 1, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task PasswordChange_WithRepeatedWrongCurrentPasswords_Gets429AndChangesNothing()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        for (var i = 0; i < FreeFailures + 1; i++)
        {
            using var failed = await ChangePasswordAsync(client, WrongPassword);
            await ProblemAssert.IsAsync(failed, HttpStatusCode.BadRequest, "invalid_current_password");
        }

        using (var throttled = await ChangePasswordAsync(client, TestData.Password))
        {
            await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
        }

        // Guessing through a session and through login draw on one allowance.
        using (var login = await _server.CreateClient().LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, login.StatusCode);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        using var changed = await ChangePasswordAsync(client, TestData.Password);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
    }

    [Fact]
    public async Task AccountDeletion_WithRepeatedWrongCurrentPasswords_Gets429AndDeletesNothing()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        for (var i = 0; i < FreeFailures + 1; i++)
        {
            using var failed = await DeleteAccountAsync(client, WrongPassword);
            await ProblemAssert.IsAsync(failed, HttpStatusCode.BadRequest, "invalid_current_password");
        }

        using (var throttled = await DeleteAccountAsync(client, TestData.Password))
        {
            await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
        }

        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        using var deleted = await DeleteAccountAsync(client, TestData.Password);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task SignUp_ForATakenEmailRepeatedly_Answers409AndNeverHoldsTheOwnersLoginBack()
    {
        // Sign-up is limited per address by rate (DeviceCookieTests), not by the account's failure counter:
        // others signing up with the owner's email must not lock the owner out.
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        for (var i = 0; i < (FreeFailures + 1) * 2; i++)
        {
            using var taken = await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false);
            await ProblemAssert.IsAsync(taken, HttpStatusCode.Conflict, "email_taken");
        }

        using var login = await _server.CreateClient().LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(LatchkeyTestClient client, string currentPassword) =>
        client.PostJsonAsync("api/account/password", new { currentPassword, newPassword = "a brand new passphrase" });

    private static Task<HttpResponseMessage> DeleteAccountAsync(LatchkeyTestClient client, string currentPassword) =>
        client.SendAsync(HttpMethod.Delete, "api/account", new { currentPassword });

    /// <summary>A shared server on a fake clock with a service client; only the per-address allowance is raised.</summary>
    public sealed class Fixture : FakeClockServerFixture
    {
        public const string ClientId = "throttled-svc";
        public const string ClientSecret = "throttled-svc-secret-0123456789";

        /// <inheritdoc />
        protected override void Configure(TestServerOptions options)
        {
            base.Configure(options);
            options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
            options.Settings["Latchkey:Clients:0:ClientId"] = ClientId;
            options.Settings["Latchkey:Clients:0:ClientSecret"] = ClientSecret;
            options.Settings["Latchkey:Clients:0:Scopes"] = "read";
        }
    }
}
