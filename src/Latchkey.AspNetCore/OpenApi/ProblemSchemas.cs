using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Latchkey.AspNetCore.OpenApi;

// The shapes of Latchkey's error bodies, for the OpenAPI document only: the bodies themselves are written by
// LatchkeyProblems and OAuthResponses, never serialized from these types.

[Description("An RFC 9457 problem as Latchkey writes it on `/api` and the other non-OAuth endpoints (docs/errors.md).")]
internal class LatchkeyProblem
{
    [Description("`urn:latchkey:error:{code}`.")]
    public required string Type { get; init; }

    [Description("A short English sentence, the same for every occurrence of the code.")]
    public required string Title { get; init; }

    [Description("The HTTP status of the response, repeated.")]
    public required int Status { get; init; }

    [Description("The stable, machine-readable code; each has a section in docs/errors.md named after it.")]
    public required string Code { get; init; }

    [Description("An English sentence about this occurrence.")]
    public string? Detail { get; init; }

    [Description("With `validation_failed` only: each invalid field's name and its messages.")]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
}

[Description(
    "A 401 at sign-in: `invalid_credentials`, or `mfa_required` / `mfa_enrollment_required` with the challenge that finishes the sign-in (docs/mfa.md).")]
internal sealed class MfaChallengeProblem : LatchkeyProblem
{
    [Description("The challenge for `POST /api/session/mfa` (or the enrolment steps); with the MFA codes only.")]
    public string? Challenge { get; init; }

    [Description("When the challenge expires.")]
    public DateTimeOffset? ChallengeExpiresAt { get; init; }

    [Description("What may finish the sign-in: `passkey`, `totp`, `recovery_code`, or `totp_enrollment`.")]
    public IReadOnlyList<string>? Methods { get; init; }
}

[Description("An RFC 6749 §5.2 error, as every `/oauth` endpoint that answers JSON writes it.")]
internal sealed class OAuthError
{
    [Description("The error code, for example `invalid_grant` (docs/errors.md#oauth-endpoint-errors).")]
    [JsonPropertyName("error")]
    public required string Error { get; init; }

    [Description("An English sentence for the developer.")]
    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; init; }
}
