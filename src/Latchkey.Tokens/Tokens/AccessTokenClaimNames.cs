namespace Latchkey.Tokens;

/// <summary>
/// The names of the claims Latchkey puts in an access token (RFC 9068 §2.2, RFC 7519 §4.1), and under which
/// the bearer handler gives them to the application as principal claims. The one definition of each name.
/// </summary>
public static class AccessTokenClaimNames
{
    /// <summary><c>iss</c>: the issuer.</summary>
    public const string Issuer = "iss";

    /// <summary><c>sub</c>: the account id, or the client id for client-credentials tokens.</summary>
    public const string Subject = "sub";

    /// <summary><c>aud</c>: the audience (a string or an array of strings).</summary>
    public const string Audience = "aud";

    /// <summary><c>exp</c>: the expiry, a NumericDate.</summary>
    public const string ExpiresAt = "exp";

    /// <summary><c>nbf</c>: not before, a NumericDate.</summary>
    public const string NotBefore = "nbf";

    /// <summary><c>iat</c>: issued at, a NumericDate.</summary>
    public const string IssuedAt = "iat";

    /// <summary><c>jti</c>: the token id.</summary>
    public const string JwtId = "jti";

    /// <summary><c>client_id</c>: the client the token was issued to.</summary>
    public const string ClientId = "client_id";

    /// <summary><c>scope</c>: the granted scopes, space-separated (RFC 9068 §2.2.3).</summary>
    public const string Scope = "scope";

    /// <summary><c>sid</c>: the browser session or refresh-token family the token derives from, when it has one.</summary>
    public const string SessionId = "sid";

    /// <summary>
    /// <c>lk_gen</c>: the subject's token generation when the token was issued; tokens of a lower generation
    /// than the one the revocation list holds for their subject are refused. Omitted while it is zero.
    /// </summary>
    public const string Generation = "lk_gen";

    /// <summary><c>auth_time</c>: when the user last authenticated (OpenID Connect Core §2), a NumericDate.</summary>
    public const string AuthTime = "auth_time";

    /// <summary><c>acr</c>: the authentication context class: <c>1</c> for one factor, <c>2</c> for more (see docs/mfa.md).</summary>
    public const string Acr = "acr";

    /// <summary><c>amr</c>: the authentication methods (RFC 8176): <c>pwd</c>, <c>otp</c>, <c>hwk</c>, <c>user</c>, <c>mfa</c>. One claim per method on the principal.</summary>
    public const string Amr = "amr";
}
