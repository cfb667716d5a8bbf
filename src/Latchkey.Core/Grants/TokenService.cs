using Latchkey.AccessTokens;
using Latchkey.Accounts;
using Latchkey.Clients;
using Latchkey.Mfa;
using Latchkey.RefreshTokens;
using Latchkey.Security;
using Latchkey.Sessions;
using Microsoft.Extensions.Options;

namespace Latchkey.Grants;

/// <summary>
/// The grants of <c>POST /oauth/token</c> (RFC 6749 §4.3, §4.4, §6) and the session-to-token exchange.
/// Expected failures come back as <see cref="TokenResult"/> errors, never as exceptions.
/// </summary>
public sealed class TokenService
{
    private const string AccountDisabledDescription = "The account is disabled.";

    private readonly AccountService _accounts;
    private readonly RefreshTokenService _refreshTokens;
    private readonly IClientRegistry _clients;
    private readonly AccessTokenIssuer _issuer;
    private readonly IIssuerProvider _issuerProvider;
    private readonly IOptions<TokenOptions> _options;
    private readonly Diagnostics.SecurityAudit _audit;
    private readonly MfaService? _mfa;

    /// <summary>Creates the service.</summary>
    public TokenService(
        AccountService accounts, RefreshTokenService refreshTokens, IClientRegistry clients, AccessTokenIssuer issuer,
        IIssuerProvider issuerProvider, IOptions<TokenOptions> options, Diagnostics.SecurityAudit audit, MfaService? mfa = null)
    {
        _mfa = mfa;
        _audit = audit;
        _accounts = accounts;
        _refreshTokens = refreshTokens;
        _clients = clients;
        _issuer = issuer;
        _issuerProvider = issuerProvider;
        _options = options;
    }

    /// <summary>The <c>client_id</c> of tokens obtained without naming a client.</summary>
    public string DefaultClientId => _options.Value.DefaultClientId;

