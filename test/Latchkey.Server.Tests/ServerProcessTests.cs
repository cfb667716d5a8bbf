using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// The server as deployment scripts run it: <c>dotnet Latchkey.Server.dll --urls ...</c> in its own OS
/// process, killed without warning and started again on the same data directory.
/// </summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    [Fact]
    public void ServerDll_ForThisConfiguration_IsBuilt()
    {
        var dll = ServerProcess.ServerDllPath();

        Assert.True(File.Exists(dll), $"Missing server build output: {dll}");
    }

    [Fact]
    public async Task Session_AfterServerProcessIsKilledAndRestarted_StillWorks()
    {
        string cookie;
        string email;
        await using (var first = await ServerProcess.StartAsync(_dataDirectory))
        {
            using var client = first.CreateClient();
            email = TestData.NewEmail();
            await client.SignUpAndLoginAsync(email);
            using var me = await client.GetAsync("api/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(email, (await me.ReadJsonObjectAsync())["email"]!.GetValue<string>());
            cookie = client.Cookie!;
            await first.KillAsync();
        }

        Assert.True(File.Exists(Path.Combine(_dataDirectory, "latchkey.db")), "The data directory holds no latchkey.db.");

        await using var second = await ServerProcess.StartAsync(_dataDirectory);
        using var again = new LatchkeyTestClient(second.BaseAddress, second.Secrets) { Cookie = cookie };
        using var after = await again.GetAsync("api/me");

        Assert.True(after.StatusCode == HttpStatusCode.OK, $"GET /api/me after restart answered {(int)after.StatusCode}. Server output:\n{second.Output}");
        var body = await after.ReadJsonObjectAsync();
        Assert.Equal(email, body["email"]!.GetValue<string>());
        Assert.Equal("session", body["authMethod"]!.GetValue<string>());
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
}
