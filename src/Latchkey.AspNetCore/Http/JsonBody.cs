using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Latchkey.AspNetCore.Http;

/// <summary>
/// Reads a JSON request body with explicit limits and maps every way it can be wrong to a 4xx problem:
/// wrong media type (415), too large (413), malformed or wrongly typed (400).
/// </summary>
public static class JsonBody
{
    /// <summary>Reads and deserializes the body.</summary>
    /// <returns>The value, or a problem result to return as it is.</returns>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, int maxBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (null, LatchkeyProblems.Result(LatchkeyErrors.UnsupportedMediaType));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, LatchkeyProblems.Result(LatchkeyErrors.PayloadTooLarge, $"The body may have at most {maxBytes} bytes."));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes, 4096) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        return (null, LatchkeyProblems.Result(LatchkeyErrors.PayloadTooLarge, $"The body may have at most {maxBytes} bytes."));
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    return (null, LatchkeyProblems.Result(LatchkeyErrors.PayloadTooLarge, $"The body may have at most {maxBytes} bytes."));
                }
            }

            if (length == 0)
            {
                return (null, LatchkeyProblems.Result(LatchkeyErrors.MalformedJson, "The request body is empty."));
            }

            try
            {
                var value = JsonSerializer.Deserialize(buffer.AsSpan(0, length), typeInfo);
                return value is null
                    ? (null, LatchkeyProblems.Result(LatchkeyErrors.MalformedJson, "The request body must be a JSON object."))
                    : (value, null);
            }
            catch (JsonException)
            {
                return (null, LatchkeyProblems.Result(LatchkeyErrors.MalformedJson));
            }
        }
        finally
        {
            // Bodies carry passwords: wipe them before the buffer goes back to the pool.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
