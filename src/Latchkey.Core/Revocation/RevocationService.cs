using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Latchkey.Grants;
using Latchkey.Security;
using Latchkey.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.Revocation;

/// <summary>
/// Revokes access tokens before they expire. Each revocation is written to the store (it survives a
/// restart), applied to this node's <see cref="RevocationList"/> before the call returns (so a revoked
/// token fails at once), and broadcast to the other nodes.
/// </summary>
public sealed class RevocationService
{
    private readonly RevocationList _list;
    private readonly IRevocationStore _store;
    private readonly IRevocationBroadcaster _broadcaster;
    private readonly IAccountStore _accounts;
    private readonly TimeProvider _time;
    private readonly IOptions<TokenOptions> _options;
    private readonly SecurityAudit _audit;
    private readonly LatchkeyMetrics? _metrics;

    // Revocations this node published and has not heard back yet, by wire form, with when they were handed to the
    // broadcast: every node hears its own messages (Redis pub/sub, LISTEN/NOTIFY), so the echo times the bus. Bounded,
    // since a broadcast that does not echo (one node, no bus) would otherwise fill it; only filled while measured.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _awaitingEcho = new(StringComparer.Ordinal);
    private const int MaxAwaitingEcho = 4096;

    /// <summary>Creates the service.</summary>
    public RevocationService(
        RevocationList list, IRevocationStore store, IRevocationBroadcaster broadcaster, IAccountStore accounts,
        TimeProvider time, IOptions<TokenOptions> options, SecurityAudit audit, LatchkeyMetrics? metrics = null)
    {
        _metrics = metrics;
        _list = list;
        _store = store;
        _broadcaster = broadcaster;
        _accounts = accounts;
        _time = time;
        _options = options;
        _audit = audit;
    }

    /// <summary>Revokes one access token until it expires.</summary>
    public Task RevokeAccessTokenAsync(string jti, DateTimeOffset expiresAt, RequestOrigin origin, CancellationToken cancellationToken) =>
        AddAsync(new RevocationEntry(RevocationKind.AccessToken, jti, 0, expiresAt), origin, cancellationToken);

    /// <summary>Revokes every access token minted from a session or refresh-token family (<c>sid</c>).</summary>
    public Task RevokeSessionTokensAsync(string sid, RequestOrigin origin, CancellationToken cancellationToken) =>
        AddAsync(new RevocationEntry(RevocationKind.Session, sid, 0, LastExpiry()), origin, cancellationToken);

    /// <summary>Revokes every access token of the account issued before now, exactly: later ones stay valid.</summary>
    public async Task RevokeAllForUserAsync(string userId, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var generation = await _accounts.RaiseTokenGenerationAsync(userId, cancellationToken).ConfigureAwait(false);
        if (generation is { } g)
        {
            await AddAsync(new RevocationEntry(RevocationKind.UserGeneration, userId, g, LastExpiry()), origin, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads every live entry from the store into this node's list (at start, and after a reconnect).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await _store.ListLiveAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            _list.Apply(entry);
        }
    }

    /// <summary>
    /// Counts a revocation heard from the broadcast and, when it is one this node published, how long the broadcast took
    /// to bring it back (<c>latchkey.revocations.propagation.delay</c>).
    /// </summary>
    public void RecordReceived(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_metrics is null)
        {
            return;
        }

        _metrics.RevocationReceived(entry.Kind);
        if (!_awaitingEcho.IsEmpty && _awaitingEcho.TryRemove(RevocationMessage.Format(entry), out var publishedAt))
        {
            _metrics.RevocationPropagated(entry.Kind, publishedAt);
        }
    }

    /// <summary>Forgets entries whose tokens have all expired, in memory and in the store.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _list.Prune(now);
        await _store.PruneAsync(now, cancellationToken).ConfigureAwait(false);
    }

    private async Task AddAsync(RevocationEntry entry, RequestOrigin origin, CancellationToken cancellationToken)
    {
        await _store.AddAsync(entry, cancellationToken).ConfigureAwait(false);
        _list.Apply(entry);
        _audit.TokenRevoked(entry.Kind.ToString(), entry.Id, entry.Generation, origin.ClientIp);
        var publishing = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_metrics is { MeasuresPropagation: true })
        {
            if (_awaitingEcho.Count >= MaxAwaitingEcho)
            {
                _awaitingEcho.Clear();
            }

            _awaitingEcho[RevocationMessage.Format(entry)] = publishing;
        }

        await _broadcaster.PublishAsync(entry, cancellationToken).ConfigureAwait(false);
        _metrics?.RevocationPublished(entry.Kind, publishing);
    }

    // Nothing issued from now on can outlive this.
    private DateTimeOffset LastExpiry()
    {
        var options = _options.Value;
        return _time.GetUtcNow() + options.AccessTokenLifetime + options.ClockSkew + TimeSpan.FromSeconds(1);
    }
}
