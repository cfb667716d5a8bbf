using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Latchkey.Keys;
using Latchkey.Server.Tests.Tokens;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Interop;

/// <summary>
/// The npm <c>jose</c> library (panva/jose) verifies Latchkey tokens through the JWKS URL alone, with
/// <c>typ</c> <c>at+jwt</c>, issuer and audience checked: <c>test/interop/jose/verify.mjs</c>, run with node.
/// The module must be installed (<c>npm ci --prefix test/interop/jose</c>, which <c>.ci/run</c> does);
/// a missing module fails these tests, it never skips them.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class JoseInteropTests(InteropServers servers)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Algorithms => new()
    {
        SigningAlgorithms.ES256, SigningAlgorithms.EdDSA, SigningAlgorithms.RS256, SigningAlgorithms.PS256,
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Jose_ViaJwksUrl_VerifiesLatchkeyToken(string algorithm)
    {
        var latchkey = await servers.ForAsync(algorithm);
        using var client = latchkey.CreateClient();
        var (userId, token) = await client.SignUpForTokenAsync();

        var (exitCode, stdout, stderr) = await VerifyAsync(latchkey, token);

        Assert.True(exitCode == 0, $"jose refused a genuine {algorithm} token (exit {exitCode}): {stderr}");
        var payload = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(userId, payload["sub"]!.GetValue<string>());
        Assert.Equal(latchkey.Origin, payload["iss"]!.GetValue<string>());
        Assert.Equal(algorithm, CompactJws.Header(token)["alg"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Jose_ViaJwksUrl_RefusesTamperedToken(string algorithm)
    {
        var latchkey = await servers.ForAsync(algorithm);
        using var client = latchkey.CreateClient();
        var (_, token) = await client.SignUpForTokenAsync();
        var forged = CompactJws.WithPayload(token, p => p["sub"] = "someone-else");

        var (exitCode, stdout, stderr) = await VerifyAsync(latchkey, forged);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout.Trim());
        Assert.Contains("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jose_WithAnotherAudience_RefusesLatchkeyToken()
    {
        var latchkey = await servers.ForAsync(SigningAlgorithms.ES256);
        using var client = latchkey.CreateClient();
        var (_, token) = await client.SignUpForTokenAsync();

        var (exitCode, _, stderr) = await VerifyAsync(latchkey, token, audience: "https://another-api.example.test");

        Assert.Equal(1, exitCode);
        Assert.Contains("ERR_JWT_CLAIM_VALIDATION_FAILED", stderr, StringComparison.Ordinal);
    }


    private static Task<(int ExitCode, string Stdout, string Stderr)> VerifyAsync(LatchkeyTestServer latchkey, string token, string? audience = null)
    {
        // Latchkey's default audience is its issuer, which is the address it listens on.
        var issuer = latchkey.Origin;
        return RunNodeAsync("verify.mjs", issuer + "/.well-known/jwks.json", issuer, audience ?? issuer, token);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(params string[] arguments)
    {
        var directory = Path.Combine(RepositoryFolder.Root(), "test", "interop", "jose");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "jose")))
        {
            Assert.Fail($"The npm module 'jose' is not installed in {directory}. Run `npm ci --prefix test/interop/jose` from the repository root (.ci/run does this).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"Could not run node ({ex.Message}); the jose interoperability tests need node on PATH.");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(NodeTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node verify.mjs did not finish within {NodeTimeout.TotalSeconds} s.");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
