using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Where two JSON documents first differ, as a JSON path, for a failure message a person can act on.</summary>
public static class JsonDifference
{
    /// <summary>The path of the first difference (members compared regardless of order), or null when the documents are equal.</summary>
    public static string? Find(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var (name, value) in e)
                {
                    if (!a.TryGetPropertyValue(name, out var other))
                    {
                        return $"{path}.{name} (missing from the served document)";
                    }

                    if (Find(value, other, $"{path}.{name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return a.Select(p => p.Key).FirstOrDefault(name => !e.ContainsKey(name)) is { } extra
                    ? $"{path}.{extra} (missing from the checked-in copy)"
                    : null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{path}[{i}] (arrays of {e.Count} and {a.Count} items)";
                    }

                    if (Find(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: {expected?.ToJsonString() ?? "null"} != {actual?.ToJsonString() ?? "null"}";
        }
    }
}
