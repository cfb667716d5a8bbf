using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// Argon2id parameters in the stored PHC string: the production defaults, and the upgrade of a weaker
/// hash at the next login after the configured parameters were raised.
/// </summary>
public sealed partial class PasswordHashUpgradeTests
{
    [Fact]
    public async Task Register_WithProductionDefaults_StoresArgon2idAtOwaspMinimumAndLogsIn()
    {
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { FastPasswordHashing = false });
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        var database = new LatchkeyDatabase(server.DataDirectory);

        var id = (await client.RegisterAsync(email))["id"]!.GetValue<string>();
        var stored = database.PasswordHashOf(id);
        using var login = await client.LoginAsync(email);
        using var wrong = await server.CreateClient().LoginAsync(email, "not the password");

        AssertPhc(stored, memoryKiB: 19456, iterations: 2);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(stored, database.PasswordHashOf(id));
    }

    [Fact]
    public async Task Login_AfterParametersWereRaised_UpgradesStoredHashAndStillLogsIn()
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            var email = TestData.NewEmail();
            string id;
            var weak = await LatchkeyTestServer.StartAsync(WithParameters(directory, memoryKiB: 1024, iterations: 1));
            try
            {
                id = (await weak.CreateClient().RegisterAsync(email))["id"]!.GetValue<string>();
            }
            finally
            {
                await weak.StopAsync();
            }

            var database = new LatchkeyDatabase(directory);
            var weakHash = database.PasswordHashOf(id);
            AssertPhc(weakHash, memoryKiB: 1024, iterations: 1);

            await using var strong = await LatchkeyTestServer.StartAsync(WithParameters(directory, memoryKiB: 2048, iterations: 2));
            using (var login = await strong.CreateClient().LoginAsync(email))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            var upgraded = database.PasswordHashOf(id);
            AssertPhc(upgraded, memoryKiB: 2048, iterations: 2);
            Assert.NotEqual(Salt(weakHash), Salt(upgraded));

            using (var again = await strong.CreateClient().LoginAsync(email))
            {
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }

            using (var wrong = await strong.CreateClient().LoginAsync(email, "not the password"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            // Already at the configured strength: a further login leaves the hash alone.
            Assert.Equal(upgraded, database.PasswordHashOf(id));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Login_WithWrongPasswordAfterParametersWereRaised_KeepsWeakHash()
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            var email = TestData.NewEmail();
            string id;
            var weak = await LatchkeyTestServer.StartAsync(WithParameters(directory, memoryKiB: 1024, iterations: 1));
            try
            {
                id = (await weak.CreateClient().RegisterAsync(email))["id"]!.GetValue<string>();
            }
            finally
            {
                await weak.StopAsync();
            }

            var database = new LatchkeyDatabase(directory);
            var weakHash = database.PasswordHashOf(id);

            await using var strong = await LatchkeyTestServer.StartAsync(WithParameters(directory, memoryKiB: 2048, iterations: 2));
            using var login = await strong.CreateClient().LoginAsync(email, "not the password");

            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
            Assert.Equal(weakHash, database.PasswordHashOf(id));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Login_AfterParametersWereLowered_KeepsStrongerStoredHash()
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            var email = TestData.NewEmail();
            string id;
            var strong = await LatchkeyTestServer.StartAsync(WithParameters(directory, memoryKiB: 2048, iterations: 2));
            try
            {
                id = (await strong.CreateClient().RegisterAsync(email))["id"]!.GetValue<string>();
            }
            finally
            {
                await strong.StopAsync();
            }

            var database = new LatchkeyDatabase(directory);
            var strongHash = database.PasswordHashOf(id);
            AssertPhc(strongHash, memoryKiB: 2048, iterations: 2);

            await using var weak = await LatchkeyTestServer.StartAsync(WithParameters(directory, memoryKiB: 1024, iterations: 1));
            using var login = await weak.CreateClient().LoginAsync(email);

            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal(strongHash, database.PasswordHashOf(id));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static TestServerOptions WithParameters(string directory, int memoryKiB, int iterations)
    {
        var options = new TestServerOptions { DataDirectory = directory, FastPasswordHashing = false };
        options.Settings["Latchkey:Passwords:MemorySizeKiB"] = memoryKiB.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Settings["Latchkey:Passwords:Iterations"] = iterations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return options;
    }

    // $argon2id$v=19$m=..,t=..,p=1$<16-byte salt>$<32-byte hash>, unpadded standard base64.
    private static void AssertPhc(string phc, int memoryKiB, int iterations)
    {
        Assert.StartsWith("$argon2id$v=19$", phc, StringComparison.Ordinal);
        var match = Phc().Match(phc);
        Assert.True(match.Success, $"Not a PHC Argon2id string: {phc}");
        Assert.Equal($"m={memoryKiB},t={iterations},p=1", match.Groups["params"].Value);
    }

    private static string Salt(string phc) => Phc().Match(phc).Groups["salt"].Value;

    [GeneratedRegex(@"^\$argon2id\$v=19\$(?<params>m=\d+,t=\d+,p=\d+)\$(?<salt>[A-Za-z0-9+/]{22})\$(?<hash>[A-Za-z0-9+/]{43})$")]
    private static partial Regex Phc();
}
