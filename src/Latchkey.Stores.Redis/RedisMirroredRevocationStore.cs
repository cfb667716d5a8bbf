using Latchkey.Revocation;
using Latchkey.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Revocation entries in the durable store, copied to Redis (<see cref="RedisRevocationMirror"/>). The
/// durable store decides: a revocation succeeds when it is written there, whether Redis answers or not.
/// A copy that could not be made is made later, when Redis is back (or at the next pruning), from the
/// durable store; listing also copies whatever the durable store has and Redis lacks, so a Redis that lost
/// its data is refilled by the next node that starts or resynchronizes.
/// </summary>
public sealed class RedisMirroredRevocationStore : IRevocationStore
{
    private readonly IRevocationStore _durable;
    private readonly RedisRevocationMirror _mirror;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisMirroredRevocationStore> _logger;
    private int _watching;
    private volatile bool _behind;

    /// <summary>Wraps <paramref name="durable"/>.</summary>
    public RedisMirroredRevocationStore(
        IRevocationStore durable, RedisRevocationMirror mirror, TimeProvider time, ILogger<RedisMirroredRevocationStore> logger)
    {
        _durable = durable;
        _mirror = mirror;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a copy to Redis failed and has not been made up for yet.</summary>
    public bool IsBehind => _behind;

    /// <inheritdoc />
    public async Task AddAsync(RevocationEntry entry, CancellationToken cancellationToken)
    {
        WatchReconnects();
        await _durable.AddAsync(entry, cancellationToken).ConfigureAwait(false);
        await TryMirrorAsync([entry]).ConfigureAwait(false);
    }

    /// <summary>
    /// The union of the Redis copy and the durable store. Durable entries missing from Redis are copied
    /// there. When only Redis answers, its entries are returned (a partial view beats none, as entries only
    /// ever add revocations) and the durable store's failure is logged.
    /// </summary>
    public async Task<IReadOnlyList<RevocationEntry>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        WatchReconnects();
        var mirrored = ReadMirrorAsync(now);
        IReadOnlyList<RevocationEntry> durable;
        try
        {
            durable = await _durable.ListLiveAsync(now, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            if (await mirrored.ConfigureAwait(false) is not { } only)
            {
                throw;
            }

            Log.RevocationDurableReadFailed(_logger, ex);
            return only;
        }

        if (await mirrored.ConfigureAwait(false) is not { } copies)
        {
            _behind = true;
            return durable;
        }

        var known = copies.ToDictionary(RedisRevocationMirror.Member, e => e.ExpiresAt, StringComparer.Ordinal);
        var missing = durable.Where(e => !known.TryGetValue(RedisRevocationMirror.Member(e), out var expiresAt) || expiresAt < e.ExpiresAt).ToList();
        if (missing.Count > 0 && await TryMirrorAsync(missing).ConfigureAwait(false))
        {
            Log.RevocationMirrorCaughtUp(_logger, missing.Count);
        }

        var listed = durable.ToHashSet();
        return [.. durable, .. copies.Where(e => !listed.Contains(e))];
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pruned = await _durable.PruneAsync(now, cancellationToken).ConfigureAwait(false);
        if (_behind)
        {
            // A copy failed without a reconnect to trigger the catch-up (a timeout, say): make it up now.
            await CatchUpAsync().ConfigureAwait(false);
        }
        else if (_mirror.IsConnected)
        {
            try
            {
                await _mirror.PruneAsync(now).ConfigureAwait(false);
            }
            catch (RedisException ex)
            {
                // Redis expires the set with its last entry anyway; the next write prunes too.
                Log.RevocationMirrorFailed(_logger, 0, ex);
            }
        }

        return pruned;
    }

    private async Task<bool> TryMirrorAsync(List<RevocationEntry> entries)
    {
        if (!_mirror.IsConnected)
        {
            // Do not wait for a command timeout on every revocation while Redis is down.
            _behind = true;
            Log.RevocationMirrorFailed(_logger, entries.Count, null);
            return false;
        }

        try
        {
            await _mirror.AddAsync(entries, _time.GetUtcNow()).ConfigureAwait(false);
            return true;
        }
        catch (RedisException ex)
        {
            _behind = true;
            Log.RevocationMirrorFailed(_logger, entries.Count, ex);
            return false;
        }
    }

    private async Task<IReadOnlyList<RevocationEntry>?> ReadMirrorAsync(DateTimeOffset now)
    {
        if (!_mirror.IsConnected)
        {
            return null;
        }

        try
        {
            return await _mirror.ListLiveAsync(now).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            Log.RevocationMirrorReadFailed(_logger, ex);
            return null;
        }
    }

    private async Task CatchUpAsync()
    {
        _behind = false;
        try
        {
            // Listing copies every durable entry Redis lacks; a copy that fails sets the flag again.
            await ListLiveAsync(_time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            _behind = true;
            Log.RevocationMirrorCatchUpFailed(_logger, ex);
        }
    }

    // Subscribed on first use, before any copy can fail, so that no reconnect is missed.
    private void WatchReconnects()
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0)
        {
            _mirror.Multiplexer.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive && _behind)
                {
                    _ = Task.Run(CatchUpAsync, CancellationToken.None);
                }
            };
        }
    }
}
