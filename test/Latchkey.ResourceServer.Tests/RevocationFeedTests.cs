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
