using System.Collections.Concurrent;
using Latchkey.Tokens;

namespace Latchkey.Revocation;

/// <summary>
/// The in-memory view of every live revocation, checked on each request without I/O: revoked token
/// ids, revoked sessions and families (<c>sid</c>), and per-account token generations.
/// </summary>
public sealed class RevocationList : IAccessTokenRevocationCheck
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Generation, DateTimeOffset ExpiresAt)> _generations = new(StringComparer.Ordinal);

    /// <summary>Raised after every entry is applied, local or from another node (feeds resource servers).</summary>
    public event Action<RevocationEntry>? Applied;

    /// <summary>How many entries are held.</summary>
    public int Count => _tokens.Count + _sessions.Count + _generations.Count;

    /// <inheritdoc />
    public bool IsRevoked(AccessToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_tokens.ContainsKey(token.JwtId))
        {
            return true;
        }

        if (token.SessionId is { } sid && _sessions.ContainsKey(sid))
        {
            return true;
        }

        return !token.IsClientToken
            && _generations.TryGetValue(token.Subject, out var generation)
            && token.Generation < generation.Generation;
    }

    /// <summary>Whether every token of the session or refresh-token family <paramref name="sid"/> is revoked, as far as this node knows.</summary>
    public bool IsSessionRevoked(string sid) => _sessions.ContainsKey(sid);

    /// <summary>The generation below which the account's tokens are refused, as far as this node knows.</summary>
    public long GenerationOf(string userId) => _generations.TryGetValue(userId, out var g) ? g.Generation : 0;

    /// <summary>Adds an entry; applying one twice, or out of order, is harmless.</summary>
    public void Apply(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        switch (entry.Kind)
        {
            case RevocationKind.AccessToken:
                _tokens[entry.Id] = entry.ExpiresAt;
                break;
            case RevocationKind.Session:
                _sessions[entry.Id] = entry.ExpiresAt;
                break;
            case RevocationKind.UserGeneration:
                _generations.AddOrUpdate(
                    entry.Id,
                    (entry.Generation, entry.ExpiresAt),
                    (_, current) => entry.Generation >= current.Generation ? (entry.Generation, entry.ExpiresAt) : current);
                break;
        }

        Applied?.Invoke(entry);
    }

    /// <summary>Every entry held, for a subscriber that starts from nothing.</summary>
    public IReadOnlyList<RevocationEntry> Snapshot()
    {
        var entries = new List<RevocationEntry>(Count);
        entries.AddRange(_tokens.Select(p => new RevocationEntry(RevocationKind.AccessToken, p.Key, 0, p.Value)));
        entries.AddRange(_sessions.Select(p => new RevocationEntry(RevocationKind.Session, p.Key, 0, p.Value)));
        entries.AddRange(_generations.Select(p => new RevocationEntry(RevocationKind.UserGeneration, p.Key, p.Value.Generation, p.Value.ExpiresAt)));
        return entries;
    }

    /// <summary>Drops entries whose tokens have all expired.</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var pair in _tokens)
        {
            if (pair.Value <= now)
            {
                _tokens.TryRemove(pair);
            }
        }

        foreach (var pair in _sessions)
        {
            if (pair.Value <= now)
            {
                _sessions.TryRemove(pair);
            }
        }

        foreach (var pair in _generations)
        {
            if (pair.Value.ExpiresAt <= now)
            {
                _generations.TryRemove(pair);
            }
        }
    }
}
