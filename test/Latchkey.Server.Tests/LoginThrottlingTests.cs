using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Throttling of failed logins per account (defaults: 5 free failures, then a doubling delay), on a fake
/// clock so that the delays are exact. The per-address allowance is raised here so that the tests of
/// this class, which all come from 127.0.0.1, do not throttle each other.
/// </summary>
public sealed class LoginThrottlingTests(LoginThrottlingTests.ThrottleServerFixture fixture) : IClassFixture<LoginThrottlingTests.ThrottleServerFixture>
{
    private const string WrongPassword = "not the right password";
    private const int FreeFailures = 5;
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly FakeTimeProvider _time = fixture.Time;

    [Fact]
    public async Task Login_WithFiveWrongPasswords_AnswersEach401()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        for (var i = 0; i < FreeFailures; i++)
        {
            using var response = await client.LoginAsync(email, WrongPassword);
            await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "invalid_credentials");
        }
    }

    [Fact]
    public async Task Login_WithRepeatedWrongPasswords_EventuallyReturns429WithRetryAfter()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        using var throttled = await FailUntilThrottledAsync(client, email);

        await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After was {retryAfter}.");
        Assert.Null(LatchkeyTestClient.SessionSetCookie(throttled));
    }

    [Fact]
    public async Task Login_WhileThrottled_RefusesEvenTheRightPassword()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        using var throttled = await FailUntilThrottledAsync(client, email);

        using var response = await client.LoginAsync(email);

        await ProblemAssert.IsAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        Assert.Null(client.Cookie);
    }

    [Fact]
    public async Task Login_AfterWaitingRetryAfter_SucceedsWithRightPassword()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        using var throttled = await FailUntilThrottledAsync(client, email);

        _time.Advance(throttled.Headers.RetryAfter!.Delta!.Value);
        using var response = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await client.MeStatusAsync());
    }

    [Fact]
    public async Task Login_SucceedingAfterFiveFailures_ResetsTheAccountCounter()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        for (var i = 0; i < FreeFailures; i++)
        {
            using var failed = await client.LoginAsync(email, WrongPassword);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var success = await client.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        }

        // Without the reset these would be failures 6 to 11, and the second of them would already be throttled.
        for (var i = 0; i < FreeFailures + 1; i++)
        {
            using var failed = await client.LoginAsync(email, WrongPassword);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }
    }

    [Fact]
    public async Task Login_ForOtherAccountWhileOneIsThrottled_Succeeds()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        using var throttled = await FailUntilThrottledAsync(client, email);
        using var other = _server.CreateClient();
        var otherEmail = TestData.NewEmail();
        await other.RegisterAsync(otherEmail);

        using var response = await other.LoginAsync(otherEmail);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_WithRepeatedFailuresForUnknownEmail_IsThrottledToo()
    {
        using var client = _server.CreateClient();

        using var throttled = await FailUntilThrottledAsync(client, TestData.NewEmail());

        await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
    }

    [Fact]
    public async Task Login_WithFailuresUnderDifferentEmailCase_CountsAgainstOneAccount()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        for (var i = 0; i < FreeFailures + 1; i++)
        {
            var spelling = i % 2 == 0 ? email.ToUpperInvariant() : $"  {email} ";
            using var failed = await client.LoginAsync(spelling, WrongPassword);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var response = await client.LoginAsync(email);

        await ProblemAssert.IsAsync(response, HttpStatusCode.TooManyRequests, "too_many_attempts");
    }

    private static async Task<HttpResponseMessage> FailUntilThrottledAsync(LatchkeyTestClient client, string email)
    {
        for (var attempt = 1; attempt <= FreeFailures + 3; attempt++)
        {
            var response = await client.LoginAsync(email, WrongPassword);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(attempt > FreeFailures, $"Throttled after only {attempt - 1} failures; {FreeFailures} are free.");
                return response;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            response.Dispose();
        }

        throw new Xunit.Sdk.XunitException($"No 429 after {FreeFailures + 3} wrong passwords.");
    }

    /// <summary>A shared server on a fake clock; only the per-address allowance differs from the defaults.</summary>
    public sealed class ThrottleServerFixture : FakeClockServerFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options)
        {
            base.Configure(options);
            options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        }
    }
}
