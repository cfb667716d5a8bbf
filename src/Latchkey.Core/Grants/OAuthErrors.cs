namespace Latchkey.Grants;

/// <summary>The <c>error</c> values of RFC 6749 §5.2 (and RFC 7009, RFC 7662) used by Latchkey.</summary>
public static class OAuthErrors
{
    /// <summary>A required parameter is missing, repeated, or malformed.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>Client authentication failed.</summary>
    public const string InvalidClient = "invalid_client";

    /// <summary>The credentials or refresh token are invalid, expired, revoked or reused.</summary>
    public const string InvalidGrant = "invalid_grant";

    /// <summary>The client may not use this grant.</summary>
    public const string UnauthorizedClient = "unauthorized_client";

    /// <summary>The grant type is not supported.</summary>
    public const string UnsupportedGrantType = "unsupported_grant_type";

    /// <summary>The requested scope is malformed or exceeds what the client may have.</summary>
    public const string InvalidScope = "invalid_scope";

    /// <summary>Too many attempts (Latchkey extension; answered with 429 and <c>Retry-After</c>).</summary>
    public const string SlowDown = "slow_down";

    /// <summary>Password hashing or a store is at capacity (answered with 503 and <c>Retry-After</c>).</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";
}
