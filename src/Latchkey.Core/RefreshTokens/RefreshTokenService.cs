using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Diagnostics;
using Latchkey.Grants;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.RefreshTokens;

/// <summary>
/// Issues and rotates refresh tokens: <c>lk_rt_</c> followed by 256 random bits. Only hashes are
/// stored. A successor is derived from its parent with HMAC under a server key, so that a retry inside
/// the grace window can be handed the same successor without any raw token being stored.
/// </summary>
public sealed class RefreshTokenService
{
    /// <summary>The prefix that lets secret scanners recognise a leaked refresh token.</summary>
    public const string Prefix = "lk_rt_";

    private readonly IRefreshTokenStore _store;
    private readonly RevocationService _revocation;
    private readonly TimeProvider _time;
    private readonly IOptions<TokenOptions> _options;
    private readonly SecurityAudit _audit;
    private readonly byte[] _successorKey;
    private readonly IRefreshTokenReuseListener[] _reuseListeners;
    private readonly LatchkeyMetrics? _metrics;

    /// <summary>Creates the service.</summary>
    public RefreshTokenService(
        IRefreshTokenStore store, RevocationService revocation, MasterSecret secret, TimeProvider time,
        IOptions<TokenOptions> options, SecurityAudit audit, IEnumerable<IRefreshTokenReuseListener>? reuseListeners = null,
        LatchkeyMetrics? metrics = null)
    {
        _metrics = metrics;
        _reuseListeners = reuseListeners?.ToArray() ?? [];
        ArgumentNullException.ThrowIfNull(secret);
        _store = store;
        _revocation = revocation;
        _time = time;
        _options = options;
        _audit = audit;
        _successorKey = secret.DeriveKey("refresh-token-successor/v1");
    }

    /// <summary>The <c>sid</c> of access tokens minted from a family.</summary>
    public static string SessionIdOf(string familyId) => "rtf_" + familyId;

    /// <summary>Starts a family after a login and returns its first token.</summary>
    public Task<(string Token, RefreshTokenFamily Family)> IssueAsync(
        string userId, string clientId, string scope, RequestOrigin origin, CancellationToken cancellationToken) =>
        IssueAsync(userId, clientId, scope, origin, null, null, Sessions.AuthenticationMethods.Password, cancellationToken);

    /// <summary>Starts a family with a chosen id (a code flow's grant id) and the sign-in it came from, and returns its first token.</summary>
    public async Task<(string Token, RefreshTokenFamily Family)> IssueAsync(
        string userId, string clientId, string scope, RequestOrigin origin, string? familyId, DateTimeOffset? authTime,
        Sessions.AuthenticationMethods methods, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var options = _options.Value;
        var now = _time.GetUtcNow();
        var family = new RefreshTokenFamily(
            familyId ?? RandomTokens.Create(16), userId, clientId, scope, StoredTime.Truncate(now), StoredTime.Truncate(now + options.RefreshTokenAbsoluteLifetime),
            authTime is { } at ? StoredTime.Truncate(at) : null, methods);
        var token = Prefix + RandomTokens.Create(32);
        await _store.CreateFamilyAsync(family, SecretHash.Compute(token), Min(StoredTime.Truncate(now + options.RefreshTokenLifetime), family.ExpiresAt), cancellationToken).ConfigureAwait(false);
        _audit.RefreshFamilyStarted(family.FamilyId, userId, clientId, origin.ClientIp);
        return (token, family);
    }

