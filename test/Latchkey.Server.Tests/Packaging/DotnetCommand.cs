using System.Diagnostics;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> CLI (pack, build, msbuild) in a folder, as a person would from a shell.</summary>
internal static class DotnetCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="directory"/>; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(ServerProcess.DotnetHost()) { WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host may run under an MSBuild that set these for itself; the child is a fresh CLI. NUGET_PACKAGES would
        // override the consumer's own NuGet.config. Worker nodes end with the command instead of lingering.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "NUGET_PACKAGES").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return ExternalProcess.RunToCompletionAsync(start, Timeout);
    }
}
