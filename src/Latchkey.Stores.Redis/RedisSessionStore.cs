using Latchkey.Sessions;
using Latchkey.Storage;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Sessions in Redis. Each session is one key (<c>lk:s:</c> + the 32-byte id hash) that Redis itself
/// expires at the session's idle or absolute expiry, whichever is first; a set per account
/// (<c>lk:u:</c> + account id) lists its sessions. With AOF persistence a Redis restart loses none.
/// Creation is one <c>MULTI</c>; a touch is a compare-and-set on the whole record (<c>MULTI</c> under a
/// value condition), so it never writes back a session deleted meanwhile; deletes remove the session
/// key in one command (<c>GETDEL</c>, <c>DEL</c>). An index entry whose session is gone is ignored and
/// dropped when read. Every field is kept as given: Core bounds the user agent, not this store.
/// </summary>
public sealed class RedisSessionStore : ISessionStore, IStoreAvailability
{
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
            // Optimistic read-modify-write: the write applies only if nobody changed the record meanwhile, so a
            // session deleted in between is never written back. Every lost race means another write won, so
            // this ends: the session is gone, or another touch was as late, or this one applies.
            var key = Key(idHash);
            while (true)
            {
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

            // One MULTI: the sessions and their index entries go together.
            var transaction = db.CreateTransaction();
            var deleted = transaction.KeyDeleteAsync(doomed.Select(Key).ToArray());
            _ = transaction.SetRemoveAsync(UserKey(userId), doomed.Select(h => (RedisValue)h).ToArray());
            await transaction.ExecuteAsync().ConfigureAwait(false);
            return (int)await deleted.ConfigureAwait(false);
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
