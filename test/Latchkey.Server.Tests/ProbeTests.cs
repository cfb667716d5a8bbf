using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Data.Sqlite;

namespace Latchkey.Server.Tests;

/// <summary><c>/healthz</c> and <c>/readyz</c>, and how the API answers while the store is down.</summary>
public sealed class ProbeTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Healthz_WhileRunning_Returns200()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthzAndMe_AnswerInOnePiece_WithContentLength_NotChunked()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);

        foreach (var (path, expected) in new[] { ("healthz", "\"status\":\"ok\""), ("api/me", $"\"email\":\"{email}\"") })
        {
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Contains(expected, System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Readyz_WhenStoreAnswers_Returns200()
    {
        using var client = _server.CreateClient();

        using var response = await client.GetAsync("readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_WhenStoreCannotOpenDatabase_Returns503AndApiAnswers503StoreUnavailable()
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        var aside = directory + ".aside";
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = directory });
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.SignUpAndLoginAsync(email);
        try
        {
            // Take the database away: close pooled handles, move the directory aside, and put a
            // regular file where it was, so that SQLite cannot open (or create) the database.
            SqliteConnection.ClearAllPools();
            Directory.Move(directory, aside);
            await File.WriteAllTextAsync(directory, "not a directory");

            using (var ready = await client.GetAsync("readyz"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            }

            using (var health = await server.CreateClient().GetAsync("healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            using (var health = await client.GetAsync("healthz"))
            {
                // Liveness must not hang on the store, even when the request carries a session cookie.
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            using (var login = await server.CreateClient().LoginAsync(email))
            {
                await ProblemDetailsAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "store_unavailable");
                Assert.Null(LatchkeyTestClient.SessionSetCookie(login));
            }

            using (var register = await client.PostJsonAsync("api/accounts", new { email = TestData.NewEmail(), password = TestData.Password }, csrf: false))
            {
                await ProblemDetailsAssert.IsProblemAsync(register, HttpStatusCode.ServiceUnavailable, "store_unavailable");
            }

            using (var me = await client.GetAsync("api/me"))
            {
                // The cookie cannot be checked: neither let in nor told it is logged out.
                await ProblemDetailsAssert.IsProblemAsync(me, HttpStatusCode.ServiceUnavailable, "store_unavailable");
            }

            // The store comes back: the same data, the same session.
            File.Delete(directory);
            Directory.Move(aside, directory);

            using (var ready = await client.GetAsync("readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            using (var me = await client.GetAsync("api/me"))
            {
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            }

            using var again = await server.CreateClient().LoginAsync(email);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        finally
        {
            if (File.Exists(directory))
            {
                File.Delete(directory);
            }

            if (Directory.Exists(aside))
            {
                Directory.Move(aside, directory);
            }
        }
    }
}
