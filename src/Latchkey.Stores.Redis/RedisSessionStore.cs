using Latchkey.Sessions;
using Latchkey.Storage;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Sessions in Redis. Each session is one key (<c>lk:s:</c> + the 32-byte id hash) that Redis itself
/// expires at the session's idle or absolute expiry, whichever is first; a set per account
/// (<c>lk:u:</c> + account id) lists its sessions. With AOF persistence a Redis restart loses none.
/// </summary>
public sealed class RedisSessionStore : ISessionStore, IStoreAvailability
{
    /// <summary>The longest user agent kept with a session in Redis.</summary>
    public const int MaxUserAgentLength = 120;

    private static readonly byte[] SessionPrefix = "lk:s:"u8.ToArray();
    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public RedisSessionStore(RedisConnection redis, TimeProvider time)
    {
        _redis = redis;
        _time = time;
    }

    /// <inheritdoc />
    public bool IsAvailable => _redis.Multiplexer.IsConnected;

    /// <inheritdoc />
    public Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        session = session with { UserAgent = TruncateUserAgent(session.UserAgent) };
        return _redis.RunAsync(async db =>
        {
            var transaction = db.CreateTransaction();
            _ = transaction.StringSetAsync(Key(session.IdHash), SessionRecord.Encode(session), Ttl(session.ExpiresAt));
            _ = transaction.SetAddAsync(UserKey(session.UserId), session.IdHash);
            _ = transaction.KeyExpireAsync(UserKey(session.UserId), session.AbsoluteExpiresAt.UtcDateTime, ExpireWhen.GreaterThanCurrentExpiry);
            _ = transaction.KeyExpireAsync(UserKey(session.UserId), session.AbsoluteExpiresAt.UtcDateTime, ExpireWhen.HasNoExpiry);
            await transaction.ExecuteAsync().ConfigureAwait(false);
            return true;
        });
    }

    /// <inheritdoc />
    public Task<Session?> FindAsync(byte[] idHash, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var value = await db.StringGetAsync(Key(idHash)).ConfigureAwait(false);
            return value.HasValue ? SessionRecord.Decode(idHash, (byte[])value!) : null;
        });

    /// <inheritdoc />
    public Task<bool> TouchAsync(byte[] idHash, DateTimeOffset lastSeenAt, DateTimeOffset idleExpiresAt, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            // Optimistic read-modify-write: the write applies only if nobody changed the record meanwhile.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var key = Key(idHash);
                var current = await db.StringGetAsync(key).ConfigureAwait(false);
                if (!current.HasValue || SessionRecord.Decode(idHash, (byte[])current!) is not { } session)
                {
                    return false;
                }

                if (session.LastSeenAt >= lastSeenAt)
                {
                    return true;
                }

                var touched = session with { LastSeenAt = lastSeenAt, IdleExpiresAt = idleExpiresAt };
                var transaction = db.CreateTransaction();
                transaction.AddCondition(Condition.StringEqual(key, current));
                _ = transaction.StringSetAsync(key, SessionRecord.Encode(touched), Ttl(touched.ExpiresAt));
                if (await transaction.ExecuteAsync().ConfigureAwait(false))
                {
                    return true;
                }
            }

            return true;
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<Session>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _redis.RunAsync<IReadOnlyList<Session>>(async db =>
        {
            var sessions = await LoadUserSessionsAsync(db, userId).ConfigureAwait(false);
            return sessions.Where(s => s.IsLiveAt(now)).OrderByDescending(s => s.CreatedAt).ThenBy(s => s.PublicId, StringComparer.Ordinal).ToList();
        });

    /// <inheritdoc />
    public Task<bool> DeleteAsync(byte[] idHash, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var value = await db.StringGetDeleteAsync(Key(idHash)).ConfigureAwait(false);
            if (!value.HasValue)
            {
                return false;
            }

            if (SessionRecord.Decode(idHash, (byte[])value!) is { } session)
            {
                await db.SetRemoveAsync(UserKey(session.UserId), idHash).ConfigureAwait(false);
            }

            return true;
        });

    /// <inheritdoc />
    public Task<Session?> DeleteByPublicIdAsync(string userId, string publicId, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var match = (await LoadUserSessionsAsync(db, userId).ConfigureAwait(false)).FirstOrDefault(s => s.PublicId == publicId);
            if (match is null || !await db.KeyDeleteAsync(Key(match.IdHash)).ConfigureAwait(false))
            {
                return null;
            }

            await db.SetRemoveAsync(UserKey(userId), match.IdHash).ConfigureAwait(false);
            return match;
        });

    /// <inheritdoc />
    public Task<int> DeleteAllForUserAsync(string userId, byte[]? exceptIdHash, CancellationToken cancellationToken) =>
        _redis.RunAsync(async db =>
        {
            var members = await db.SetMembersAsync(UserKey(userId)).ConfigureAwait(false);
            var doomed = members.Select(m => (byte[])m!).Where(h => exceptIdHash is null || !h.AsSpan().SequenceEqual(exceptIdHash)).ToArray();
            if (doomed.Length == 0)
            {
                return 0;
            }

            var deleted = await db.KeyDeleteAsync(doomed.Select(Key).ToArray()).ConfigureAwait(false);
            await db.SetRemoveAsync(UserKey(userId), doomed.Select(h => (RedisValue)h).ToArray()).ConfigureAwait(false);
            return (int)deleted;
        });

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        // Redis expires session keys itself; stale members of the per-account sets are dropped when read.
        Task.FromResult(0);

    private static async Task<List<Session>> LoadUserSessionsAsync(IDatabase db, string userId)
    {
        var members = (await db.SetMembersAsync(UserKey(userId)).ConfigureAwait(false)).Select(m => (byte[])m!).ToArray();
        if (members.Length == 0)
        {
            return [];
        }

        var values = await db.StringGetAsync(members.Select(Key).ToArray()).ConfigureAwait(false);
        var sessions = new List<Session>(members.Length);
        var stale = new List<RedisValue>();
        for (var i = 0; i < members.Length; i++)
        {
            if (values[i].HasValue && SessionRecord.Decode(members[i], (byte[])values[i]!) is { } session)
            {
                sessions.Add(session);
            }
            else
            {
                stale.Add(members[i]);
            }
        }

        if (stale.Count > 0)
        {
            await db.SetRemoveAsync(UserKey(userId), stale.ToArray()).ConfigureAwait(false);
        }

        return sessions;
    }

    // The user agent is kept to its first 120 characters here (the browser, version and platform are at its
    // start), so that every session record stays within 300 bytes of Redis memory.
    private static string? TruncateUserAgent(string? userAgent) =>
        userAgent is { Length: > MaxUserAgentLength } ? userAgent[..MaxUserAgentLength] : userAgent;

    private TimeSpan Ttl(DateTimeOffset expiresAt)
    {
        var ttl = expiresAt - _time.GetUtcNow();
        return ttl > TimeSpan.FromMilliseconds(1) ? ttl : TimeSpan.FromMilliseconds(1);
    }

    private static RedisKey Key(byte[] idHash)
    {
        var key = new byte[SessionPrefix.Length + idHash.Length];
        SessionPrefix.CopyTo(key, 0);
        idHash.CopyTo(key, SessionPrefix.Length);
        return key;
    }

    private static RedisKey UserKey(string userId) => "lk:u:" + userId;
}
