using System.IO.Compression;
using System.Xml.Linq;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Packaging;

/// <summary>
/// The libraries as NuGet packages: exactly the libraries are packable, <c>dotnet pack</c> makes them without a warning,
/// each carries its licence expression, readme and repository, and the samples build against the packages alone,
/// outside the checkout.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageTests(PackedLibraries packed) : IClassFixture<PackedLibraries>
{
    private const string RepositoryUrl = "https://github.com/latchkey-auth/latchkey";

    private static readonly string[] Libraries =
    [
        "Latchkey.AspNetCore", "Latchkey.AspNetCore.ResourceServer", "Latchkey.Core", "Latchkey.Stores.PostgreSql",
        "Latchkey.Stores.Redis", "Latchkey.Stores.Relational", "Latchkey.Stores.Sqlite", "Latchkey.Tokens",
    ];

    private static readonly string[] Samples = ["Latchkey.Samples.HostedApp", "Latchkey.Samples.ResourceApi"];

    [Fact]
    public void Solution_LibrariesArePackable_ServerSamplesTestsBenchAndFuzzAreNot()
    {
        Assert.Equal(Libraries, packed.Packability.Where(p => p.Value).Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var project in (string[])["Latchkey.Server", "Latchkey.Samples.HostedApp", "Latchkey.Testing", "Latchkey.Server.Tests", "Latchkey.Benchmarks", "Latchkey.Fuzzing"])
        {
            Assert.False(packed.Packability[project], $"{project} is packable.");
        }
    }

    [Fact]
    public void Pack_EveryLibrary_CarriesLicenceReadmeAndRepository()
    {
        Assert.True(packed.Pack.ExitCode == 0, $"dotnet pack failed:\n{packed.Pack.Output}");
        Assert.DoesNotContain("warning", packed.Pack.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Libraries, packed.Packages.Keys.Order(StringComparer.Ordinal));

        foreach (var (id, path) in packed.Packages)
        {
            using var package = ZipFile.OpenRead(path);
            var metadata = Nuspec(package, id);
            var ns = metadata.Name.Namespace;
            var license = metadata.Element(ns + "license");
            Assert.Equal("expression", license?.Attribute("type")?.Value);
            Assert.Equal("Apache-2.0", license?.Value);
            Assert.Equal(RepositoryUrl, metadata.Element(ns + "repository")?.Attribute("url")?.Value);
            Assert.Equal(RepositoryUrl, metadata.Element(ns + "projectUrl")?.Value);
            Assert.Equal("The Latchkey authors", metadata.Element(ns + "authors")?.Value);
            Assert.Equal(packed.Version, metadata.Element(ns + "version")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), $"{id} has no description.");

            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            var readme = Read(package, "README.md");
            Assert.StartsWith($"# {id}\n", readme, StringComparison.Ordinal);

            // The gallery shows the readme outside the repository, where a relative link leads nowhere.
            Assert.DoesNotContain("](../", readme, StringComparison.Ordinal);
            Assert.DoesNotContain("](./", readme, StringComparison.Ordinal);

            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));
        }
    }

    [Fact]
    public async Task Samples_BuiltOutsideTheCheckoutAgainstThePackages_Build()
    {
        Assert.True(packed.Pack.ExitCode == 0, $"dotnet pack failed:\n{packed.Pack.Output}");
        var consumers = ConsumerFolder.Create(packed);
        var projects = Samples.Select(sample => consumers.CopySample(sample)).Append(consumers.WriteEveryPackageProject(Libraries)).ToList();
        var solution = Path.Combine(consumers.Directory, "Consumers.slnx");
        await File.WriteAllTextAsync(solution, new XElement("Solution", projects.Select(p => new XElement("Project", new XAttribute("Path", Path.GetRelativePath(consumers.Directory, p))))).ToString());

        var (exitCode, output) = await DotnetCommand.RunAsync(consumers.Directory, "build", solution);

        Assert.True(exitCode == 0, $"Building the samples against the packages failed:\n{output}");
        foreach (var project in projects)
        {
            // Restored from the feed at the test version: project references would have the repository's version.
            var assets = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json"));
            Assert.Contains($"\"Latchkey.Tokens/{packed.Version}\"", assets, StringComparison.Ordinal);
        }
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")?.Open() ?? throw new InvalidOperationException($"{id} has no {id}.nuspec.");
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static string Read(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)?.Open() ?? throw new InvalidOperationException($"The package has no {entry}."));
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A folder outside the checkout for projects that consume the packages: its own Directory.Build.props and
    /// Directory.Packages.props (no central package management), the repository's global.json, and a NuGet.config
    /// that adds the feed to the machine's sources. Packages land in a packages folder of its own; the machine's
    /// global packages folder serves as a read-only fallback, so the test versions never enter it.
    /// </summary>
    private sealed class ConsumerFolder
    {
        private readonly string _version;

        private ConsumerFolder(string directory, string version)
        {
            Directory = directory;
            _version = version;
        }

        public string Directory { get; }

        public static ConsumerFolder Create(PackedLibraries packed)
        {
            var directory = Path.Combine(packed.Root, "consumers");
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), """
                <Project>
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <!-- The vulnerability feed may be out of reach, as in the repository's own build. -->
                    <NuGetAudit>false</NuGetAudit>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), """
                <Project>
                  <PropertyGroup>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                </Project>
                """);
            File.Copy(Path.Combine(RepositoryFolder.Root(), "global.json"), Path.Combine(directory, "global.json"));
            var machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            new XElement(
                "configuration",
                new XElement("config", Add("globalPackagesFolder", Path.Combine(directory, "packages"))),
                new XElement("packageSources", Add("latchkey-test-feed", packed.Feed)),
                new XElement("fallbackPackageFolders", Add("machine", machinePackages))).Save(Path.Combine(directory, "NuGet.config"));
            return new ConsumerFolder(directory, packed.Version);
        }

        /// <summary>Copies a sample (without bin and obj), its references to the libraries turned into package references.</summary>
        public string CopySample(string name)
        {
            var source = Path.Combine(RepositoryFolder.Root(), "samples", name);
            var target = Path.Combine(Directory, name);
            foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
                {
                    continue;
                }

                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
                File.Copy(file, Path.Combine(target, relative));
            }

            var projectFile = Path.Combine(target, name + ".csproj");
            var project = XDocument.Load(projectFile);
            var references = project.Descendants("ProjectReference").ToList();
            Assert.NotEmpty(references);
            foreach (var reference in references)
            {
                reference.ReplaceWith(PackageReference(Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value)));
            }

            project.Save(projectFile);
            return projectFile;
        }

        /// <summary>A small program that references every package and calls into each, so that every one restores and links.</summary>
        public string WriteEveryPackageProject(IEnumerable<string> ids)
        {
            var folder = Path.Combine(Directory, "EveryPackage");
            System.IO.Directory.CreateDirectory(folder);
            var projectFile = Path.Combine(folder, "EveryPackage.csproj");
            new XElement(
                "Project",
                new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup", new XElement("OutputType", "Exe")),
                new XElement("ItemGroup", ids.Select(PackageReference))).Save(projectFile);
            File.WriteAllText(Path.Combine(folder, "Program.cs"), """
                using Microsoft.Extensions.DependencyInjection;

                var embedded = new ServiceCollection();
                embedded.AddLatchkey(o => o.DataDirectory = "data").UseSqlite();
                var cluster = new ServiceCollection();
                cluster.AddLatchkey(o => o.DataDirectory = "data").UsePostgreSql("Host=127.0.0.1;Database=latchkey").UseRedis("127.0.0.1:6379");
                var api = new ServiceCollection();
                api.AddAuthentication().AddLatchkeyBearer(o => o.Authority = "https://auth.example.com");
                Console.WriteLine(embedded.Count + cluster.Count + api.Count);
                """);
            return projectFile;
        }

        private static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));

        private XElement PackageReference(string id) => new("PackageReference", new XAttribute("Include", id), new XAttribute("Version", _version));
    }
}
