using System.Security.Cryptography;
using System.Text;
using Latchkey.AccessTokens;
using Latchkey.Accounts;
using Latchkey.Clients;
using Latchkey.Diagnostics;
using Latchkey.Grants;
using Latchkey.RefreshTokens;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Authorization;

/// <summary>
/// The authorization code grant (RFC 6749 §4.1) with PKCE S256 (RFC 7636) and OpenID Connect ID tokens. Codes are
/// <c>lk_ac_</c> and 256 random bits, stored as hashes, single-use and valid for <see cref="CodeLifetime"/>; a code
/// presented twice revokes what its first use issued.
/// </summary>
/// <remarks>
/// Every exchange starts a grant: a refresh-token family whose id is the code's grant id, and whose <c>rtf_</c> id is the
/// access tokens' <c>sid</c>. Revoking the grant (replay, <c>DELETE /api/apps/{clientId}</c>) therefore ends the access
/// tokens too. The family's refresh token is handed out only when the client may use the refresh_token grant and the
/// scope holds <c>offline_access</c> (OIDC Core §11).
/// </remarks>
public sealed class AuthorizationCodeService
{
    /// <summary>The prefix that lets secret scanners recognise a leaked code.</summary>
    public const string Prefix = "lk_ac_";

    /// <summary>How long a code can be redeemed.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);

    private readonly IAuthorizationCodeStore _codes;
    private readonly IClientRegistry _clients;
    private readonly AccountService _accounts;
    private readonly RefreshTokenService _refreshTokens;
    private readonly AccessTokenIssuer _accessTokens;
    private readonly IdTokenIssuer _idTokens;
    private readonly IIssuerProvider _issuer;
    private readonly IOptions<TokenOptions> _options;
    private readonly TimeProvider _time;
    private readonly SecurityAudit _audit;
    private readonly Revocation.RevocationList _revocations;
    private readonly Logout.BackChannelLogout? _backChannelLogout;

    /// <summary>Creates the service.</summary>
    public AuthorizationCodeService(
        IAuthorizationCodeStore codes, IClientRegistry clients, AccountService accounts, RefreshTokenService refreshTokens, AccessTokenIssuer accessTokens,
        IdTokenIssuer idTokens, IIssuerProvider issuer, IOptions<TokenOptions> options, TimeProvider time, SecurityAudit audit, Revocation.RevocationList revocations,
        Logout.BackChannelLogout? backChannelLogout = null)
    {
        _backChannelLogout = backChannelLogout;
        _revocations = revocations;
        _codes = codes;
        _clients = clients;
        _accounts = accounts;
        _refreshTokens = refreshTokens;
        _accessTokens = accessTokens;
        _idTokens = idTokens;
        _issuer = issuer;
        _options = options;
        _time = time;
        _audit = audit;
    }

    /// <summary>Issues a code for an authorization request that has been checked, signed in and consented.</summary>
    /// <returns>The code, to be sent to the redirect URI once.</returns>
    public async Task<string> IssueAsync(
        RegisteredClient client, Session session, string redirectUri, string scope, string codeChallenge, string? nonce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(session);
        var now = StoredTime.Truncate(_time.GetUtcNow());
        var code = Prefix + RandomTokens.Create(32);
        var grantId = RandomTokens.Create(16);
        var methods = session.Methods == AuthenticationMethods.None ? AuthenticationMethods.Password : session.Methods;
        await _codes.CreateAsync(
            new AuthorizationCode(SecretHash.Compute(code), client.ClientId, session.UserId, redirectUri, scope, codeChallenge, nonce, session.PublicId,
                session.CreatedAt, methods, grantId, now, now + CodeLifetime),
            cancellationToken).ConfigureAwait(false);
        _audit.AuthorizationCodeIssued(client.ClientId, session.UserId, session.PublicId, grantId);
        if (_backChannelLogout is not null)
        {
            // The session now signed into this client: when it ends, the client is told (Back-Channel Logout 1.0 §2.7).
            await _backChannelLogout.RecordSignInAsync(client, session, cancellationToken).ConfigureAwait(false);
        }

        return code;
    }

    /// <summary>Redeems a code at the token endpoint.</summary>
    /// <param name="code">The <c>code</c> parameter.</param>
    /// <param name="redirectUri">The <c>redirect_uri</c> parameter; must equal the authorization request's.</param>
    /// <param name="codeVerifier">The PKCE <c>code_verifier</c>.</param>
    /// <param name="client">The authenticated client, if the request authenticated one.</param>
    /// <param name="claimedClientId">The <c>client_id</c> of a public client.</param>
    /// <param name="origin">Where the request came from.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<TokenResult> ExchangeAsync(
        string? code, string? redirectUri, string? codeVerifier, RegisteredClient? client, string? claimedClientId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (client is null)
        {
            client = _clients.Find(claimedClientId);
            if (client is null)
            {
                return TokenResult.Fail(OAuthErrors.InvalidClient, "Unknown client; a public client sends its client_id.");
            }

            if (client.IsConfidential)
            {
                return TokenResult.Fail(OAuthErrors.InvalidClient, "This client must authenticate.");
            }
        }

