using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Packaging;

/// <summary>
/// Packs, once for the test class, every project of <c>Latchkey.slnx</c> that is packable, as a release would:
/// <c>dotnet pack -c Release</c> with a test version (<c>0.0.0-test.N</c>) into a temporary folder that then serves
/// as a package feed. Builds go to a temporary artifacts folder, so that the checkout's bin and obj stay as they were.
/// </summary>
public sealed class PackedLibraries : IAsyncLifetime
{
    /// <summary>The temporary folder holding the feed, the build artifacts and the consumers.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "latchkey-pack-" + Guid.NewGuid().ToString("N"));

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; } = $"0.0.0-test.{RandomNumberGenerator.GetInt32(1, int.MaxValue)}";

    /// <summary>The folder of the <c>.nupkg</c> files: a local package source.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Each project of the solution by name, and whether it is packable.</summary>
    public IReadOnlyDictionary<string, bool> Packability { get; private set; } = new Dictionary<string, bool>();

    /// <summary>What <c>dotnet pack</c> answered.</summary>
    public (int ExitCode, string Output) Pack { get; private set; }

    /// <summary>The packages in the feed, by package id.</summary>
    public IReadOnlyDictionary<string, string> Packages { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var repository = RepositoryFolder.Root();
        var projects = XDocument.Load(Path.Combine(repository, "Latchkey.slnx")).Descendants("Project")
            .Select(p => Path.GetFullPath(Path.Combine(repository, p.Attribute("Path")!.Value)))
            .ToList();

        Packability = await EvaluatePackabilityAsync(projects);
        var packable = projects.Where(p => Packability[Path.GetFileNameWithoutExtension(p)]).ToList();
        var solution = Path.Combine(Root, "Pack.slnx");
        await File.WriteAllTextAsync(solution, Slnx(packable));
        Pack = await DotnetCommand.RunAsync(
            Root, "pack", solution, "-c", "Release", "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"), $"-p:Version={Version}");
        Packages = Directory.Exists(Feed)
            ? Directory.EnumerateFiles(Feed, "*.nupkg").ToDictionary(f => Path.GetFileName(f)[..^$".{Version}.nupkg".Length])
            : new Dictionary<string, string>();
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }

        return Task.CompletedTask;
    }

    /// <summary>A solution file in <see cref="Root"/> that lists <paramref name="projects"/>.</summary>
    public string Slnx(IEnumerable<string> projects) =>
        new XElement("Solution", projects.Select(p => new XElement("Project", new XAttribute("Path", Path.GetRelativePath(Root, p))))).ToString();

    // IsPackable as MSBuild evaluates it for each project, in one run: a target injected into every project (through
    // CustomAfterMicrosoftCommonTargets) returns it, and nothing is restored or built.
    private async Task<Dictionary<string, bool>> EvaluatePackabilityAsync(List<string> projects)
    {
        var targets = Path.Combine(Root, "Packability.targets");
        await File.WriteAllTextAsync(targets, """
            <Project>
              <Target Name="LatchkeyPackability" Returns="@(LatchkeyPackability)">
                <ItemGroup>
                  <LatchkeyPackability Include="$(MSBuildProjectName)" IsPackable="$(IsPackable)" />
                </ItemGroup>
              </Target>
            </Project>
            """);
        var traversal = new XElement(
            "Project",
            new XElement("ItemGroup", projects.Select(p => new XElement("SolutionProject", new XAttribute("Include", p)))),
            new XElement(
                "Target",
                new XAttribute("Name", "Report"),
                new XAttribute("Returns", "@(Packability)"),
                new XElement(
                    "MSBuild",
                    new XAttribute("Projects", "@(SolutionProject)"),
                    new XAttribute("Targets", "LatchkeyPackability"),
                    new XAttribute("Properties", $"CustomAfterMicrosoftCommonTargets={targets}"),
                    new XElement("Output", new XAttribute("TaskParameter", "TargetOutputs"), new XAttribute("ItemName", "Packability")))));
        var project = Path.Combine(Root, "Packability.proj");
        await File.WriteAllTextAsync(project, traversal.ToString());

        var (exitCode, output) = await DotnetCommand.RunAsync(Root, "msbuild", project, "-t:Report", "-getTargetResult:Report");
        Assert.True(exitCode == 0, $"Evaluating IsPackable failed:\n{output}");
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        return json.RootElement.GetProperty("TargetResults").GetProperty("Report").GetProperty("Items").EnumerateArray().ToDictionary(
            item => item.GetProperty("Identity").GetString()!,
            item => string.Equals(item.GetProperty("IsPackable").GetString(), "true", StringComparison.OrdinalIgnoreCase));
    }
}
