using System.Diagnostics;
using System.Net;
using Latchkey.Server.Tests.Packaging;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// The image's program without a container engine (none runs on the CI machine): the output of the Dockerfile's
/// publish line, run as its <c>ENTRYPOINT</c> from its <c>WORKDIR</c> with its <c>ENV</c>, answers its
/// <c>HEALTHCHECK</c> and writes nothing outside the data volume and <c>/tmp</c>, so that a read-only root filesystem
/// holds. Only the volume's path and the port are moved, to a temporary folder and a free port.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class ContainerImageTests(PublishedServer published) : IClassFixture<PublishedServer>, IDisposable
{
    private readonly string _root = LatchkeyTestServer.NewDataDirectory();

    [Fact]
    public async Task PublishedOutput_RunAsTheImageRunsIt_IsHealthyAndWritesOnlyItsDataVolume()
    {
        Assert.True(published.Publish.ExitCode == 0, $"`{published.Publish.Command}` failed:\n{published.Publish.Output}");
        var image = Dockerfile.Load();
        var volume = Assert.Single(Dockerfile.ExecForm(image.Single("VOLUME")));
        var data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        var tmp = Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName;
        var port = ExternalProcess.FreePort();

        // The image's environment, with the volume and the port moved; HOME stands for the image's /home/app, which
        // is on the read-only root, so it must stay empty.
        var environment = image.Environment.ToDictionary(
            e => e.Key,
            e => e.Value == volume ? data : e.Key == "ASPNETCORE_HTTP_PORTS" ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : e.Value);
        Assert.Equal(data, environment["Latchkey__DataDirectory"]);
        environment["HOME"] = home;
        environment["TMPDIR"] = tmp;
        var before = Snapshot(published.Output);

        var server = await ServerProcess.StartAsync(Command(image.Single("ENTRYPOINT"), environment), new Uri($"http://127.0.0.1:{port}/"));
        await using (server)
        {
            using var client = server.CreateClient();
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            // Sign-up writes the account to the database and the verification mail to the pickup folder.
            await client.RegisterAsync($"container-{Guid.NewGuid():N}@example.com");

            var healthy = await RunHealthCheckAsync(image, environment);
            Assert.True(healthy.ExitCode == 0, $"The HEALTHCHECK failed against a running server:\n{healthy.Output}");
        }

        // The server is gone and its port closed: the same check now fails.
        var unhealthy = await RunHealthCheckAsync(image, environment);
        Assert.True(unhealthy.ExitCode == 1, $"The HEALTHCHECK exited {unhealthy.ExitCode} against a closed port:\n{unhealthy.Output}");

        Assert.Equal(before, Snapshot(published.Output));
        Assert.True(Snapshot(home).Count == 0, $"The server wrote to HOME: {string.Join(", ", Snapshot(home).Keys)}");
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(data, LatchkeyServer.DataProtectionFolder)));
        Assert.True(File.Exists(Path.Combine(data, "latchkey.db")), "No database in the data volume.");
        Assert.True(File.Exists(Path.Combine(data, Latchkey.Security.MasterSecret.FileName)), "No generated master secret in the data volume.");
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(data, "mail"), "*.eml"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    // The HEALTHCHECK's command (after its options), run as the engine runs it: in the container, with its environment.
    private Task<(int ExitCode, string Output)> RunHealthCheckAsync(Dockerfile image, Dictionary<string, string> environment)
    {
        var healthCheck = image.Single("HEALTHCHECK");
        var command = healthCheck[(healthCheck.IndexOf(" CMD ", StringComparison.Ordinal) + " CMD ".Length)..];
        return ExternalProcess.RunToCompletionAsync(Command(command, environment), TimeSpan.FromSeconds(30));
    }

    // An exec-form command of the image as a process: `dotnet` is this machine's, the working directory the published
    // output, and the environment the image's alone as far as ASP.NET Core and Latchkey are concerned.
    private ProcessStartInfo Command(string execForm, Dictionary<string, string> environment)
    {
        var arguments = Dockerfile.ExecForm(execForm);
        Assert.Equal("dotnet", arguments[0]);
        var start = new ProcessStartInfo(ServerProcess.DotnetHost()) { WorkingDirectory = published.Output };
        foreach (var argument in arguments[1..])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var inherited in start.Environment.Keys.Where(k =>
            k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Latchkey__", StringComparison.OrdinalIgnoreCase) ||
            k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || k.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    // Every file and folder under a folder, with its size (-1 for a folder) and last write time.
    private static SortedDictionary<string, (long Length, DateTime Written)> Snapshot(string folder) => new(
        new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f.FullName), f => (f is FileInfo file ? file.Length : -1, f.LastWriteTimeUtc)),
        StringComparer.Ordinal);
}
