using Latchkey.AccessTokens;
using Latchkey.Tokens;

namespace Latchkey.Grants;

/// <summary>The outcome of a token request: the tokens, or an RFC 6749 error.</summary>
/// <param name="AccessToken">The access token, on success.</param>
/// <param name="RefreshToken">The refresh token, for grants that give one.</param>
/// <param name="Scope">The granted scope.</param>
/// <param name="Error">The <c>error</c> code, on failure.</param>
/// <param name="ErrorDescription">A human-readable description of the error.</param>
/// <param name="RetryAfter">For throttled requests, how long to wait.</param>
public sealed record TokenResult(
    IssuedAccessToken? AccessToken, string? RefreshToken, string Scope, string? Error, string? ErrorDescription, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// For the password grant, the device token for the client's next password grants (the
    /// <c>device_token</c> extension parameter): with it, the client is throttled by its own failures only.
    /// </summary>
    public string? DeviceToken { get; init; }

    /// <summary>For the authorization code grant with the <c>openid</c> scope, the ID token.</summary>
    public string? IdToken { get; init; }

    /// <summary>A failure.</summary>
    public static TokenResult Fail(string error, string description, TimeSpan? retryAfter = null) => new(null, null, string.Empty, error, description, retryAfter);
}
