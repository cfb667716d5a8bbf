using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>Assertions on how a node answered.</summary>
public static class Responses
{
    /// <summary>Asserts a problem-details answer with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonNode.Parse(text)?["code"]?.GetValue<string>());
    }

    /// <summary>Asserts an RFC 6749 error answer with <paramref name="status"/> and <paramref name="error"/>.</summary>
    public static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status} {error}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(error, JsonNode.Parse(text)?["error"]?.GetValue<string>());
    }
}
