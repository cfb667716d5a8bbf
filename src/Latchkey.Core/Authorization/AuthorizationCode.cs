namespace Latchkey.Authorization;

/// <summary>An authorization code as stored: only its hash, and everything the token endpoint checks and needs.</summary>
/// <param name="CodeHash">SHA-256 of the code.</param>
/// <param name="ClientId">The client it was issued to.</param>
/// <param name="UserId">The account that signed in.</param>
/// <param name="RedirectUri">The redirect URI of the authorization request, which the token request must repeat.</param>
/// <param name="Scope">The granted scope.</param>
/// <param name="CodeChallenge">The PKCE S256 challenge (RFC 7636).</param>
/// <param name="Nonce">The OpenID Connect nonce, echoed in the ID token.</param>
/// <param name="SessionId">The public id of the browser session (the ID token's <c>sid</c>).</param>
/// <param name="AuthTime">When the user authenticated.</param>
/// <param name="Methods">How the user authenticated.</param>
/// <param name="GrantId">The id of what the exchange issues: the refresh-token family id and the access tokens' <c>sid</c> (after <c>rtf_</c>).</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops being redeemable.</param>
public sealed record AuthorizationCode(
    byte[] CodeHash, string ClientId, string UserId, string RedirectUri, string Scope, string CodeChallenge, string? Nonce,
    string SessionId, DateTimeOffset AuthTime, Sessions.AuthenticationMethods Methods, string GrantId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>How a code's redemption went.</summary>
public enum CodeRedemptionStatus
{
    /// <summary>Unknown or expired.</summary>
    Invalid,

    /// <summary>Live and unused: it is used now.</summary>
    Redeemed,

    /// <summary>Already used: a replay (RFC 6749 §4.1.2); what the first use issued is to be revoked.</summary>
    Replayed,
}

/// <summary>The outcome of <see cref="IAuthorizationCodeStore.RedeemAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Code">The code, unless <see cref="CodeRedemptionStatus.Invalid"/>.</param>
public sealed record CodeRedemption(CodeRedemptionStatus Status, AuthorizationCode? Code);
