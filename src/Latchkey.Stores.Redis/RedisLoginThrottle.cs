using Latchkey.Throttling;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Throttling counters in Redis, shared by every node. Each counter is a hash (failures, of them still
/// in flight, time of the last charge) that Redis expires one window after its last charge, so charges
/// left in flight by a node that died expire with it. Each step is one Lua script, so
/// the check and the charge of an attempt are atomic across nodes; StackExchange.Redis sends a script
/// once (<c>SCRIPT LOAD</c>) and then runs it by hash (<c>EVALSHA</c>).
/// </summary>
public sealed class RedisLoginThrottle : ILoginThrottle
{
    // KEYS: subject, then the address if any. ARGV: now (ms), window (ms), base delay (ms), max delay (ms),
    // then the free failures of each key. Returns {index of the refusing key, wait in ms, 1 when only
    // charges in flight owe the wait}, or {0, 0, 0} after charging every key. The delay formula is
    // InMemoryLoginThrottle.DelayFor; failures 'f' include the charges in flight 'i'.
    private const string BeginScript = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local base = tonumber(ARGV[3])
        local cap = tonumber(ARGV[4])
        local function remaining(failures, free, last)
          if failures <= free then
            return 0
          end
          return last + math.min(base * 2 ^ (failures - free - 1), cap) - now
        end
        local refusedBy, wait, settled = 0, 0, 0
        for i = 1, #KEYS do
          local v = redis.call('HMGET', KEYS[i], 'f', 'i', 'l')
          local f, n, l = tonumber(v[1] or '0'), tonumber(v[2] or '0'), tonumber(v[3] or '0')
          if now - l <= window then
            local free = tonumber(ARGV[4 + i])
            local w = remaining(f, free, l)
            if w > wait then
              refusedBy, wait = i, w
            end
            settled = math.max(settled, remaining(f - n, free, l))
          end
        end
        if wait > 0 then
          return {refusedBy, math.ceil(wait), settled > 0 and 0 or 1}
        end
        for i = 1, #KEYS do
          local l = tonumber(redis.call('HGET', KEYS[i], 'l') or '0')
          if now - l > window then
            redis.call('DEL', KEYS[i])
          end
          redis.call('HINCRBY', KEYS[i], 'f', 1)
          redis.call('HINCRBY', KEYS[i], 'i', 1)
          redis.call('HSET', KEYS[i], 'l', now)
          redis.call('PEXPIRE', KEYS[i], window)
        end
        return {0, 0, 0}
        """;

    // KEYS: subject, then the address if any. ARGV[1]: 's' (succeeded: clear the subject, give the address
    // its charge back), 'f' (failed: the charges stay, no longer in flight) or 'a' (abandoned: give both
    // back). A missing key is left alone, never recreated without its expiry. A node that died mid-attempt
    // leaves its charge in flight until the key expires, so the in-flight count is floored at zero.
    private const string CompleteScript = """
        for i = 1, #KEYS do
          if i == 1 and ARGV[1] == 's' then
            redis.call('DEL', KEYS[1])
          elseif redis.call('EXISTS', KEYS[i]) == 1 then
            if tonumber(redis.call('HGET', KEYS[i], 'i') or '0') > 0 then
              redis.call('HINCRBY', KEYS[i], 'i', -1)
            end
            if ARGV[1] ~= 'f' and redis.call('HINCRBY', KEYS[i], 'f', -1) <= 0 then
              redis.call('DEL', KEYS[i])
            end
          end
        end
        return 1
        """;

    // KEYS: the rate key. ARGV: now (ms), window (ms), limit. The window starts at its first permit ('l')
    // and the key expires with it; 'f' counts the permits taken. Returns 0 after taking a permit, else the
    // ms left in the window (at least 1). A refusal takes nothing, so hammering does not extend the window.
    private const string AcquireScript = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local v = redis.call('HMGET', KEYS[1], 'f', 'l')
        local f, l = tonumber(v[1] or '0'), tonumber(v[2] or '0')
        if v[2] == false or now - l >= window then
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[1], 'f', 0, 'l', now)
          redis.call('PEXPIRE', KEYS[1], window)
          f, l = 0, now
        end
        if f >= tonumber(ARGV[3]) then
          return math.max(1, l + window - now)
        end
        redis.call('HINCRBY', KEYS[1], 'f', 1)
        return 0
        """;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly IOptions<ThrottlingOptions> _options;

    /// <summary>Creates the throttle.</summary>
    public RedisLoginThrottle(RedisConnection redis, TimeProvider time, IOptions<ThrottlingOptions> options)
    {
        _redis = redis;
        _time = time;
        _options = options;
    }

    /// <inheritdoc />
    public async ValueTask<ThrottleDecision> TryBeginAttemptAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        RedisValue[] arguments =
        [
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            (long)options.Window.TotalMilliseconds,
            (long)options.BaseDelay.TotalMilliseconds,
            (long)options.MaxDelay.TotalMilliseconds,
            ThrottleKeys.FreeFailuresOf(ThrottleKeys.KindOf(keys.Subject), options),
            options.FreeFailuresPerAddress,
        ];
        var result = await _redis.RunAsync(db => db.ScriptEvaluateAsync(BeginScript, KeysOf(keys), arguments)).ConfigureAwait(false);
        var reply = (RedisResult[])result!;
        var refusedBy = (int)reply[0];
        if (refusedBy == 0)
        {
            return ThrottleDecision.Admitted;
        }

        var kind = refusedBy == 1 ? ThrottleKeys.KindOf(keys.Subject) : ThrottleKeyKind.Address;
        return new ThrottleDecision(TimeSpan.FromMilliseconds((long)reply[1]), kind, IsContended: (int)reply[2] == 1);
    }

    /// <inheritdoc />
    public async ValueTask<ThrottleDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        RedisValue[] arguments = [_time.GetUtcNow().ToUnixTimeMilliseconds(), (long)window.TotalMilliseconds, limit];
        var wait = (long)(await _redis.RunAsync(db => db.ScriptEvaluateAsync(AcquireScript, [Key(key)], arguments)).ConfigureAwait(false))!;
        return wait == 0 ? ThrottleDecision.Admitted : new ThrottleDecision(TimeSpan.FromMilliseconds(wait), ThrottleKeys.KindOf(key));
    }

    /// <inheritdoc />
    public async ValueTask CompleteAttemptAsync(ThrottleKeys keys, AttemptOutcome outcome, CancellationToken cancellationToken)
    {
        RedisValue step = outcome switch
        {
            AttemptOutcome.Succeeded => "s",
            AttemptOutcome.Failed => "f",
            _ => "a",
        };
        await _redis.RunAsync(db => db.ScriptEvaluateAsync(CompleteScript, KeysOf(keys), [step])).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ForgetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await _redis.RunAsync(db => db.KeyDeleteAsync(Key(key))).ConfigureAwait(false);
    }

    // One hash tag for every throttle key: a script's keys must share a slot on a Redis Cluster.
    private static RedisKey[] KeysOf(ThrottleKeys keys) => keys.Address is null
        ? [Key(keys.Subject)]
        : [Key(keys.Subject), Key(keys.Address)];

    private static RedisKey Key(string key) => "lk:{t}:" + key;
}
