namespace Latchkey.Tokens;

/// <summary>Why an access token was refused; <see cref="None"/> when it was accepted.</summary>
public enum TokenValidationError
{
    /// <summary>The token is valid.</summary>
    None,

    /// <summary>Not a compact JWS of three base64url segments with JSON objects.</summary>
    Malformed,

    /// <summary>Longer than the configured limit.</summary>
    TooLarge,

    /// <summary>The header asks for something refused by RFC 8725: an embedded or remote key, or <c>crit</c>.</summary>
    ForbiddenHeader,

    /// <summary><c>typ</c> is not <c>at+jwt</c>.</summary>
    WrongType,

    /// <summary><c>kid</c> names no published key.</summary>
    UnknownKey,

    /// <summary><c>alg</c> is not the algorithm of the key named by <c>kid</c> (this covers <c>none</c> and HMAC).</summary>
    AlgorithmMismatch,

    /// <summary>The signature does not verify.</summary>
    BadSignature,

    /// <summary>A required claim is missing or of the wrong type.</summary>
    MissingClaim,

    /// <summary><c>iss</c> is not this server.</summary>
    WrongIssuer,

    /// <summary><c>aud</c> does not include the expected audience.</summary>
    WrongAudience,

    /// <summary><c>exp</c> has passed.</summary>
    Expired,

    /// <summary><c>nbf</c> or <c>iat</c> lies in the future.</summary>
    NotYetValid,

    /// <summary>The token, its session or family, or every token of its subject before a point, was revoked.</summary>
    Revoked,

    /// <summary>
    /// The revocations are not known yet (a resource server still waiting for the first snapshot of its
    /// revocation feed), so the token cannot be judged. Given by the bearer handler's validation, never by
    /// <see cref="AccessTokenValidator"/>.
    /// </summary>
    RevocationsUnavailable,
}
