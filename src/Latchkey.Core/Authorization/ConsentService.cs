using Latchkey.Diagnostics;
using Latchkey.RefreshTokens;
using Latchkey.Security;
using Latchkey.Storage;

namespace Latchkey.Authorization;

/// <summary>
/// What each account has allowed each client. Consent is per account and client and grows by scope: a client asking
/// for more than was consented asks again. Revoking an app removes the consent and ends its refresh tokens and the
/// access tokens minted from them.
/// </summary>
public sealed class ConsentService
{
    private readonly IConsentStore _store;
    private readonly RefreshTokenService _refreshTokens;
    private readonly TimeProvider _time;
    private readonly SecurityAudit _audit;

    /// <summary>Creates the service.</summary>
    public ConsentService(IConsentStore store, RefreshTokenService refreshTokens, TimeProvider time, SecurityAudit audit)
    {
        _store = store;
        _refreshTokens = refreshTokens;
        _time = time;
        _audit = audit;
    }

    /// <summary>Whether the account has consented to every one of <paramref name="scopes"/> for the client.</summary>
    public async Task<bool> CoversAsync(string userId, string clientId, IEnumerable<string> scopes, CancellationToken cancellationToken)
    {
        var consent = await _store.FindAsync(userId, clientId, cancellationToken).ConfigureAwait(false);
        if (consent is null)
        {
            return false;
        }

        var granted = consent.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return scopes.All(s => granted.Contains(s, StringComparer.Ordinal));
    }

    /// <summary>Adds <paramref name="scopes"/> to the account's consent for the client.</summary>
    public async Task GrantAsync(string userId, string clientId, IEnumerable<string> scopes, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var now = StoredTime.Truncate(_time.GetUtcNow());
        var existing = await _store.FindAsync(userId, clientId, cancellationToken).ConfigureAwait(false);
        var merged = (existing?.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? []).Union(scopes, StringComparer.Ordinal).ToList();
        var scope = string.Join(' ', merged);
        if (existing is not null && existing.Scope == scope)
        {
            return;
        }

        await _store.SaveAsync(new Consent(userId, clientId, scope, existing?.GrantedAt ?? now, now), cancellationToken).ConfigureAwait(false);
        _audit.ConsentGranted(userId, clientId, scope, origin.ClientIp);
    }

    /// <summary>The account's consents.</summary>
    public Task<IReadOnlyList<Consent>> ListAsync(string userId, CancellationToken cancellationToken) => _store.ListAsync(userId, cancellationToken);

    /// <summary>Removes the consent and revokes the client's refresh-token families of the account with their access tokens.</summary>
    /// <returns>Whether there was a consent or a live family to revoke.</returns>
    public async Task<bool> RevokeAsync(string userId, string clientId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var hadConsent = await _store.DeleteAsync(userId, clientId, cancellationToken).ConfigureAwait(false);
        var families = await _refreshTokens.RevokeForClientAsync(userId, clientId, origin, cancellationToken).ConfigureAwait(false);
        if (hadConsent || families > 0)
        {
            _audit.ConsentRevoked(userId, clientId, families, origin.ClientIp);
        }

        return hadConsent || families > 0;
    }
}