    /// <summary>Spends <paramref name="token"/> and returns its successor, or refuses it.</summary>
    /// <returns>The successor and the family, or <see langword="null"/> for <c>invalid_grant</c>.</returns>
    public async Task<(string Token, RefreshTokenFamily Family)?> RotateAsync(string? token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token))
        {
            _metrics?.Refreshed(RotationStatus.Invalid);
            return null;
        }

        using var span = LatchkeyTelemetry.ActivitySource.StartActivity("latchkey.refresh");
        var options = _options.Value;
        var now = _time.GetUtcNow();
        var successor = Successor(token!);
        var result = await _store.RotateAsync(
            SecretHash.Compute(token!), SecretHash.Compute(successor), StoredTime.Truncate(now), StoredTime.Truncate(now + options.RefreshTokenLifetime),
            options.RefreshReuseGracePeriod, cancellationToken).ConfigureAwait(false);
        _metrics?.Refreshed(result.Status);
        span?.SetTag("latchkey.refresh.result", LatchkeyMetrics.RefreshResultName(result.Status));
        switch (result.Status)
        {
            case RotationStatus.Rotated:
            case RotationStatus.GraceReplay:
                return (successor, result.Family!);
            case RotationStatus.Reused:
                // RFC 6749 §10.4 / RFC 9700 §4.14.2: a spent token presented again means one of the two
                // holders is a thief; the family is already revoked in the store, its access tokens follow.
                _audit.RefreshReuseDetected(result.Family!.FamilyId, result.Family.UserId, result.Family.ClientId, origin.ClientIp);
                await _revocation.RevokeSessionTokensAsync(SessionIdOf(result.Family.FamilyId), origin, cancellationToken).ConfigureAwait(false);
                foreach (var listener in _reuseListeners)
                {
                    await listener.RefreshTokenReusedAsync(result.Family, origin, cancellationToken).ConfigureAwait(false);
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The family of a live refresh token (for introspection), or <see langword="null"/>.</summary>
    public async Task<(RefreshTokenFamily Family, DateTimeOffset ExpiresAt)?> FindLiveAsync(string? token, CancellationToken cancellationToken) =>
        IsWellFormed(token) ? await _store.FindLiveAsync(SecretHash.Compute(token!), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false) : null;

    /// <summary>Revokes the family of <paramref name="token"/> and the access tokens minted from it.</summary>
    /// <returns>Whether the token was a refresh token this server knows.</returns>
    public async Task<bool> RevokeAsync(string? token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token))
        {
            return false;
        }

        var family = await _store.RevokeFamilyOfAsync(SecretHash.Compute(token!), _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (family is null)
        {
            return false;
        }

        _audit.RefreshFamilyRevoked(family.FamilyId, family.UserId, origin.ClientIp);
        await _revocation.RevokeSessionTokensAsync(SessionIdOf(family.FamilyId), origin, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Revokes the family <paramref name="familyId"/>, if it exists, and every access token minted from it.</summary>
    public async Task RevokeFamilyAsync(string familyId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var family = await _store.RevokeFamilyAsync(familyId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (family is not null)
        {
            _audit.RefreshFamilyRevoked(family.FamilyId, family.UserId, origin.ClientIp);
        }

        await _revocation.RevokeSessionTokensAsync(SessionIdOf(familyId), origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes every family the account holds for one client, and their access tokens.</summary>
    /// <returns>How many families were revoked.</returns>
    public async Task<int> RevokeForClientAsync(string userId, string clientId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var families = await _store.RevokeAllForClientAsync(userId, clientId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var familyId in families)
        {
            _audit.RefreshFamilyRevoked(familyId, userId, origin.ClientIp);
            await _revocation.RevokeSessionTokensAsync(SessionIdOf(familyId), origin, cancellationToken).ConfigureAwait(false);
        }

        return families.Count;
    }

    /// <summary>Revokes every refresh-token family of the account.</summary>
    public async Task RevokeAllForUserAsync(string userId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var families = await _store.RevokeAllForUserAsync(userId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var familyId in families)
        {
            _audit.RefreshFamilyRevoked(familyId, userId, origin.ClientIp);
        }
    }

    /// <summary>Deletes what can no longer matter.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken) => _store.PruneAsync(_time.GetUtcNow(), cancellationToken);

    /// <summary>Whether <paramref name="token"/> has the shape of a refresh token.</summary>
    public static bool IsWellFormed(string? token)
    {
        if (token is null || token.Length != Prefix.Length + 43 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in token.AsSpan(Prefix.Length))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private string Successor(string token)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_successorKey, Encoding.ASCII.GetBytes(token), mac);
        return Prefix + Base64Url.EncodeToString(mac);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
