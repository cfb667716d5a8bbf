using System.Text.Json.Nodes;

namespace Latchkey.Testing;

/// <summary>Reading JSON answers in tests; the body can be read any number of times.</summary>
public static class HttpResponseExtensions
{
    /// <summary>The body as a JSON object.</summary>
    public static async Task<JsonObject> ReadJsonObjectAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException($"Expected a JSON object, got: {text}");
    }

    /// <summary>The body as a JSON array.</summary>
    public static async Task<JsonArray> ReadJsonArrayAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsArray() ?? throw new InvalidOperationException($"Expected a JSON array, got: {text}");
    }
}
