using System.Text.RegularExpressions;
using Latchkey.Testing;
using YamlDotNet.RepresentationModel;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// <c>deploy/compose.yaml</c> read with a YAML parser, as Docker Compose reads it: anchors and merge keys (<c>&lt;&lt;</c>)
/// resolved, <c>${NAME}</c>, <c>${NAME:-default}</c> and <c>${NAME:?message}</c> interpolated from the variables given.
/// </summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(string text, IReadOnlyDictionary<string, YamlMappingNode> services)
    {
        Text = text;
        Services = services;
    }

    /// <summary>The folder of the compose file and its companions (<c>nginx.conf</c>, <c>.env.example</c>).</summary>
    public static string Folder => Path.Combine(RepositoryFolder.Root(), "deploy");

    /// <summary>The file as written.</summary>
    public string Text { get; }

    /// <summary>Each service by name, its merge keys resolved.</summary>
    public IReadOnlyDictionary<string, YamlMappingNode> Services { get; }

    /// <summary>The names of the variables that the file interpolates.</summary>
    public IReadOnlySet<string> Variables => Interpolation().Matches(Text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads the repository's compose file.</summary>
    public static ComposeFile Load()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "compose.yaml"));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = Mapping(root, "services").Children.ToDictionary(s => ((YamlScalarNode)s.Key).Value!, s => Merged((YamlMappingNode)s.Value), StringComparer.Ordinal);
        return new ComposeFile(text, services);
    }

    /// <summary>The variables of <c>deploy/.env.example</c>, the file an operator copies to <c>deploy/.env</c>, with their example values.</summary>
    public static Dictionary<string, string> ExampleVariables() => File.ReadAllLines(Path.Combine(Folder, ".env.example"))
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>The environment of a service (mapping or list form), interpolated from <paramref name="variables"/>.</summary>
    public Dictionary<string, string> Environment(string service, IReadOnlyDictionary<string, string> variables)
    {
        var environment = Services[service].Children.TryGetValue(new YamlScalarNode("environment"), out var node) ? node : new YamlMappingNode();
        var pairs = environment switch
        {
            YamlMappingNode map => map.Children.Select(e => (((YamlScalarNode)e.Key).Value!, ((YamlScalarNode)e.Value).Value ?? string.Empty)),
            YamlSequenceNode list => list.Children.Select(e => ((YamlScalarNode)e).Value!.Split('=', 2)).Select(p => (p[0], p.Length == 2 ? p[1] : string.Empty)),
            _ => throw new InvalidOperationException($"The environment of {service} is neither a mapping nor a list."),
        };
        return pairs.ToDictionary(p => p.Item1, p => Interpolate(p.Item2, variables), StringComparer.Ordinal);
    }

    /// <summary>Replaces each <c>${NAME…}</c> as Compose does; a <c>:?</c> variable unset or empty fails with its message.</summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) => Interpolation().Replace(value, match =>
    {
        var given = variables.TryGetValue(match.Groups["name"].Value, out var v) && v.Length > 0 ? v : null;
        var argument = match.Groups["argument"].Value;
        return match.Groups["operator"].Value switch
        {
            ":-" => given ?? argument,
            ":?" => given ?? throw new InvalidOperationException($"required variable {match.Groups["name"].Value} is missing a value: {argument}"),
            "" => given ?? string.Empty,
            var other => throw new InvalidOperationException($"The compose file uses '{other}' in {match.Value}; write :- or :?."),
        };
    });

    /// <summary>The mapping under <paramref name="key"/>.</summary>
    public static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    /// <summary>The scalar under <paramref name="key"/>, or null.</summary>
    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>The scalars of the sequence under <paramref name="key"/>, or none.</summary>
    public static IReadOnlyList<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? [.. ((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value!)] : [];

    // A mapping with its merge key (<<: *anchor) applied: the anchor's entries, then the mapping's own, which win.
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var merge = new YamlScalarNode("<<");
        if (!node.Children.TryGetValue(merge, out var source))
        {
            return node;
        }

        var merged = new YamlMappingNode();
        foreach (var entry in Merged((YamlMappingNode)source).Children.Concat(node.Children.Where(e => !e.Key.Equals(merge))))
        {
            merged.Children[entry.Key] = entry.Value;
        }

        return merged;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<operator>:?[-?+])?(?<argument>[^}]*)\}")]
    private static partial Regex Interpolation();
}
