using System.Diagnostics;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// The <c>healthcheck</c> command finds the server where the same environment makes it listen. Each case runs it
/// against a closed port and reads the address it reports; <see cref="ContainerImageTests"/> runs it against a
/// server.
/// </summary>
public sealed class HealthCheckCommandTests
{
    public static TheoryData<string, string, string> Addresses => new()
    {
        // name of the variable (or --url), its value with {port}, the address asked
        { "ASPNETCORE_HTTP_PORTS", "{port}", "http://127.0.0.1:{port}/healthz" },
        { "ASPNETCORE_HTTP_PORTS", "{port};9999", "http://127.0.0.1:{port}/healthz" },
        { "ASPNETCORE_URLS", "http://+:{port}", "http://127.0.0.1:{port}/healthz" },
        { "ASPNETCORE_URLS", "http://*:{port};http://*:9999", "http://127.0.0.1:{port}/healthz" },
        { "ASPNETCORE_URLS", "http://0.0.0.0:{port}", "http://127.0.0.1:{port}/healthz" },
        { "ASPNETCORE_URLS", "http://[::]:{port}", "http://[::1]:{port}/healthz" },
        { "--url", "http://127.0.0.1:{port}/readyz", "http://127.0.0.1:{port}/readyz" },
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task HealthCheck_AgainstAClosedPort_AsksTheServersAddressAndExits1(string setting, string value, string asked)
    {
        var port = ExternalProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = Command();
        if (setting == "--url")
        {
            start.ArgumentList.Add("--url");
            start.ArgumentList.Add(value.Replace("{port}", port, StringComparison.Ordinal));
        }
        else
        {
            start.Environment[setting] = value.Replace("{port}", port, StringComparison.Ordinal);
        }

        var (exitCode, output) = await ExternalProcess.RunToCompletionAsync(start, TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 1, $"Exit code {exitCode}, not 1:\n{output}");
        Assert.StartsWith($"unhealthy: {asked.Replace("{port}", port, StringComparison.Ordinal)}: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_WithoutAnAddress_SaysHowToGiveOneAndExits1()
    {
        var (exitCode, output) = await ExternalProcess.RunToCompletionAsync(Command(), TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 1, $"Exit code {exitCode}, not 1:\n{output}");
        Assert.Contains("Pass --url", output, StringComparison.Ordinal);
    }

    // `dotnet Latchkey.Server.dll healthcheck` with no address in its environment.
    private static ProcessStartInfo Command()
    {
        var start = new ProcessStartInfo(ServerProcess.DotnetHost());
        start.ArgumentList.Add(ServerProcess.ServerDllPath());
        start.ArgumentList.Add("healthcheck");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        return start;
    }
}
