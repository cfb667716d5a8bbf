using Latchkey.Throttling;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Throttling counters in Redis, shared by every node. Each counter is a hash (failures, time of the
/// last charge) that Redis expires one window after its last charge. Each step is one Lua script, so
/// the check and the charge of an attempt are atomic across nodes; StackExchange.Redis sends a script
/// once (<c>SCRIPT LOAD</c>) and then runs it by hash (<c>EVALSHA</c>).
/// </summary>
public sealed class RedisLoginThrottle : ILoginThrottle
{
    // KEYS: subject, then the address if any. ARGV: now (ms), window (ms), base delay (ms), max delay (ms),
    // then the free failures of each key. Returns {index of the refusing key, wait in ms}, or {0, 0} after
    // charging every key. The delay formula is InMemoryLoginThrottle.DelayFor.
    private const string BeginScript = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local base = tonumber(ARGV[3])
        local cap = tonumber(ARGV[4])
        local refusedBy, wait = 0, 0
        for i = 1, #KEYS do
          local f = tonumber(redis.call('HGET', KEYS[i], 'f') or '0')
          local l = tonumber(redis.call('HGET', KEYS[i], 'l') or '0')
          local over = f - tonumber(ARGV[4 + i])
          if over > 0 and now - l <= window then
            local ends = l + math.min(base * 2 ^ (over - 1), cap)
            if ends - now > wait then
              refusedBy, wait = i, ends - now
            end
          end
        end
        if wait > 0 then
          return {refusedBy, math.ceil(wait)}
        end
        for i = 1, #KEYS do
          local l = tonumber(redis.call('HGET', KEYS[i], 'l') or '0')
          if now - l > window then
            redis.call('DEL', KEYS[i])
          end
          redis.call('HINCRBY', KEYS[i], 'f', 1)
          redis.call('HSET', KEYS[i], 'l', now)
          redis.call('PEXPIRE', KEYS[i], window)
        end
        return {0, 0}
        """;

    // KEYS: subject, then the address if any. ARGV[1]: 1 to clear the subject (success), 0 to give its charge back.
    // Every other key gets its charge back; a counter back at zero is deleted rather than kept.
    private const string CompleteScript = """
        for i = 1, #KEYS do
          if i == 1 and ARGV[1] == '1' then
            redis.call('DEL', KEYS[1])
          elseif tonumber(redis.call('HGET', KEYS[i], 'f') or '0') > 1 then
            redis.call('HINCRBY', KEYS[i], 'f', -1)
          else
            redis.call('DEL', KEYS[i])
          end
        end
        return 1
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
            options.FreeFailuresPerAccount,
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
        return new ThrottleDecision(TimeSpan.FromMilliseconds((long)reply[1]), kind);
    }

    /// <inheritdoc />
    public async ValueTask CompleteAttemptAsync(ThrottleKeys keys, AttemptOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome == AttemptOutcome.Failed)
        {
            return; // The charge taken when the attempt began is the failure.
        }

        var clearSubject = outcome == AttemptOutcome.Succeeded ? "1" : "0";
        await _redis.RunAsync(db => db.ScriptEvaluateAsync(CompleteScript, KeysOf(keys), [clearSubject])).ConfigureAwait(false);
    }

    // One hash tag for every throttle key: a script's keys must share a slot on a Redis Cluster.
    private static RedisKey[] KeysOf(ThrottleKeys keys) => keys.Address is null
        ? [Key(keys.Subject)]
        : [Key(keys.Subject), Key(keys.Address)];

    private static RedisKey Key(string key) => "lk:{t}:" + key;
}
