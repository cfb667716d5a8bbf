using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Http;

/// <summary>
/// The one place where error codes become RFC 9457 problem details: <c>type</c> is
/// <c>urn:latchkey:error:{code}</c>, <c>code</c> the bare code, both documented in <c>docs/errors.md</c>.
/// </summary>
public static class LatchkeyProblems
{
    /// <summary>The media type of problem details.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The prefix of every problem <c>type</c>.</summary>
    public const string TypePrefix = "urn:latchkey:error:";

    private static readonly FrozenDictionary<string, (int Status, string Title)> Catalogue = new Dictionary<string, (int, string)>
    {
        [LatchkeyErrors.ValidationFailed] = (400, "The request is invalid."),
        [LatchkeyErrors.MalformedJson] = (400, "The request body is not valid JSON of the expected shape."),
        [LatchkeyErrors.BadRequest] = (400, "The request is malformed."),
        [LatchkeyErrors.InvalidCurrentPassword] = (400, "The current password is wrong."),
        [LatchkeyErrors.AccountTokenInvalid] = (400, "The link is invalid."),
        [LatchkeyErrors.AccountTokenExpired] = (400, "The link has expired."),
        [LatchkeyErrors.AccountTokenUsed] = (400, "The link was used before."),
        [LatchkeyErrors.EmailNotVerified] = (403, "The email address is not verified."),
        [LatchkeyErrors.MfaRequired] = (401, "A second factor is required."),
        [LatchkeyErrors.MfaEnrollmentRequired] = (401, "A second factor must be set up first."),
        [LatchkeyErrors.MfaChallengeInvalid] = (401, "The sign-in challenge is invalid or has expired; sign in again."),
        [LatchkeyErrors.InvalidMfaCode] = (401, "The code is wrong."),
        [LatchkeyErrors.MfaOff] = (403, "Second factors are turned off on this server."),
        [LatchkeyErrors.TotpAlreadyEnabled] = (409, "An authenticator app is already set up."),
        [LatchkeyErrors.TotpNotEnabled] = (409, "No authenticator app is set up."),
        [LatchkeyErrors.PasskeyInvalid] = (400, "The passkey response was not accepted."),
        [LatchkeyErrors.PasskeyCeremonyInvalid] = (400, "The passkey ceremony is unknown, expired or already used."),
        [LatchkeyErrors.PasskeyNotFound] = (404, "No such passkey."),
        [LatchkeyErrors.PasskeyAlreadyRegistered] = (409, "This passkey is already registered."),
        [LatchkeyErrors.PasskeySignCountInvalid] = (400, "The passkey's signature counter went backwards."),
        [LatchkeyErrors.ReauthenticationRequired] = (403, "Sign in again to do this."),
        [LatchkeyErrors.Unauthenticated] = (401, "Authentication is required."),
        [LatchkeyErrors.InvalidCredentials] = (401, "The email or password is wrong."),
        [LatchkeyErrors.InvalidToken] = (401, "The bearer token is invalid."),
        [LatchkeyErrors.CsrfTokenInvalid] = (403, "The CSRF token is missing or wrong."),
        [LatchkeyErrors.OriginNotAllowed] = (403, "Requests from this origin are not allowed."),
        [LatchkeyErrors.Forbidden] = (403, "This is not allowed."),
        [LatchkeyErrors.SignInDenied] = (403, "Sign-in was denied."),
        [LatchkeyErrors.AccountDisabled] = (403, "The account is disabled."),
        [LatchkeyErrors.NotFound] = (404, "Not found."),
        [LatchkeyErrors.MethodNotAllowed] = (405, "The method is not allowed here."),
        [LatchkeyErrors.EmailTaken] = (409, "An account with this email address exists."),
        [LatchkeyErrors.ClientExists] = (409, "A client with this id exists."),
        [LatchkeyErrors.PayloadTooLarge] = (413, "The request body is too large."),
        [LatchkeyErrors.UnsupportedMediaType] = (415, "The request body must be application/json."),
        [LatchkeyErrors.HeadersTooLarge] = (431, "The request headers are too large."),
        [LatchkeyErrors.TooManyAttempts] = (429, "Too many attempts; wait before trying again."),
        [LatchkeyErrors.InternalError] = (500, "An unexpected error occurred."),
        [LatchkeyErrors.ServerBusy] = (503, "The server is busy; try again shortly."),
        [LatchkeyErrors.StoreUnavailable] = (503, "A store is unavailable; try again shortly."),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The HTTP status of a code.</summary>
    public static int StatusOf(string code) => Catalogue.TryGetValue(code, out var entry) ? entry.Status : 500;

    /// <summary>The title of a code, as its problems carry it.</summary>
    internal static string TitleOf(string code) => Catalogue.TryGetValue(code, out var entry) ? entry.Title : "An unexpected error occurred.";

    /// <summary>The code that stands for a bare HTTP status, for responses that had no body.</summary>
    public static string CodeForStatus(int status) => status switch
    {
        400 => LatchkeyErrors.BadRequest,
        401 => LatchkeyErrors.Unauthenticated,
        403 => LatchkeyErrors.Forbidden,
        404 => LatchkeyErrors.NotFound,
        405 => LatchkeyErrors.MethodNotAllowed,
        413 => LatchkeyErrors.PayloadTooLarge,
        415 => LatchkeyErrors.UnsupportedMediaType,
        431 => LatchkeyErrors.HeadersTooLarge,
        429 => LatchkeyErrors.TooManyAttempts,
        503 => LatchkeyErrors.StoreUnavailable,
        _ => status >= 500 ? LatchkeyErrors.InternalError : LatchkeyErrors.BadRequest,
    };

    /// <summary>A problem result for endpoints.</summary>
    public static IResult Result(string code, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null) =>
        new ProblemResult(code, detail, errors, retryAfter, null);

    /// <summary>A problem result with extension members (RFC 9457 §3.2) written by <paramref name="extensions"/>.</summary>
    public static IResult Result(string code, string? detail, Action<Utf8JsonWriter> extensions) =>
        new ProblemResult(code, detail, null, null, extensions);

    /// <summary>Writes a problem response directly.</summary>
    public static Task Write(
        HttpContext context, string code, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null) =>
        Write(context, code, detail, errors, retryAfter, null);

    private static async Task Write(
        HttpContext context, string code, string? detail, IReadOnlyDictionary<string, string[]>? errors, TimeSpan? retryAfter, Action<Utf8JsonWriter>? extensions)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (status, title) = Catalogue.TryGetValue(code, out var entry) ? entry : (500, "An unexpected error occurred.");
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("type", TypePrefix + code);
        writer.WriteString("title", title);
        writer.WriteNumber("status", status);
        writer.WriteString("code", code);
        if (detail is not null)
        {
            writer.WriteString("detail", detail);
        }

        if (errors is { Count: > 0 })
        {
            writer.WriteStartObject("errors");
            foreach (var (field, messages) in errors)
            {
                writer.WriteStartArray(field);
                foreach (var message in messages)
                {
                    writer.WriteStringValue(message);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        extensions?.Invoke(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private sealed class ProblemResult(
        string code, string? detail, IReadOnlyDictionary<string, string[]>? errors, TimeSpan? retryAfter, Action<Utf8JsonWriter>? extensions)
        : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusOf(code);

        public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext, code, detail, errors, retryAfter, extensions);
    }
}
