using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Latchkey.Fuzzing;

/// <summary>Checks an error a reader returned: it must write a 4xx response with a JSON body.</summary>
public static class HttpOutcome
{
    /// <summary>Executes <paramref name="error"/> into <paramref name="context"/> and checks what it wrote.</summary>
    public static void RequireClientError(HttpContext context, IResult error)
    {
        error.ExecuteAsync(context).GetAwaiter().GetResult();
        var status = context.Response.StatusCode;
        if (status is < 400 or > 499)
        {
            throw new UndocumentedOutcomeException($"A bad request was answered with {status}, not a 4xx.");
        }

        var body = (MemoryStream)context.Response.Body;
        using var document = JsonDocument.Parse(body.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new UndocumentedOutcomeException("An error body is not a JSON object.");
        }
    }
}
