using System.Collections.Concurrent;
using Latchkey.Sessions;
using Microsoft.Extensions.Options;

namespace Latchkey.Accounts;

/// <summary>
/// Account emails by account id, in memory, so that <c>GET /api/me</c> costs no store round trip. The node
/// that changes an email (a confirmed or undone email change) or deletes an account updates its entry; on the
/// other nodes <see cref="SessionOptions.CacheMaxAge"/> bounds the staleness, as it bounds cached sessions.
/// Only emails are kept: nothing that a credential check or a token decision reads.
/// </summary>
public sealed class AccountEmailCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IOptions<SessionOptions> _options;

    /// <summary>Creates the cache; its age and size limits are the session cache's.</summary>
    public AccountEmailCache(IOptions<SessionOptions> options) => _options = options;

    /// <summary>The cached email of <paramref name="accountId"/>, if any and not older than the maximum age.</summary>
    public bool TryGet(string accountId, DateTimeOffset now, out string? email)
    {
        if (_entries.TryGetValue(accountId, out var entry) && now - entry.CachedAt < _options.Value.CacheMaxAge)
        {
            email = entry.Email;
            return true;
        }

        email = null;
        return false;
    }

    /// <summary>Caches the email of an account as read at <paramref name="now"/>.</summary>
    public void Set(string accountId, string email, DateTimeOffset now)
    {
        var options = _options.Value;
        if (options.CacheMaxAge <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= options.CacheMaxEntries && !_entries.ContainsKey(accountId))
        {
            foreach (var pair in _entries)
            {
                if (now - pair.Value.CachedAt >= options.CacheMaxAge)
                {
                    _entries.TryRemove(pair);
                }
            }

            if (_entries.Count >= options.CacheMaxEntries)
            {
                return;
            }
        }

        _entries[accountId] = new Entry(email, now);
    }

    /// <summary>Forgets the email of <paramref name="accountId"/>, when the account is deleted.</summary>
    public void Remove(string accountId) => _entries.TryRemove(accountId, out _);

    private sealed record Entry(string Email, DateTimeOffset CachedAt);
}
