using Latchkey.Tokens;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>Names used by the Latchkey bearer scheme for resource servers.</summary>
public static class LatchkeyBearerDefaults
{
    /// <summary>The default authentication scheme name.</summary>
    public const string AuthenticationScheme = "LatchkeyBearer";

    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client that fetches the discovery
    /// document and the JWKS; configure it with <c>services.AddHttpClient(LatchkeyBearerDefaults.HttpClientName)</c>
    /// to add a proxy or handlers.
    /// </summary>
    public const string HttpClientName = "Latchkey.AspNetCore.ResourceServer";

    /// <summary>The authentication scheme name of RFC 6750, as it starts an <c>Authorization</c> header.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>The claim carrying the subject: the account id, or the client id for client-credentials tokens.</summary>
    public const string SubjectClaim = AccessTokenClaimNames.Subject;

    /// <summary>The claim carrying the client the token was issued to.</summary>
    public const string ClientIdClaim = AccessTokenClaimNames.ClientId;

    /// <summary>The claim carrying the granted scopes, space-separated (RFC 9068 §2.2.3).</summary>
    public const string ScopeClaim = AccessTokenClaimNames.Scope;

    /// <summary>The claim carrying the session or refresh-token family the token derives from, when it has one.</summary>
    public const string SessionIdClaim = AccessTokenClaimNames.SessionId;

    /// <summary>The claim type of <c>auth_time</c> (Unix seconds), when the token names when the user authenticated.</summary>
    public const string AuthTimeClaim = AccessTokenClaimNames.AuthTime;

    /// <summary>The claim type of <c>acr</c>: <c>1</c> for one factor, <c>2</c> for more.</summary>
    public const string AcrClaim = AccessTokenClaimNames.Acr;

    /// <summary>The claim type of <c>amr</c>; one claim per method (<c>pwd</c>, <c>otp</c>, <c>hwk</c>, <c>user</c>, <c>mfa</c>).</summary>
    public const string AmrClaim = AccessTokenClaimNames.Amr;

    /// <summary>
    /// The claim naming how the caller authenticated: <see cref="AuthMethod"/> for a bearer token (the Latchkey
    /// server's session scheme sets <c>session</c>).
    /// </summary>
    public const string AuthMethodClaim = "latchkey:auth_method";

    /// <summary>The value of <see cref="AuthMethodClaim"/> for a caller authenticated by a bearer token.</summary>
    public const string AuthMethod = "bearer";

    /// <summary>
    /// Whether <paramref name="authorization"/> is a Bearer credential (RFC 6750 §2.1): the scheme name in any
    /// case, alone or followed by a space. Another scheme's credential (<c>Basic</c>, <c>Bearerx</c>) is not.
    /// </summary>
    /// <param name="authorization">An <c>Authorization</c> header value.</param>
    public static bool IsBearerCredential(string? authorization) =>
        authorization is not null
        && authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
        && (authorization.Length == BearerScheme.Length || authorization[BearerScheme.Length] == ' ');
}
