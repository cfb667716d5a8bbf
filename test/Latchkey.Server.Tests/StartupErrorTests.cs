using System.Security.Cryptography;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Start-up errors as an operator meets them: the server process (<c>dotnet Latchkey.Server.dll</c>, with the
/// default logging) exits with code 78 and prints one line per problem, <c>key: what is wrong</c>, and no stack
/// trace. <see cref="ConfigurationValidationTests"/> checks, in process, that each bad value is caught.
/// </summary>
public sealed class StartupErrorTests : IDisposable
{
    private const string MasterSecretKey = "Latchkey:Keys:MasterSecret";
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    [Fact]
    public async Task Start_WithAnotherMasterSecretThanTheStoredKeys_ExitsWithOneLineNamingTheMasterSecret()
    {
        var writer = NewMasterSecret();
        var other = NewMasterSecret();
        var rotate = await ServerProcess.RunCommandAsync("keys", "rotate", $"--Latchkey:DataDirectory={_dataDirectory}", $"--{MasterSecretKey}={writer}");
        Assert.True(rotate.ExitCode == 0, rotate.Output);

        var server = await RunServerAsync($"--{MasterSecretKey}={other}");
        var command = await ServerProcess.RunCommandAsync("keys", "rotate", $"--Latchkey:DataDirectory={_dataDirectory}", $"--{MasterSecretKey}={other}");

        foreach (var run in new[] { server, command })
        {
            var line = AssertOneLinePerKey(run, MasterSecretKey);
            Assert.Contains("cannot decrypt signing key", line, StringComparison.Ordinal);
            Assert.DoesNotContain(writer, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(other, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_OnPostgreSqlWithoutMasterSecret_RefusesWithOneLineAndGeneratesNone()
    {
        var postgreSql = await PostgreSqlServer.GetAsync();
        var store = $"--ConnectionStrings:Latchkey={await postgreSql.CreateDatabaseAsync()}";

        var server = await RunServerAsync(store);
        var command = await ServerProcess.RunCommandAsync("keys", "rotate", $"--Latchkey:DataDirectory={_dataDirectory}", store);

        foreach (var run in new[] { server, command })
        {
            var line = AssertOneLinePerKey(run, MasterSecretKey);
            Assert.Contains("must be set, the same on every node", line, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_dataDirectory, Latchkey.Security.MasterSecret.FileName)), "A per-node master secret was generated.");
    }

    [Fact]
    public async Task Start_WithSeveralInvalidSettings_PrintsOneLinePerKey()
    {
        var run = await RunServerAsync(
            "--Latchkey:Sessions:PruneInterval=00:00:00",
            "--Latchkey:Passwords:Iterations=0",
            "--Latchkey:Keys:RefreshInterval=00:00:00",
            "--Latchkey:Mfa:TotpIssuer=Acme:Corp",

            // Read while the pipeline is built, before the host starts: still reported with the others.
            "--Latchkey:Network:TrustedProxies:0=10.0.0.0/33");

        AssertOneLinePerKey(
            run,
            "Latchkey:Sessions:PruneInterval", "Latchkey:Passwords:Iterations", "Latchkey:Keys:RefreshInterval", "Latchkey:Mfa:TotpIssuer",
            "Latchkey:Network:TrustedProxies:0");
    }

    public static TheoryData<string, string> OtherConfigurationErrors => new()
    {
        // Not of the option's type: the binder's failure.
        { "Latchkey:Sessions:IdleTimeout", "half an hour" },
        { "Latchkey:Mfa:Required", "Sometimes" },

        // A store combination that cannot work.
        { "ConnectionStrings:Redis", "127.0.0.1:1" },
    };

    [Theory]
    [MemberData(nameof(OtherConfigurationErrors))]
    public async Task Start_WithOtherConfigurationError_PrintsOneLineNamingTheKey(string key, string value)
    {
        var run = await RunServerAsync($"--{key}={value}");

        AssertOneLinePerKey(run, key);
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

    private static string NewMasterSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // The server as an operator starts it: its own port and data directory, default logging. A start that does not
    // fail runs on, and RunCommandAsync fails the test after a minute.
    private Task<(int ExitCode, string Output)> RunServerAsync(params string[] settings) =>
        ServerProcess.RunCommandAsync(
            ["--urls", $"http://127.0.0.1:{ExternalProcess.FreePort()}", $"--Latchkey:DataDirectory={_dataDirectory}", .. settings]);

    // Exit code 78, no stack trace, and the output is exactly one line for each key; returns the first line.
    private static string AssertOneLinePerKey((int ExitCode, string Output) run, params string[] keys)
    {
        Assert.True(run.ExitCode == 78, $"Exit code {run.ExitCode}, not 78. Output:\n{run.Output}");
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var named = lines.Select(line => keys.SingleOrDefault(key => line.StartsWith(key + ": ", StringComparison.Ordinal))).ToList();
        Assert.True(lines.Length == keys.Length && !named.Contains(null) && named.Distinct().Count() == keys.Length,
            $"Expected one line per key ({string.Join(", ", keys)}), each starting 'key: '. Output:\n{run.Output}");
        return lines[0];
    }
}
