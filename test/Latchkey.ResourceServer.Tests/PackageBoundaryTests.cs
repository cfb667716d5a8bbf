using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Testing;
using Latchkey.Tokens;

namespace Latchkey.ResourceServer.Tests;

/// <summary>
/// A resource server checks tokens without taking in the server: <c>Latchkey.AspNetCore.ResourceServer</c>
/// depends on <c>Latchkey.Tokens</c> alone among Latchkey's projects, and <c>Latchkey.Tokens</c> on no other
/// project, on nothing of ASP.NET Core, and on libsodium (NSec) only to verify Ed25519 signatures, never for
/// password hashing or private keys. Checked both in the compiled assemblies and in the project files, whose
/// references become the packages' dependencies.
/// </summary>
public sealed class PackageBoundaryTests
{
    private static readonly Assembly ResourceServer = typeof(LatchkeyBearerOptions).Assembly;
    private static readonly Assembly Tokens = typeof(AccessTokenValidator).Assembly;

    [Fact]
    public void ResourceServerAssembly_ReferencesTokensButNotCoreOrTheServer()
    {
        var latchkey = LatchkeyReferences(ResourceServer);

        Assert.Equal(["Latchkey.Tokens"], latchkey);
    }

    [Fact]
    public void TokensAssembly_ReferencesNoOtherLatchkeyAssemblyAndNoAspNetCore()
    {
        var names = Tokens.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Empty(LatchkeyReferences(Tokens));
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.Extensions", StringComparison.Ordinal));
    }

    [Fact]
    public void TokensAssembly_UsesNSecOnlyForEd25519Verification()
    {
        // Every NSec type the compiled code names: public-key verification only; no Argon2id
        // (PasswordBasedKeyDerivationAlgorithm), no private keys (Key), no key agreement or encryption.
        var nsecTypes = TypeReferences(Tokens.Location)
            .Where(t => t.StartsWith("NSec.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            ["NSec.Cryptography.Algorithm", "NSec.Cryptography.Ed25519", "NSec.Cryptography.KeyBlobFormat", "NSec.Cryptography.PublicKey", "NSec.Cryptography.SignatureAlgorithm"],
            nsecTypes);
    }

    [Fact]
    public void ResourceServerProject_ReferencesTheTokensProjectOnlyAndNoPackages()
    {
        var project = Project("src/Latchkey.AspNetCore.ResourceServer/Latchkey.AspNetCore.ResourceServer.csproj");

        Assert.Equal(["../Latchkey.Tokens/Latchkey.Tokens.csproj"], Includes(project, "ProjectReference"));
        Assert.Empty(Includes(project, "PackageReference"));
        Assert.Equal(["Microsoft.AspNetCore.App"], Includes(project, "FrameworkReference"));
    }

    [Fact]
    public void TokensProject_ReferencesNoProjectAndOnlyNSec()
    {
        var project = Project("src/Latchkey.Tokens/Latchkey.Tokens.csproj");

        Assert.Empty(Includes(project, "ProjectReference"));
        Assert.Empty(Includes(project, "FrameworkReference"));
        Assert.Equal(["NSec.Cryptography"], Includes(project, "PackageReference"));
    }

    private static List<string> LatchkeyReferences(Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Latchkey", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    private static HashSet<string> TypeReferences(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            names.Add(metadata.GetString(type.Namespace) + "." + metadata.GetString(type.Name));
        }

        return names;
    }

    private static XDocument Project(string relativePath) => XDocument.Load(Path.Combine(RepositoryFolder.Root(), relativePath));

    private static List<string> Includes(XDocument project, string item) =>
        project.Descendants(item).Select(e => (string)e.Attribute("Include")!).Order(StringComparer.Ordinal).ToList();
}
