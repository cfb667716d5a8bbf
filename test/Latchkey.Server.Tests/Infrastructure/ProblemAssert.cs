using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Assertions on RFC 9457 problem details answers.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts the status, the problem media type, and the machine-readable code.</summary>
    public static async Task IsAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal((int)status, body["status"]!.GetValue<int>());
        Assert.Equal(code, body["code"]!.GetValue<string>());
        Assert.Equal("urn:latchkey:error:" + code, body["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["title"]?.GetValue<string>()));
    }
}
