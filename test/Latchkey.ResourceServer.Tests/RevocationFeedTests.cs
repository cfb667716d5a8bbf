using System.Diagnostics;
using System.Net;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Latchkey.ResourceServer.Tests;

/// <summary>A resource server subscribed to Latchkey's revocation feed refuses revoked tokens before they expire.</summary>
public sealed class RevocationFeedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RevokedAtLatchkey_IsRefusedByTheResourceServer()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = new TestServerOptions { Time = time };
        LatchkeyTokens.DeclareClients(options);
        await using var server = await LatchkeyTestServer.StartAsync(options);
        await using var api = await ResourceApiHost.StartAsync(server.BaseAddress.ToString().TrimEnd('/'), time, builder =>
        {
            builder.Configuration["Latchkey:RevocationClientId"] = LatchkeyTokens.ReporterId;
            builder.Configuration["Latchkey:RevocationClientSecret"] = LatchkeyTokens.ReporterSecret;
        });
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(server);
        var (other, _) = await LatchkeyTokens.PasswordGrantAsync(server);
        // Twice, so that the token is served from the validated-token cache when it is revoked.
        for (var i = 0; i < 2; i++)
        {
            using var before = await api.GetAsync("hello", token);
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var client = server.CreateClient();
        using (var revoke = await client.Http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token })))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var after = await api.GetAsync("hello", token);
            status = after.StatusCode;
        }
        while (status == HttpStatusCode.OK && watch.Elapsed < TimeSpan.FromSeconds(10));

        output.WriteLine($"Revocation reached the resource server after {watch.Elapsed.TotalMilliseconds:F1} ms.");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        using var untouched = await api.GetAsync("hello", other);
        Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
    }

    [Fact]
    public async Task RevokedBeforeTheResourceServerStarted_IsRefusedFromTheFirstRequest()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = new TestServerOptions { Time = time };
        LatchkeyTokens.DeclareClients(options);
        await using var server = await LatchkeyTestServer.StartAsync(options);
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(server);
        using var client = server.CreateClient();
        using (var revoke = await client.Http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token })))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await using var api = await ResourceApiHost.StartAsync(server.BaseAddress.ToString().TrimEnd('/'), time, builder =>
        {
            builder.Configuration["Latchkey:RevocationClientId"] = LatchkeyTokens.ReporterId;
            builder.Configuration["Latchkey:RevocationClientSecret"] = LatchkeyTokens.ReporterSecret;
        });

        using var response = await api.GetAsync("hello", token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task FeedNeverReady_TokenRefusedAsRevocationsUnavailable_AfterTheHttpTimeout()
    {
        // A wrong secret: the feed is refused at every attempt, so the revocations never become known.
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = new TestServerOptions { Time = time };
        LatchkeyTokens.DeclareClients(options);
        await using var server = await LatchkeyTestServer.StartAsync(options);
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(server);
        await using var api = await ResourceApiHost.StartAsync(server.BaseAddress.ToString().TrimEnd('/'), time, builder =>
        {
            builder.Configuration["Latchkey:RevocationClientId"] = LatchkeyTokens.ReporterId;
            builder.Configuration["Latchkey:RevocationClientSecret"] = "not-the-reporter-secret";
        });

        var request = api.GetAsync("hello", token);
        for (var i = 0; i < 200 && !request.IsCompleted; i++)
        {
            // The wait for the first snapshot is bounded by HttpTimeout (5 s) on the API's clock.
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        using var response = await request;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Contains(api.Logs.Entries, l => l.EventId.Name == "TokenRefused" && l.Text.Contains("RevocationsUnavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Feed_WithoutClientCredentials_Returns401()
    {
        var options = new TestServerOptions();
        LatchkeyTokens.DeclareClients(options);
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        using var response = await client.Http.GetAsync("oauth/revocations");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
