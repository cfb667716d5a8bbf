using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Sessions live in the data directory: stop the server, start a new one on the same directory (on
/// another port), and the same cookie value still works. Every test owns its directory.
/// </summary>
public sealed class RestartSurvivalTests : IDisposable
{
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    [Fact]
    public async Task Session_AfterRestartOnSameDataDirectory_StillWorks()
    {
        string cookie;
        string email;
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            email = TestData.NewEmail();
            await client.SignUpAndLoginAsync(email);
            cookie = client.Cookie!;
            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = second.CreateClient();
        again.Cookie = cookie;
        using var me = await again.GetAsync("api/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.ReadJsonObjectAsync();
        Assert.Equal(email, body["email"]!.GetValue<string>());
        Assert.Equal("session", body["authMethod"]!.GetValue<string>());
    }

    [Fact]
    public async Task Session_AfterRestart_KeepsItsIdTimesAndCsrfToken()
    {
        string cookie;
        string csrf;
        string before;
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            await client.SignUpAndLoginAsync();
            (cookie, csrf) = (client.Cookie!, client.CsrfToken!);
            using var session = await client.GetAsync("api/session");
            before = (await session.ReadJsonObjectAsync())["session"]!.ToJsonString();
            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = second.CreateClient();
        again.Cookie = cookie;
        using var response = await again.GetAsync("api/session");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(csrf, body["csrfToken"]!.GetValue<string>());
        var after = body["session"]!.AsObject();
        var original = System.Text.Json.Nodes.JsonNode.Parse(before)!.AsObject();
        foreach (var field in (string[])["id", "createdAt", "absoluteExpiresAt"])
        {
            Assert.Equal(original[field]!.ToJsonString(), after[field]!.ToJsonString());
        }
    }

    [Fact]
    public async Task CsrfToken_AfterRestart_StillAuthorizesLogout()
    {
        string cookie;
        string csrf;
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            await client.SignUpAndLoginAsync();
            (cookie, csrf) = (client.Cookie!, client.CsrfToken!);
            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = second.CreateClient();
        again.Cookie = cookie;
        again.CsrfToken = csrf;
        using var logout = await again.DeleteAsync("api/session");

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await second.MeStatusWithCookieAsync(cookie));
    }

    [Fact]
    public async Task LoggedOutSession_AfterRestart_StaysRejected()
    {
        string cookie;
        string liveCookie;
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            var email = TestData.NewEmail();
            await client.SignUpAndLoginAsync(email);
            cookie = client.Cookie!;
            using var other = await first.LoginAsNewClientAsync(email);
            liveCookie = other.Cookie!;
            using var logout = await client.DeleteAsync("api/session");
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            await first.StopAsync();
        }

        await using var second = await StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await second.MeStatusWithCookieAsync(cookie));
        Assert.Equal(HttpStatusCode.OK, await second.MeStatusWithCookieAsync(liveCookie));
    }

    [Fact]
    public async Task Account_AfterRestart_CanLogInAgain()
    {
        var email = TestData.NewEmail();
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            await client.RegisterAsync(email);
            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = second.CreateClient();
        using var login = await again.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await again.MeStatusAsync());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private Task<LatchkeyTestServer> StartAsync() =>
        LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = _dataDirectory });
}
