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
public sealed class SessionCache
{
    private readonly ConcurrentDictionary<HashKey, Entry> _entries = new();
    private readonly IOptions<SessionOptions> _options;

    /// <summary>Creates the cache.</summary>
    public SessionCache(IOptions<SessionOptions> options) => _options = options;

    /// <summary>How many sessions are held.</summary>
    public int Count => _entries.Count;

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
    public void Set(Session session, DateTimeOffset now)
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

        _entries[key] = new Entry(session, now);
    }

    /// <summary>Drops one session.</summary>
    public void Remove(ReadOnlySpan<byte> idHash) => _entries.TryRemove(HashKey.From(idHash), out _);

    /// <summary>Drops every session of an account.</summary>
    public void RemoveUser(string userId)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.Session.UserId == userId)
            {
                _entries.TryRemove(pair);
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
                foreach (var pair in _entries)
                {
                    if (pair.Value.Session.PublicId == entry.Id)
                    {
                        _entries.TryRemove(pair);
                    }
                }

                break;
            case RevocationKind.UserGeneration:
                RemoveUser(entry.Id);
                break;
        }
    }

    /// <summary>Drops everything, after a reconnect when revocations may have been missed.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Drops entries past their maximum age or their session's expiry.</summary>
    public void Prune(DateTimeOffset now)
    {
        var maxAge = _options.Value.CacheMaxAge;
        foreach (var pair in _entries)
        {
            if (now - pair.Value.CachedAt >= maxAge || !pair.Value.Session.IsLiveAt(now))
            {
                _entries.TryRemove(pair);
            }
        }
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
