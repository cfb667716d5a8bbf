using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Assertions on RFC 9457 problem details answers.</summary>
public static class ProblemDetailsAssert
{
    /// <summary>
    /// Asserts that <paramref name="response"/> is <c>application/problem+json</c> with the given status
    /// and code, a title, and a <c>type</c> that is an absolute URI naming the code.
    /// </summary>
    public static async Task<JsonObject> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, body["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(body["title"]?.GetValue<string>()), $"The problem has no title: {text}");
        Assert.Equal(code, body["code"]?.GetValue<string>());
        var type = body["type"]?.GetValue<string>();
        Assert.True(Uri.IsWellFormedUriString(type, UriKind.Absolute), $"The problem type is not an absolute URI: {text}");
        Assert.EndsWith(code, type, StringComparison.Ordinal);
        return body;
    }

    /// <summary>Asserts a 400 <c>validation_failed</c> problem that names <paramref name="field"/> in <c>errors</c>.</summary>
    public static async Task<JsonObject> IsValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var body = await IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        var errors = body["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"Expected an error for '{field}': {body.ToJsonString()}");
        return body;
    }

    /// <summary>Asserts that the answer is a 4xx (bad input must never be a 5xx).</summary>
    public static void IsClientError(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"Expected a 4xx, got {status}.");
    }
}
