using System.Collections.Frozen;
using System.Reflection;

namespace Latchkey.AspNetCore.Pages;

/// <summary>The pages, scripts and styles embedded in this assembly, read once and kept in memory.</summary>
internal static class PageAssets
{
    private const string Prefix = "Latchkey.Pages.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Asset> All = Load();

    /// <summary>The embedded file named <paramref name="name"/> (e.g. <c>account.html</c>), or null.</summary>
    public static Asset? Find(string name) => All.GetValueOrDefault(name);

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[Prefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            assets[name] = new Asset(buffer.ToArray(), contentType);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>One embedded file.</summary>
    internal sealed record Asset(byte[] Content, string ContentType);
}
