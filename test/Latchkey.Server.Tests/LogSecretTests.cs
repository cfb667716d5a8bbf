using System.Net;
using Latchkey.Keys;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Latchkey.Server.Tests;

/// <summary>
/// No secret reaches the log. Every <see cref="LatchkeyTestServer"/> captures its whole log at Trace and
/// scans it at disposal for the secrets it saw; these tests prove the scan catches a planted secret (so
/// the check every other test gets is not vacuous) and run every credential flow once in one server.
/// </summary>
public sealed class LogSecretTests(ITestOutputHelper output)
{
    private const string NewPassword = "a brand new passphrase";

    public static TheoryData<string, string> PlantedLeaks => new()
    {
        { "message", "session id" },
        { "field", "session id" },
        { "exception", "refresh token" },
        { "scope", "access token" },
        { "signature", "access token signature" },
        { "key", "private signing key" },
    };

    [Theory]
    [MemberData(nameof(PlantedLeaks))]
    public async Task Dispose_WithSecretPlantedInLog_ThrowsNamingKindAndEventButNotTheSecret(string where, string kind)
    {
        var options = new TestServerOptions();
        OAuth.AddClient(options.Settings);
        var server = await LatchkeyTestServer.StartAsync(options);
        string planted;
        try
        {
            using var client = server.CreateClient();
            var pair = await client.SignUpWithTokensAsync();
            await client.LoginAsync(pair.Email!);
            var logger = server.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Latchkey.Planted");
            var eventId = new EventId(9999, "PlantedLeak");
            planted = where switch
            {
                "message" or "field" => client.CookieValue(),
                "exception" => pair.RefreshToken!,
                "scope" => pair.AccessToken,
                "signature" => pair.AccessToken[(pair.AccessToken.LastIndexOf('.') + 1)..],
                _ => Convert.ToBase64String(server.App.Services.GetRequiredService<SigningKeyRing>().Keys[0].Material.ExportPrivateKey()),
            };
            switch (where)
            {
                case "field":
                    logger.Log(LogLevel.Trace, eventId, new Dictionary<string, object?> { ["Value"] = planted }, null, (_, _) => "A field only");
                    break;
                case "exception":
                    logger.LogDebug(eventId, new InvalidOperationException("Bad token " + planted), "An exception");
                    break;
                case "scope":
                    using (logger.BeginScope(new Dictionary<string, object?> { ["Token"] = planted }))
                    {
                        logger.LogInformation(eventId, "Inside a scope");
                    }

                    break;
                default:
#pragma warning disable CA2254 // The leak is the point: the secret goes into the message itself.
                    logger.LogWarning(eventId, "Leaked " + planted);
#pragma warning restore CA2254
                    break;
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        var leak = await Assert.ThrowsAsync<SecretInLogException>(() => server.DisposeAsync().AsTask());

        Assert.Matches($@"{kind} in (the scopes of )?event 9999 PlantedLeak \(Latchkey\.Planted, ", leak.Message);
        Assert.DoesNotContain(planted, leak.Message, StringComparison.Ordinal);
        output.WriteLine(leak.Message);
    }

    [Fact]
    public async Task Dispose_WithSessionIdSentInUrlAndLoggedByLatchkey_StillThrows()
    {
        var server = await LatchkeyTestServer.StartAsync();
        try
        {
            using var client = server.CreateClient();
            await client.SignUpAndLoginAsync();
            var sessionId = client.CookieValue();
            using (var response = await client.DeleteAsync($"api/sessions/{sessionId}"))
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }

            var logger = server.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Latchkey.Planted");
            logger.LogInformation(new EventId(9999, "PlantedLeak"), "Looked up {Id}", sessionId);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        var leak = await Assert.ThrowsAsync<SecretInLogException>(() => server.DisposeAsync().AsTask());

        // ASP.NET Core's request logging wrote the URL the test chose; that alone is not counted, Latchkey's own log is.
        Assert.True(server.LastScan!.SentInUrls > 0, server.LastScan.Summary);
        Assert.Equal(["session id in event 9999 PlantedLeak (Latchkey.Planted, Information)"], server.LastScan.Findings);
        Assert.DoesNotContain("Microsoft.AspNetCore", leak.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_OfProcessOutputWithWatchedToken_FindsItWithoutPrintingIt()
    {
        var secrets = new SecretWatch();
        var token = "lk_rt_" + new string('x', 43);
        secrets.AddToken("refresh token", token);
        secrets.Add("password", "short");

        var scan = secrets.Scan($"info: started\nwarn: refreshing {token[6..]}\n", "the server process's output");

        Assert.Equal(["refresh token without prefix in the server process's output"], scan.Findings);
        Assert.Equal(2, scan.SecretsChecked);
        Assert.DoesNotContain(token[6..], scan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullFlow_AtTraceLevel_LogsNoSecret()
    {
        var options = new TestServerOptions();
        OAuth.AddClient(options.Settings);
        var server = await LatchkeyTestServer.StartAsync(options);
        await using (server)
        {
            using var client = server.CreateClient();
            var email = TestData.NewEmail();
            await client.RegisterAsync(email);
            await ExpectAsync(HttpStatusCode.Unauthorized, client.LoginAsync(email, "not the right password"));
            await ExpectAsync(HttpStatusCode.Unauthorized, client.LoginAsync(TestData.NewEmail(), "not the right password"));
            await ExpectAsync(HttpStatusCode.OK, client.LoginAsync(email));
            await ExpectAsync(HttpStatusCode.OK, client.GetAsync("api/session"));
            await ExpectAsync(HttpStatusCode.OK, client.PostJsonAsync("api/session/token", new { }));
            await ExpectAsync(HttpStatusCode.Forbidden, client.SendAsync(HttpMethod.Delete, "api/session", csrf: false));

            var pair = await client.LoginWithTokensAsync(email);
            var next = await client.RefreshOkAsync(pair);
            await ExpectAsync(HttpStatusCode.BadRequest, client.RefreshAsync(pair.RefreshToken!));
            await ExpectAsync(HttpStatusCode.Unauthorized, client.MeAsync(next.AccessToken));
            var other = await client.LoginWithTokensAsync(email);
            await client.IntrospectAsync(other.AccessToken);
            await client.IntrospectAsync(other.RefreshToken!);
            await ExpectAsync(HttpStatusCode.OK, client.MeAsync(other.AccessToken));
            await client.RevokeAsync(other.AccessToken);
            await client.RevokeAsync(other.RefreshToken!);
            await ExpectAsync(HttpStatusCode.Unauthorized, client.MeAsync(other.AccessToken + "x"));

            await ExpectAsync(HttpStatusCode.OK, client.ClientCredentialsAsync());
            await ExpectAsync(HttpStatusCode.Unauthorized, client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], (OAuth.ClientId, "a wrong secret of some length")));
            await ExpectAsync(HttpStatusCode.Unauthorized, client.PostFormAsync(
                "oauth/token", [("grant_type", "client_credentials"), ("client_id", OAuth.ClientId), ("client_secret", "another wrong secret, in the form")]));

            await ExpectAsync(HttpStatusCode.BadRequest, client.PostJsonAsync("api/account/password", new { currentPassword = "not the right password", newPassword = NewPassword }));
            await ExpectAsync(HttpStatusCode.NoContent, client.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = NewPassword }));
            await server.App.Services.GetRequiredService<KeyRingManager>().RotateNowAsync(CancellationToken.None);
            var afterRotation = await client.LoginWithTokensAsync(email, NewPassword);
            await ExpectAsync(HttpStatusCode.OK, client.MeAsync(afterRotation.AccessToken));
            await ExpectAsync(HttpStatusCode.NoContent, client.DeleteAsync("api/sessions"));
        }

        var scan = server.LastScan!;
        output.WriteLine(scan.Summary);
        Assert.Empty(scan.Findings);
        foreach (var kind in (string[])["password", "session id", "access token", "access token signature", "refresh token", "client secret", "private signing key", "master secret"])
        {
            Assert.Contains(kind, server.Secrets.Kinds);
        }

        // Trace and Debug events of the framework were captured, so the scan covered them too.
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Debug && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Trace);
        Assert.Contains(server.Logs.Entries, e => e.EventId.Name == "RefreshReuseDetected");
        Assert.True(scan.LinesScanned > 100, $"Only {scan.LinesScanned} log lines were captured.");
    }

    private static async Task ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)status}.");
    }
}
