using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Accounts;

/// <summary><c>accounts disable|enable|delete</c> run as the server process, against a stopped server's data directory.</summary>
public sealed class AccountCommandTests
{
    [Fact]
    public async Task AccountsCommands_DisableEnableDelete_ChangeTheAccountAndExitWithTheirCodes()
    {
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            var email = TestData.NewEmail();
            string id;
            await using (var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = dataDirectory }))
            {
                using var client = server.CreateClient();
                id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
            }

            var disable = await RunAsync(dataDirectory, "disable", email, "--json");
            Assert.True(disable.ExitCode == 0, disable.Output);
            var json = JsonNode.Parse(disable.Output.Split('\n').First(l => l.StartsWith('{')))!; // logs follow, on standard error
            Assert.Equal("done", json["result"]!.GetValue<string>());
            Assert.Equal(id, json["id"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.Forbidden, await LoginStatusAsync(dataDirectory, email));

            var enable = await RunAsync(dataDirectory, "enable", id);
            Assert.True(enable.ExitCode == 0, enable.Output);
            Assert.Equal(HttpStatusCode.OK, await LoginStatusAsync(dataDirectory, email));

            var delete = await RunAsync(dataDirectory, "delete", id);
            Assert.True(delete.ExitCode == 0, delete.Output);
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync(dataDirectory, email));
            Assert.DoesNotContain(new LatchkeyDatabase(dataDirectory).AllValues(), v => v.Value is string s && s.Contains(email, StringComparison.OrdinalIgnoreCase));

            var missing = await RunAsync(dataDirectory, "delete", id, "--json");
            Assert.Equal(3, missing.ExitCode);
            Assert.Contains("\"not_found\"", missing.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("accounts")]
    [InlineData("accounts", "ban", "someone@example.com")]
    [InlineData("accounts", "delete")]
    [InlineData("accounts", "delete", "--json")]
    public async Task AccountsCommand_Malformed_ExitsWithUsage(params string[] args)
    {
        var (exitCode, output) = await ServerProcess.RunCommandAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains("usage: accounts", output, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string dataDirectory, string action, string target, params string[] extra) =>
        ServerProcess.RunCommandAsync(["accounts", action, target, .. extra, $"--Latchkey:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning"]);

    private static async Task<HttpStatusCode> LoginStatusAsync(string dataDirectory, string email)
    {
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = dataDirectory });
        using var client = server.CreateClient();
        using var response = await client.LoginAsync(email);
        return response.StatusCode;
    }
}