        if (!client.Allows("authorization_code"))
        {
            return TokenResult.Fail(OAuthErrors.UnauthorizedClient, "This client may not use the authorization_code grant.");
        }

        if (string.IsNullOrEmpty(code) || string.IsNullOrEmpty(redirectUri))
        {
            return TokenResult.Fail(OAuthErrors.InvalidRequest, "The code and redirect_uri parameters are required.");
        }

        // RFC 7636 §4.6: without a well-formed verifier the code cannot be redeemed; it stays unspent.
        if (!Pkce.IsValidVerifier(codeVerifier))
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "A code_verifier of 43 to 128 unreserved characters is required (PKCE).");
        }

        if (code.Length > 128)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The code is invalid, expired or already used.");
        }

        var redemption = await _codes.RedeemAsync(SecretHash.Compute(code), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (redemption.Status == CodeRedemptionStatus.Replayed)
        {
            // RFC 6749 §4.1.2 and RFC 9700 §4.5: the code leaked; revoke what its first use issued.
            var replayed = redemption.Code!;
            _audit.AuthorizationCodeReplayed(replayed.ClientId, replayed.UserId, replayed.GrantId, origin.ClientIp);
            await _refreshTokens.RevokeFamilyAsync(replayed.GrantId, origin, cancellationToken).ConfigureAwait(false);
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The code is invalid, expired or already used.");
        }

        if (redemption.Code is not { } stored)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The code is invalid, expired or already used.");
        }

        // The code is spent now, whatever follows: a code shown to the wrong client or with the wrong verifier is burnt.
        if (stored.ClientId != client.ClientId)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The code was issued to another client.");
        }

        if (!string.Equals(stored.RedirectUri, redirectUri, StringComparison.Ordinal))
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The redirect_uri differs from the authorization request's.");
        }

        if (!Pkce.Matches(codeVerifier!, stored.CodeChallenge))
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The code_verifier does not match the code_challenge.");
        }

        if (client.RequireMfa && !AuthenticationMethodNames.IsMultiFactor(stored.Methods))
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "This client requires a multi-factor sign-in.");
        }

        var account = await _accounts.FindByIdAsync(stored.UserId, cancellationToken).ConfigureAwait(false);
        if (account is null || account.DisabledAt is not null)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The account is disabled or no longer exists.");
        }

        var scopes = stored.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (refresh, family) = await _refreshTokens.IssueAsync(
            account.Id, client.ClientId, stored.Scope, origin, stored.GrantId, stored.AuthTime, stored.Methods, cancellationToken).ConfigureAwait(false);
        // A replay that raced this exchange revoked the grant before its family existed: the revocation entry tells.
        if (_revocations.IsSessionRevoked(RefreshTokenService.SessionIdOf(family.FamilyId)))
        {
            await _refreshTokens.RevokeFamilyAsync(family.FamilyId, origin, cancellationToken).ConfigureAwait(false);
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The code is invalid, expired or already used.");
        }

        var options = _options.Value;
        var access = _accessTokens.Issue(
            new AccessTokenClaims(account.Id, client.ClientId, stored.Scope, RefreshTokenService.SessionIdOf(family.FamilyId), account.TokenGeneration, stored.AuthTime, stored.Methods),
            _issuer.Issuer, _issuer.Audience, options.AccessTokenLifetime);
        string? idToken = null;
        if (scopes.Contains("openid", StringComparer.Ordinal))
        {
            idToken = _idTokens.Issue(new IdTokenRequest(
                _issuer.Issuer, client.ClientId, account, scopes, stored.Nonce, stored.SessionId, stored.AuthTime, stored.Methods, access.Token,
                client.IdTokenSigningAlgorithm, options.AccessTokenLifetime));
        }

        var handOut = client.Allows("refresh_token") && scopes.Contains("offline_access", StringComparer.Ordinal);
        return new TokenResult(access, handOut ? refresh : null, stored.Scope, null, null) { IdToken = idToken };
    }
}

/// <summary>PKCE (RFC 7636) with the S256 method only.</summary>
public static class Pkce
{
    /// <summary>Whether <paramref name="value"/> is 43 to 128 characters of <c>[A-Za-z0-9-._~]</c> (a verifier; a challenge is 43 of them).</summary>
    public static bool IsValidVerifier(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>Whether <paramref name="challenge"/> has the shape of an S256 challenge: 43 base64url characters.</summary>
    public static bool IsValidS256Challenge(string? challenge) =>
        challenge is { Length: 43 } && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether BASE64URL(SHA-256(verifier)) equals <paramref name="challenge"/>, compared in constant time.</summary>
    public static bool Matches(string verifier, string challenge)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(challenge);
        var computed = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}
