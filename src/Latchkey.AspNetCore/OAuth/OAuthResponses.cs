using System.Globalization;
using System.Text.Json;
using Latchkey.Grants;
using Latchkey.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>Writes OAuth responses: RFC 6749 §5.1 token responses and §5.2 errors, never cached.</summary>
internal static class OAuthResponses
{
    public static IResult Error(string error, string? description, TimeSpan? retryAfter = null, bool basicChallenge = false) =>
        new JsonWriterResult(StatusFor(error), writer =>
        {
            writer.WriteString("error", error);
            if (description is not null)
            {
                writer.WriteString("error_description", description);
            }
        }, retryAfter, basicChallenge ? "Basic realm=\"latchkey\", charset=\"UTF-8\"" : null);

    public static IResult Token(TokenResult result) => new JsonWriterResult(StatusCodes.Status200OK, writer =>
    {
        var access = result.AccessToken!;
        writer.WriteString("access_token", access.Token);
        writer.WriteString("token_type", "Bearer");
        writer.WriteNumber("expires_in", access.ExpiresIn);
        if (result.RefreshToken is not null)
        {
            writer.WriteString("refresh_token", result.RefreshToken);
        }

        writer.WriteString("scope", result.Scope);
        if (result.IdToken is not null)
        {
            writer.WriteString("id_token", result.IdToken);
        }

        // An extension parameter (RFC 6749 §8.2 allows them); clients that do not know it ignore it.
        if (result.DeviceToken is not null)
        {
            writer.WriteString("device_token", result.DeviceToken);
        }
    });

    public static IResult Json(int status, Action<Utf8JsonWriter> body) => new JsonWriterResult(status, body);

    public static int StatusFor(string error) => error switch
    {
        OAuthErrors.InvalidClient => StatusCodes.Status401Unauthorized,
        OAuthErrors.SlowDown => StatusCodes.Status429TooManyRequests,
        OAuthErrors.TemporarilyUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>Writes an error straight to the response, for use outside endpoints.</summary>
    public static Task WriteErrorAsync(HttpContext context, string error, string? description, TimeSpan? retryAfter = null) =>
        Error(error, description, retryAfter).ExecuteAsync(context);

    private sealed class JsonWriterResult(int status, Action<Utf8JsonWriter> body, TimeSpan? retryAfter = null, string? challenge = null) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json;charset=UTF-8";
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
            if (retryAfter is { } wait)
            {
                response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            if (challenge is not null)
            {
                response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
            }

            await using var writer = new Utf8JsonWriter(response.Body);
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
