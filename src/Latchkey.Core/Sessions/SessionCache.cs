using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Latchkey.Revocation;
using Microsoft.Extensions.Options;

namespace Latchkey.Sessions;

/// <summary>
/// The node's in-memory tier of sessions, so that a request with a session cookie costs no store round
/// trip. Entries are dropped when this node ends a session, when another node's revocation arrives
/// (<see cref="Apply"/>), all at once after a reconnect (<see cref="Clear"/>), and in any case after
/// <see cref="SessionOptions.CacheMaxAge"/>, which bounds how stale a node can be if a broadcast is lost.
/// </summary>
/// <remarks>
/// A revocation by public id finds its entry through an index instead of a scan, so that it costs the same
/// with a hundred thousand cached sessions as with one. Every removal but pruning raises
/// <see cref="Version"/>; a session read from the store before a removal and cached after it is dropped
/// again (<see cref="Set(Session, DateTimeOffset, long)"/>), so that a revocation that arrives while a
/// request is reading the store cannot be undone by that request.
/// </remarks>
public sealed class SessionCache
{
    private readonly ConcurrentDictionary<HashKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, HashKey> _byPublicId = new(StringComparer.Ordinal);
    private readonly IOptions<SessionOptions> _options;
    private long _version;

    /// <summary>Creates the cache.</summary>
    public SessionCache(IOptions<SessionOptions> options) => _options = options;

    /// <summary>How many sessions are held.</summary>
    public int Count => _entries.Count;

    /// <summary>Raised by every removal but pruning; read it before a store lookup whose result is to be cached.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>The cached session, if any and not older than the maximum age.</summary>
    public bool TryGet(ReadOnlySpan<byte> idHash, DateTimeOffset now, out Session? session)
    {
        if (_entries.TryGetValue(HashKey.From(idHash), out var entry) && now - entry.CachedAt < _options.Value.CacheMaxAge)
        {
            session = entry.Session;
            return true;
        }

        session = null;
        return false;
    }

    /// <summary>Caches <paramref name="session"/> as read or written at <paramref name="now"/>.</summary>
    public void Set(Session session, DateTimeOffset now) => Set(session, now, Version);

    /// <summary>
    /// Caches <paramref name="session"/>, read from the store when <see cref="Version"/> was
    /// <paramref name="readAtVersion"/>; nothing is kept if anything was removed since.
    /// </summary>
    public void Set(Session session, DateTimeOffset now, long readAtVersion)
    {
        ArgumentNullException.ThrowIfNull(session);
        var options = _options.Value;
        if (options.CacheMaxAge <= TimeSpan.Zero)
        {
            return;
        }

        var key = HashKey.From(session.IdHash);
        if (_entries.Count >= options.CacheMaxEntries && !_entries.ContainsKey(key))
        {
            Prune(now);
            if (_entries.Count >= options.CacheMaxEntries)
            {
                // Full of live entries: serve this one from the store rather than grow without bound.
                return;
            }
        }

        var entry = new Entry(session, now);
        _entries[key] = entry;
        _byPublicId[session.PublicId] = key;

        // A removal raises the version before it looks for entries: either it finds this one, or this check
        // sees the raised version and takes the entry back out.
        if (Version != readAtVersion)
        {
            RemoveEntry(new KeyValuePair<HashKey, Entry>(key, entry));
        }
    }

    /// <summary>Drops one session.</summary>
    public void Remove(ReadOnlySpan<byte> idHash)
    {
        Interlocked.Increment(ref _version);
        var key = HashKey.From(idHash);
        if (_entries.TryRemove(key, out var entry))
        {
            _byPublicId.TryRemove(new KeyValuePair<string, HashKey>(entry.Session.PublicId, key));
        }
    }

    /// <summary>Drops every session of an account.</summary>
    public void RemoveUser(string userId)
    {
        Interlocked.Increment(ref _version);
        foreach (var pair in _entries)
        {
            if (pair.Value.Session.UserId == userId)
            {
                RemoveEntry(pair);
            }
        }
    }

    /// <summary>Applies a revocation from any node: an ended session, or an account signed out everywhere.</summary>
    public void Apply(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        switch (entry.Kind)
        {
            case RevocationKind.Session:
                Interlocked.Increment(ref _version);
                if (_byPublicId.TryGetValue(entry.Id, out var key) && _entries.TryGetValue(key, out var cached) && cached.Session.PublicId == entry.Id)
                {
                    RemoveEntry(new KeyValuePair<HashKey, Entry>(key, cached));
                }

                break;
            case RevocationKind.UserGeneration:
                RemoveUser(entry.Id);
                break;
        }
    }

    /// <summary>Drops everything, after a reconnect when revocations may have been missed.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _version);
        _entries.Clear();
        _byPublicId.Clear();
    }

    /// <summary>Drops entries past their maximum age or their session's expiry.</summary>
    public void Prune(DateTimeOffset now)
    {
        // Not a revocation: no version change, so that a concurrent Set keeps its fresh entry.
        var maxAge = _options.Value.CacheMaxAge;
        foreach (var pair in _entries)
        {
            if (now - pair.Value.CachedAt >= maxAge || !pair.Value.Session.IsLiveAt(now))
            {
                RemoveEntry(pair);
            }
        }
    }

    private void RemoveEntry(KeyValuePair<HashKey, Entry> pair)
    {
        // Only this very entry: a newer one under the same key (a touch) stays.
        _entries.TryRemove(pair);
        _byPublicId.TryRemove(new KeyValuePair<string, HashKey>(pair.Value.Session.PublicId, pair.Key));
    }

    private sealed record Entry(Session Session, DateTimeOffset CachedAt);

    // The 32-byte hash as four words: a dictionary key that costs no allocation per lookup.
    private readonly record struct HashKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static HashKey From(ReadOnlySpan<byte> hash)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new HashKey(words[0], words[1], words[2], words[3]);
        }
    }
}
