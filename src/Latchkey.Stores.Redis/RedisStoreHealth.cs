using Latchkey.Storage;

namespace Latchkey.Stores.Redis;

/// <summary>Readiness of Redis: it answers PING.</summary>
public sealed class RedisStoreHealth(RedisConnection redis) : IStoreHealth
{
    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.RunAsync(db => db.PingAsync()).WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }
}
