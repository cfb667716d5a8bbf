using Latchkey.Server.Tests.Packaging;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// The server published, once for the test class, by the Dockerfile's own <c>dotnet publish</c> line, run from the
/// repository root as the build stage runs it from its copy of the sources, into a temporary folder instead of
/// <c>/app</c>. Builds go to a temporary artifacts folder, so that the checkout's bin and obj stay as they were.
/// </summary>
public sealed class PublishedServer : IAsyncLifetime
{
    /// <summary>The temporary folder holding the published output and the build artifacts.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "latchkey-publish-" + Guid.NewGuid().ToString("N"));

    /// <summary>The published output: what the image's <c>WORKDIR</c> holds.</summary>
    public string Output => Path.Combine(Root, "app");

    /// <summary>The command line that ran, and what <c>dotnet publish</c> answered.</summary>
    public (string Command, int ExitCode, string Output) Publish { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var line = Dockerfile.Load().Build.Single(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish ", StringComparison.Ordinal)).Arguments;
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

        // The output folder is ours; the restore, a RUN of its own in the image, happens here with the publish.
        var output = words.IndexOf("-o");
        Assert.True(output > 0 && output + 1 < words.Count, $"The Dockerfile's publish line has no -o: {line}");
        words[output + 1] = Output;
        words.Remove("--no-restore");
        words.AddRange(["--artifacts-path", Path.Combine(Root, "artifacts")]);

        var (exitCode, text) = await DotnetCommand.RunAsync(RepositoryFolder.Root(), [.. words]);
        Publish = ($"dotnet {string.Join(' ', words)}", exitCode, text);
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
}
