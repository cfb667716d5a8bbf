using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Admin;

/// <summary>
/// The operator commands that go with the admin API, run as real processes against the embedded SQLite store:
/// the first admin, roles, an account's sessions, and the signing keys.
/// </summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task CreateAdmin_PrintsAPasswordOnce_ThatOpensTheAdminApi_AndRolesComeAndGo()
    {
        var email = TestData.NewEmail();
        var (exit, output) = await RunAsync("accounts", "create", email, "--admin", "--json");
        Assert.True(exit == 0, output);
        var answer = Json(output);
        Assert.Equal("done", answer["result"]!.GetValue<string>());
        var id = answer["id"]!.GetValue<string>();
        var password = answer["password"]!.GetValue<string>();
        Assert.True(password.Length >= 20);

        var (again, againOutput) = await RunAsync("accounts", "create", email.ToUpperInvariant(), "--json");
        Assert.Equal(4, again);
        Assert.Equal("conflict", Json(againOutput)["result"]!.GetValue<string>());
        Assert.Equal(2, (await RunAsync("accounts", "create", "not-an-address")).ExitCode);
        Assert.Equal(2, (await RunAsync("accounts", "disable", email, "--admin")).ExitCode);

        await using (var server = await StartAsync())
        {
            using var admin = server.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync(email, password)).StatusCode);
            using var me = await admin.GetAsync($"admin/accounts/{id}");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var account = await me.ReadJsonObjectAsync();
            Assert.Equal(["admin"], account["account"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
            Assert.True(account["account"]!["emailVerified"]!.GetValue<bool>());
        }

        Assert.Equal(0, (await RunAsync("accounts", "revoke-admin", id)).ExitCode);
        await using (var server = await StartAsync())
        {
            using var former = server.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await former.LoginAsync(email, password)).StatusCode);
            await ProblemAssert.IsAsync(await former.GetAsync("admin/accounts"), HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal(0, (await RunAsync("accounts", "grant-admin", email)).ExitCode);
        Assert.Equal(3, (await RunAsync("accounts", "grant-admin", "nobody@example.com")).ExitCode);

        var (found, foundOutput) = await RunAsync("accounts", "find", email[5..20].ToUpperInvariant(), "--json");
        Assert.True(found == 0, foundOutput);
        var match = Assert.Single(JsonNode.Parse(foundOutput.Split('\n').First(l => l.StartsWith('[')))!.AsArray());
        Assert.Equal(id, match!["id"]!.GetValue<string>());
        Assert.Equal(["admin"], match["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("[]", (await RunAsync("accounts", "find", "no-such-part-anywhere", "--json")).Output.Split('\n').First(l => l.StartsWith('[')).Trim());

        var (reset, resetOutput) = await RunAsync("accounts", "reset-mfa", email, "--json");
        Assert.True(reset == 0, resetOutput);
        Assert.Equal("done", Json(resetOutput)["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task SessionsCommands_ListAndEndTheSessionsOfAnAccount()
    {
        var email = TestData.NewEmail();
        string laptopCookie, phoneCookie, laptopSession;
        await using (var server = await StartAsync())
        {
            using var laptop = server.CreateClient();
            await laptop.SignUpAndLoginAsync(email);
            using var phone = server.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await phone.LoginAsync(email)).StatusCode);
            laptopCookie = laptop.Cookie!;
            phoneCookie = phone.Cookie!;
            laptopSession = (await (await laptop.GetAsync("api/session")).ReadJsonObjectAsync())["session"]!["id"]!.GetValue<string>();
        }

        var (listed, listOutput) = await RunAsync("sessions", "list", email, "--json");
        Assert.True(listed == 0, listOutput);
        var sessions = Json(listOutput)["sessions"]!.AsArray();
        Assert.Equal(2, sessions.Count);
        Assert.Contains(sessions, s => s!["id"]!.GetValue<string>() == laptopSession);

        Assert.Equal(0, (await RunAsync("sessions", "end", email, laptopSession)).ExitCode);
        Assert.Equal(3, (await RunAsync("sessions", "end", email, laptopSession)).ExitCode);
        await using (var server = await StartAsync())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(server, laptopCookie));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(server, phoneCookie));
        }

        Assert.Equal(0, (await RunAsync("sessions", "end", email, "--all")).ExitCode);
        await using (var server = await StartAsync())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(server, phoneCookie));
        }

        Assert.Empty(Json((await RunAsync("sessions", "list", email, "--json")).Output)["sessions"]!.AsArray());
        Assert.Equal(2, (await RunAsync("sessions", "end", email)).ExitCode);
    }

    [Fact]
    public async Task KeysCommands_ListAndRetire()
    {
        Assert.Equal(0, (await RunAsync("keys", "rotate")).ExitCode);
        var (listed, output) = await RunAsync("keys", "list", "--json");
        Assert.True(listed == 0, output);
        var keys = JsonNode.Parse(output.Split('\n').First(l => l.StartsWith('[')))!.AsArray();
        Assert.Equal(["pending", "signing"], keys.Select(k => k!["state"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var signing = keys.Single(k => k!["state"]!.GetValue<string>() == "signing")!["kid"]!.GetValue<string>();

        var (retired, retireOutput) = await RunAsync("keys", "retire", signing);
        Assert.True(retired == 0, retireOutput);
        Assert.Contains($"Signing key {signing} retired", retireOutput, StringComparison.Ordinal);
        Assert.Equal(3, (await RunAsync("keys", "retire", signing)).ExitCode);

        // Key ids are base64url, so one in 64 begins with '-' and one in 4096 with "--": operands, not switches.
        foreach (var dashes in new[] { "-", "--" })
        {
            var id = dashes + "X" + signing.TrimStart('-');
            var (dashed, dashedOutput) = await RunAsync("keys", "retire", id);
            Assert.True(dashed == 3, dashedOutput);
            Assert.Contains($"No signing key has the id {id}.", dashedOutput, StringComparison.Ordinal);
        }

        var after = JsonNode.Parse((await RunAsync("keys", "list", "--json")).Output.Split('\n').First(l => l.StartsWith('[')))!.AsArray();
        Assert.DoesNotContain(after, k => k!["kid"]!.GetValue<string>() == signing);
        Assert.Equal(["signing"], after.Select(k => k!["state"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("--json", true)]
    [InlineData("--redirect-uri", true)]
    [InlineData("--urls", true)]
    [InlineData("--Latchkey:DataDirectory=/tmp/x", true)]
    [InlineData("--Latchkey:Issuer", true)]
    [InlineData("--environment=Production", true)]
    [InlineData("--Xb3_kD9q", false)]
    [InlineData("--sha256", true)]
    [InlineData("--aB3", false)]
    [InlineData("--3ab", false)]
    [InlineData("--abc-", false)]
    [InlineData("--a--b", false)]
    [InlineData("--", false)]
    [InlineData("-json", false)]
    [InlineData("json", false)]
    public void IsSwitch_KnowsSwitchesByShape_SoThatIdsBeginningWithDashesAreOperands(string arg, bool expected) =>
        Assert.Equal(expected, AccountCommands.IsSwitch(arg));

    private Task<(int ExitCode, string Output)> RunAsync(params string[] command) =>
        ServerProcess.RunCommandAsync([.. command, $"--Latchkey:DataDirectory={_dataDirectory}", "--Logging:LogLevel:Default=Warning"]);

    private Task<LatchkeyTestServer> StartAsync() => LatchkeyTestServer.StartAsync(new TestServerOptions { DataDirectory = _dataDirectory });

    private static async Task<HttpStatusCode> MeAsync(LatchkeyTestServer server, string cookie)
    {
        using var client = server.CreateClient();
        client.Cookie = cookie;
        using var response = await client.GetAsync("api/me");
        return response.StatusCode;
    }

    // Logs go to standard error and are read along: the answer is the one JSON line.
    private static JsonObject Json(string output) => JsonNode.Parse(output.Split('\n').First(l => l.StartsWith('{')))!.AsObject();
}
