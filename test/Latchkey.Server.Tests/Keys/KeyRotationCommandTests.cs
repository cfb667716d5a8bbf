using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Keys;

public sealed class KeyRotationCommandTests
{
    [Fact]
    public async Task KeysRotate_FromCommandLine_PublishesNewKeyThatDoesNotSignYet()
    {
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            string firstKid;
            await using (var before = await LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = dataDirectory }))
            {
                firstKid = Assert.Single(await KidsAsync(before)).Kid;
            }

            var (exitCode, output) = await RunAsync("keys", "rotate", $"--Latchkey:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning");
            Assert.True(exitCode == 0, output);
            Assert.Contains("New signing key", output, StringComparison.Ordinal);

            await using var after = await LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = dataDirectory });
            var keys = await KidsAsync(after);
            Assert.Equal(2, keys.Count);
            Assert.Equal(firstKid, keys[0].Kid);
            Assert.Contains(keys[1].Kid, output, StringComparison.Ordinal);

            // The new key is published ahead of use: tokens are still signed by the first one.
            using var client = after.CreateClient();
            var email = TestData.NewEmail();
            await client.RegisterAsync(email);
            using var token = await client.Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["username"] = email,
                ["password"] = TestData.Password,
            }));
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            var accessToken = (await token.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();
            var header = JsonNode.Parse(Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(accessToken.Split('.')[0])))!;
            Assert.Equal(firstKid, header["kid"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<List<(string Kid, string Alg)>> KidsAsync(LatchkeyTestServer server)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync(".well-known/jwks.json");
        var keys = (await response.ReadJsonObjectAsync())["keys"]!.AsArray();
        return keys.Select(k => (k!["kid"]!.GetValue<string>(), k["alg"]!.GetValue<string>())).ToList();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(ServerProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerProcess.ServerDllPath());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