    /// <summary>The resource owner password grant: an access token and a refresh token that starts a family.</summary>
    /// <param name="username">The account's email.</param>
    /// <param name="password">The password.</param>
    /// <param name="scope">The requested scope.</param>
    /// <param name="client">The authenticated client, or <see langword="null"/> for the default public client.</param>
    /// <param name="origin">Where the request came from, for throttling and the audit trail.</param>
    /// <param name="deviceToken">The <c>device_token</c> the client got from an earlier password grant, if any.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <param name="approve">Asked, once the password is right and before anything is created, whether the sign-in may go on; a denial is <c>invalid_grant</c>.</param>
    public async Task<TokenResult> PasswordGrantAsync(
        string? username, string? password, string? scope, RegisteredClient? client, RequestOrigin origin, string? deviceToken, CancellationToken cancellationToken,
        Func<Account, Task<string?>>? approve = null)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return TokenResult.Fail(OAuthErrors.InvalidRequest, "The username and password parameters are required.");
        }

        if (!Scopes.TryParse(scope, out var requested))
        {
            return TokenResult.Fail(OAuthErrors.InvalidScope, "The scope is malformed.");
        }

        // The password grant is fenced: only clients that list it, and the default public client within its configured scopes.
        if (client is not null && !client.Allows("password"))
        {
            return TokenResult.Fail(OAuthErrors.UnauthorizedClient, "This client may not use the password grant.");
        }

        var allowed = client?.Scopes ?? DefaultClientScopes();
        if (!requested.All(allowed.Contains))
        {
            return TokenResult.Fail(OAuthErrors.InvalidScope, "The requested scope exceeds what the client may have.");
        }

        ArgumentNullException.ThrowIfNull(origin);
        var signIn = await _accounts.SignInAsync(username, password, origin.Address, deviceToken, cancellationToken).ConfigureAwait(false);
        switch (signIn.Status)
        {
            case SignInStatus.Throttled:
                return TokenResult.Fail(OAuthErrors.SlowDown, "Too many attempts; wait before trying again.", signIn.RetryAfter);
            case SignInStatus.InvalidCredentials:
                return TokenResult.Fail(OAuthErrors.InvalidGrant, "The username or password is wrong.");
            case SignInStatus.EmailNotVerified:
                return TokenResult.Fail(OAuthErrors.InvalidGrant, "The email address is not verified.");
            case SignInStatus.Disabled:
                return TokenResult.Fail(OAuthErrors.InvalidGrant, AccountDisabledDescription);
        }

        var account = signIn.Account!;
        if (await PasswordAloneRefusalAsync(account, client, cancellationToken).ConfigureAwait(false) is { } reason)
        {
            _audit.PasswordOnlyRefused(account.Id, "password-grant", reason, origin.ClientIp);
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "A second factor is required for this account or client; the password grant cannot give one. Sign in through the pages.");
        }

        if (approve is not null && await approve(account).ConfigureAwait(false) is { } denial)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, denial);
        }

        var clientId = client?.ClientId ?? _options.Value.DefaultClientId;
        var granted = string.Join(' ', requested);
        var (refresh, family) = await _refreshTokens.IssueAsync(account.Id, clientId, granted, origin, cancellationToken).ConfigureAwait(false);
        if (await _accounts.RecheckAfterSignInAsync(account, cancellationToken).ConfigureAwait(false) is not SignInStatus.Succeeded and var changed)
        {
            // Disabled, reset or signed out everywhere while the password was being checked: the new family goes too.
            await _refreshTokens.RevokeAsync(refresh, origin, CancellationToken.None).ConfigureAwait(false);
            return TokenResult.Fail(OAuthErrors.InvalidGrant, changed == SignInStatus.Disabled ? AccountDisabledDescription : "The username or password is wrong.");
        }

        var access = Issue(new AccessTokenClaims(
            account.Id, clientId, granted, RefreshTokenService.SessionIdOf(family.FamilyId), account.TokenGeneration, family.CreatedAt, AuthenticationMethods.Password));
        return new TokenResult(access, refresh, granted, null, null) { DeviceToken = signIn.Device?.Token };
    }

    /// <summary>The refresh grant: spends the refresh token and returns a new pair (RFC 6749 §6).</summary>
    /// <param name="refreshToken">The presented refresh token.</param>
    /// <param name="client">The authenticated client, if the request authenticated one.</param>
    /// <param name="claimedClientId">A <c>client_id</c> given without a secret, if any.</param>
    /// <param name="origin">Where the request came from, for the audit trail.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<TokenResult> RefreshGrantAsync(
        string? refreshToken, RegisteredClient? client, string? claimedClientId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken))
        {
            return TokenResult.Fail(OAuthErrors.InvalidRequest, "The refresh_token parameter is required.");
        }

        // Check the binding to the client before spending anything: a mismatch must not burn the token.
        var live = await _refreshTokens.FindLiveAsync(refreshToken, cancellationToken).ConfigureAwait(false);
        if (live is { } found && !IsBoundTo(found.Family, client, claimedClientId))
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The refresh token was issued to another client.");
        }

        var rotated = await _refreshTokens.RotateAsync(refreshToken, origin, cancellationToken).ConfigureAwait(false);
        if (rotated is not { } pair)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The refresh token is invalid, expired, revoked or already used.");
        }

        var account = await _accounts.FindByIdAsync(pair.Family.UserId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return TokenResult.Fail(OAuthErrors.InvalidGrant, "The account no longer exists.");
        }

        if (account.DisabledAt is not null)
        {
            _audit.DisabledAccountRefused(account.Id, "refresh", origin.ClientIp);
            return TokenResult.Fail(OAuthErrors.InvalidGrant, AccountDisabledDescription);
        }

        // The family remembers the sign-in it began with: a password grant's, or the browser session's of a code flow.
        var access = Issue(new AccessTokenClaims(
            account.Id, pair.Family.ClientId, pair.Family.Scope, RefreshTokenService.SessionIdOf(pair.Family.FamilyId), account.TokenGeneration,
            pair.Family.AuthTime ?? pair.Family.CreatedAt, pair.Family.Methods == AuthenticationMethods.None ? AuthenticationMethods.Password : pair.Family.Methods));
        return new TokenResult(access, pair.Token, pair.Family.Scope, null, null);
    }

    /// <summary>The client-credentials grant: an access token whose subject is the client, no refresh token.</summary>
    public TokenResult ClientCredentialsGrant(RegisteredClient client, string? scope)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!client.Allows("client_credentials"))
        {
            return TokenResult.Fail(OAuthErrors.UnauthorizedClient, "This client may not use the client_credentials grant.");
        }

        if (!Scopes.TryParse(scope, out var requested))
        {
            return TokenResult.Fail(OAuthErrors.InvalidScope, "The scope is malformed.");
        }

        if (!requested.All(client.Scopes.Contains))
        {
            return TokenResult.Fail(OAuthErrors.InvalidScope, "The requested scope exceeds what the client may have.");
        }

        // RFC 6749 §3.3: without a requested scope, the client gets its default, here all it may have.
        var granted = requested.Count > 0 ? string.Join(' ', requested) : string.Join(' ', client.Scopes.Order(StringComparer.Ordinal));
        var access = Issue(new AccessTokenClaims(client.ClientId, client.ClientId, granted, null, 0));
        return new TokenResult(access, null, granted, null, null);
    }

    /// <summary>Mints a short-lived access token from a live browser session; its <c>sid</c> is the session's id.</summary>
    public async Task<IssuedAccessToken?> ForSessionAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var account = await _accounts.FindByIdAsync(session.UserId, cancellationToken).ConfigureAwait(false);
        if (account?.DisabledAt is not null)
        {
            _audit.DisabledAccountRefused(account.Id, "session-token", null);
        }

        return account is null || account.DisabledAt is not null
            ? null
            : Issue(new AccessTokenClaims(
                account.Id, _options.Value.DefaultClientId, string.Empty, session.PublicId, account.TokenGeneration, session.CreatedAt,
                session.Methods == AuthenticationMethods.None ? AuthenticationMethods.Password : session.Methods));
    }

    // The password grant is a password alone: refused for an account with a second factor (or that must have one),
    // and for a client that requires one.
    private async Task<string?> PasswordAloneRefusalAsync(Account account, RegisteredClient? client, CancellationToken cancellationToken)
    {
        if (client?.RequireMfa == true)
        {
            return "client_requires_mfa";
        }

        if (_mfa is null || _mfa.Requirement == MfaRequirement.Off)
        {
            return null;
        }

        return _mfa.Requirement == MfaRequirement.Required ? "mfa_required_for_all"
            : await _mfa.HasSecondFactorAsync(account.Id, cancellationToken).ConfigureAwait(false) ? "account_has_second_factor"
            : null;
    }

    private HashSet<string> DefaultClientScopes() =>
        new(_options.Value.DefaultClientScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private IssuedAccessToken Issue(AccessTokenClaims claims) =>
        _issuer.Issue(claims, _issuerProvider.Issuer, _issuerProvider.Audience, _options.Value.AccessTokenLifetime);

    private bool IsBoundTo(RefreshTokenFamily family, RegisteredClient? client, string? claimedClientId)
    {
        if (client is not null)
        {
            return client.ClientId == family.ClientId;
        }

        // A family of a confidential client is only refreshed by that client, authenticated; one of a client that is no
        // longer registered (removed from configuration or the store) by nobody. Only the default client's families
        // belong to no registration.
        var registered = _clients.Find(family.ClientId);
        if (registered is { IsConfidential: true } || (registered is null && family.ClientId != _options.Value.DefaultClientId))
        {
            return false;
        }

        return claimedClientId is null || claimedClientId == family.ClientId;
    }
}
