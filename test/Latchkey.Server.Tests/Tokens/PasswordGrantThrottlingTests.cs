using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>The password grant shares the login throttle with session login: guessing is slowed, never answered 5xx.</summary>
public sealed class PasswordGrantThrottlingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private LatchkeyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LatchkeyTestServer.StartAsync(new TestServerOptions { Time = _time });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PasswordGrant_AfterRepeatedFailures_Returns429WithRetryAfterUntilDelayPasses()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        // Five failures are free; the sixth starts the delay.
        for (var i = 0; i < 6; i++)
        {
            using var failure = await client.PasswordGrantAsync(email, "not the password at all");
            await OAuthAssert.IsErrorAsync(failure, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using (var throttled = await client.PasswordGrantAsync(email))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal("no-store", throttled.Headers.CacheControl?.ToString());
            Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero, "A throttled answer says when to come back.");
            var body = await throttled.ReadJsonObjectAsync();
            Assert.False(string.IsNullOrEmpty(body["error"]?.GetValue<string>()));
            Assert.False(body.ContainsKey("access_token"));
        }

        _time.Advance(TimeSpan.FromMinutes(16));

        await client.LoginWithTokensAsync(email);
    }
}
