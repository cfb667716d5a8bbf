using System.Xml.Linq;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// What the Dockerfile promises without being built (no container engine runs on the CI machine): the restore layer
/// has every project the server needs, the build context lets in every file the build copies, and the runtime
/// stage runs as a non-root user with its data in a volume, a health check and one port.
/// </summary>
public sealed class DockerfileTests
{
    private readonly Dockerfile _image = Dockerfile.Load();

    [Fact]
    public void BuildStage_CopiesEveryProjectTheServerNeeds_BeforeTheRestore()
    {
        var root = RepositoryFolder.Root();
        var needed = ProjectClosure(Path.Combine(root, "src", "Latchkey.Server", "Latchkey.Server.csproj"))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var restore = _image.Build.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore ", StringComparison.Ordinal));
        Assert.True(restore > 0, "The build stage has no `RUN dotnet restore` of its own layer.");

        var copiedBeforeRestore = _image.Build.Take(restore).Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToList();

        Assert.Equal(needed, copiedBeforeRestore.Where(s => s.EndsWith(".csproj", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var settings in (string[])["global.json", "Directory.Build.props", "Directory.Packages.props", "BannedSymbols.txt", ".editorconfig"])
        {
            Assert.Contains(settings, copiedBeforeRestore);
        }
    }

    [Fact]
    public void BuildContext_LetsInEveryFileTheDockerfileCopies()
    {
        // .dockerignore excludes everything ('*') and lets files back in by name ('!name'); the last match wins.
        var rules = File.ReadAllLines(Path.Combine(RepositoryFolder.Root(), ".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        Assert.Equal("*", rules[0]);
        var sources = _image.Stages.SelectMany(s => s).Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from=", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToList();
        Assert.NotEmpty(sources);

        foreach (var source in sources)
        {
            var topLevel = source.Split('/')[0];
            Assert.True(rules.Contains("!" + topLevel) || rules.Contains("!" + topLevel + "/"), $"The Dockerfile copies {source}, which .dockerignore leaves out.");
        }

        foreach (var excluded in (string[])["**/bin/", "**/obj/", "**/data/"])
        {
            Assert.Contains(excluded, rules);
        }
    }

    [Fact]
    public void RuntimeStage_RunsAsTheAppUserWithItsDataInAVolumeAndAHealthCheck()
    {
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", _image.Runtime[0].Arguments, StringComparison.Ordinal);
        Assert.Equal("$APP_UID", _image.Single("USER"));

        var volume = Assert.Single(Dockerfile.ExecForm(_image.Single("VOLUME")));
        Assert.Equal(volume, _image.Environment["Latchkey__DataDirectory"]);
        Assert.Contains(_image.Runtime, i => i.Keyword == "COPY" && i.Arguments == $"--from=build --chown=$APP_UID:$APP_UID {volume} {volume}");

        Assert.Equal(_image.Environment["ASPNETCORE_HTTP_PORTS"], _image.Single("EXPOSE"));

        // The application is the publish output, copied where ENTRYPOINT runs it, and stays root's.
        var publish = _image.Build.Single(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish ", StringComparison.Ordinal)).Arguments.Split(' ');
        var output = publish[Array.IndexOf(publish, "-o") + 1];
        Assert.Contains(_image.Runtime, i => i.Keyword == "COPY" && i.Arguments == $"--from=build {output} ./");
        Assert.Equal(output, _image.Single("WORKDIR"));
        Assert.Equal(["dotnet", "Latchkey.Server.dll"], Dockerfile.ExecForm(_image.Single("ENTRYPOINT")));

        var healthCheck = _image.Single("HEALTHCHECK");
        Assert.EndsWith(""" CMD ["dotnet", "Latchkey.Server.dll", "healthcheck"]""", healthCheck, StringComparison.Ordinal);
    }

    // The project and every project it references, directly or not.
    private static HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Attribute("Include")!.Value)));
            }
        }

        return found;
    }
}
