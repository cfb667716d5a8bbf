namespace Latchkey.Tokens;

/// <summary>
/// The payload claims <see cref="AccessTokenValidator"/> reads, as flags: each is recorded once seen (a second
/// occurrence makes the token malformed), and <see cref="Required"/> must all be present, with the right type
/// (except <c>aud</c>: one of another type is judged a wrong audience).
/// </summary>
[Flags]
internal enum JwtClaims
{
    /// <summary>No claim.</summary>
    None = 0,

    /// <summary><c>iss</c>.</summary>
    Issuer = 1 << 0,

    /// <summary><c>sub</c>.</summary>
    Subject = 1 << 1,

    /// <summary><c>jti</c>.</summary>
    JwtId = 1 << 2,

    /// <summary><c>client_id</c>.</summary>
    ClientId = 1 << 3,

    /// <summary><c>scope</c>; optional, empty when absent.</summary>
    Scope = 1 << 4,

    /// <summary><c>sid</c>; optional.</summary>
    SessionId = 1 << 5,

    /// <summary><c>exp</c>.</summary>
    ExpiresAt = 1 << 6,

    /// <summary><c>nbf</c>; optional.</summary>
    NotBefore = 1 << 7,

    /// <summary><c>iat</c>.</summary>
    IssuedAt = 1 << 8,

    /// <summary><c>aud</c>.</summary>
    Audience = 1 << 9,

    /// <summary><c>lk_gen</c>; optional, zero when absent, a non-negative integer when present.</summary>
    Generation = 1 << 10,

    /// <summary><c>auth_time</c>; optional.</summary>
    AuthTime = 1 << 11,

    /// <summary><c>acr</c>; optional.</summary>
    Acr = 1 << 12,

    /// <summary><c>amr</c>; optional, an array of strings.</summary>
    Amr = 1 << 13,

    /// <summary>What every access token must carry (RFC 9068 §2.2), besides what Latchkey always adds.</summary>
    Required = Issuer | Subject | JwtId | ClientId | ExpiresAt | IssuedAt | Audience,
}
