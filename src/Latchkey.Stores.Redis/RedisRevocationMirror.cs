using System.Globalization;
using Latchkey.Revocation;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// The Redis copy of the live revocation entries: one sorted set, <c>lk:revocations</c>, whose members
/// are <c>kind|generation|id</c> (the pub/sub message without its time) scored by the entry's expiry in
/// Unix milliseconds. Every write drops the members already expired and sets the key to expire with its
/// latest member, so Redis forgets the set by itself once no token it covers can still be presented.
/// </summary>
/// <remarks>
/// One sorted set rather than a key per entry: a node rebuilds its view with one range read instead of a
/// <c>SCAN</c> over every session key, and a resource server checks one token with one <c>ZSCORE</c>.
/// Members are ids and account ids, never secrets. Redis errors reach the caller as
/// <see cref="RedisException"/>; <see cref="RedisMirroredRevocationStore"/> decides what they mean.
/// </remarks>
public sealed class RedisRevocationMirror
{
    /// <summary>The sorted set that holds the entries.</summary>
    public static readonly RedisKey Key = "lk:revocations";

    // Entries per script call when many are copied at once, so that no single call blocks Redis for long.
    private const int BatchSize = 1000;

    // KEYS[1] the set; ARGV[1] now (ms); then score, member pairs. GT: a member's expiry only moves later.
    private const string AddScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        for i = 2, #ARGV, 2 do
            redis.call('ZADD', KEYS[1], 'GT', ARGV[i], ARGV[i + 1])
        end
        local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        if last[2] then
            redis.call('PEXPIREAT', KEYS[1], last[2])
        end
        return redis.call('ZCARD', KEYS[1])
        """;

    private readonly RedisConnection _redis;

    /// <summary>Creates the mirror.</summary>
    public RedisRevocationMirror(RedisConnection redis) => _redis = redis;

    /// <summary>Whether Redis is reachable now; while it is not, writes are not even tried.</summary>
    public bool IsConnected => _redis.Multiplexer.IsConnected;

    /// <summary>The multiplexer, for reconnect notifications.</summary>
    internal ConnectionMultiplexer Multiplexer => _redis.Multiplexer;

    /// <summary>The member that stands for <paramref name="entry"/>.</summary>
    public static string Member(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)entry.Kind}|{entry.Generation}|{entry.Id}");
    }

    /// <summary>Adds the entries still live at <paramref name="now"/>, keeping the later expiry of a member already there.</summary>
    public async Task AddAsync(IEnumerable<RevocationEntry> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var nowMs = now.ToUnixTimeMilliseconds();
        foreach (var batch in entries.Where(e => e.ExpiresAt.ToUnixTimeMilliseconds() > nowMs).Chunk(BatchSize))
        {
            var arguments = new RedisValue[1 + (2 * batch.Length)];
            arguments[0] = nowMs;
            for (var i = 0; i < batch.Length; i++)
            {
                arguments[1 + (2 * i)] = batch[i].ExpiresAt.ToUnixTimeMilliseconds();
                arguments[2 + (2 * i)] = Member(batch[i]);
            }

            await _redis.Database.ScriptEvaluateAsync(AddScript, [Key], arguments).ConfigureAwait(false);
        }
    }

    /// <summary>Every entry that expires after <paramref name="now"/>; malformed members are skipped.</summary>
    public async Task<IReadOnlyList<RevocationEntry>> ListLiveAsync(DateTimeOffset now)
    {
        var members = await _redis.Database.SortedSetRangeByScoreWithScoresAsync(
            Key, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start).ConfigureAwait(false);
        var entries = new List<RevocationEntry>(members.Length);
        foreach (var member in members)
        {
            // kind|generation|id plus the score is exactly the pub/sub message, which is parsed strictly.
            var parts = member.Element.ToString().Split('|', 3);
            var message = parts.Length == 3
                ? string.Create(CultureInfo.InvariantCulture, $"{parts[0]}|{parts[1]}|{(long)member.Score}|{parts[2]}")
                : null;
            if (RevocationMessage.TryParse(message, out var entry))
            {
                entries.Add(entry!);
            }
        }

        return entries;
    }

    /// <summary>Drops the members expired at <paramref name="now"/>.</summary>
    public Task PruneAsync(DateTimeOffset now) =>
        _redis.Database.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
}
