using Latchkey.Throttling;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Login throttling counters in Redis, shared by every node. Each counter is a hash (failures, time of
/// the last failure) that Redis expires after the throttling window; a failure is one atomic script.
/// </summary>
public sealed class RedisLoginThrottle : ILoginThrottle
{
    // KEYS[1] counter; ARGV[1] now (ms); ARGV[2] window (ms). Increments and stamps in one step.
    private const string RecordScript = """
        redis.call('HINCRBY', KEYS[1], 'f', 1)
        redis.call('HSET', KEYS[1], 'l', ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
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
    public async ValueTask<TimeSpan?> GetRetryAfterAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow();
        var wait = await WaitAsync(keys.Account, options.FreeFailuresPerAccount, options, now).ConfigureAwait(false);
        if (keys.Address is not null)
        {
            var addressWait = await WaitAsync(keys.Address, options.FreeFailuresPerAddress, options, now).ConfigureAwait(false);
            if (addressWait > wait)
            {
                wait = addressWait;
            }
        }

        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <inheritdoc />
    public async ValueTask RecordFailureAsync(ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = (long)_options.Value.Window.TotalMilliseconds;
        await _redis.RunAsync(async db =>
        {
            await db.ScriptEvaluateAsync(RecordScript, [Key(keys.Account)], [now, window]).ConfigureAwait(false);
            if (keys.Address is not null)
            {
                await db.ScriptEvaluateAsync(RecordScript, [Key(keys.Address)], [now, window]).ConfigureAwait(false);
            }

            return true;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RecordSuccessAsync(ThrottleKeys keys, CancellationToken cancellationToken) =>
        await _redis.RunAsync(db => db.KeyDeleteAsync(Key(keys.Account))).ConfigureAwait(false);

    private async Task<TimeSpan> WaitAsync(string key, int free, ThrottlingOptions options, DateTimeOffset now)
    {
        var values = await _redis.RunAsync(db => db.HashGetAsync(Key(key), ["f", "l"])).ConfigureAwait(false);
        if (!values[0].HasValue || !values[1].HasValue)
        {
            return TimeSpan.Zero;
        }

        var until = DateTimeOffset.FromUnixTimeMilliseconds((long)values[1]) + InMemoryLoginThrottle.DelayFor((int)values[0], free, options);
        return until > now ? until - now : TimeSpan.Zero;
    }

    private static RedisKey Key(string key) => "lk:t:" + key;
}
