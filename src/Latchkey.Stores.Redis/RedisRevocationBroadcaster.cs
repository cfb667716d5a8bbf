using Latchkey.Revocation;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// Revocations between nodes over Redis pub/sub. Messages sent while a node was disconnected are lost,
/// so after every reconnect the node rebuilds its view from the durable store.
/// </summary>
public sealed class RedisRevocationBroadcaster : IRevocationBroadcaster
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("lk:revocations");
    private readonly RedisConnection _redis;
    private readonly ILogger<RedisRevocationBroadcaster> _logger;

    /// <summary>Creates the broadcaster.</summary>
    public RedisRevocationBroadcaster(RedisConnection redis, ILogger<RedisRevocationBroadcaster> logger)
    {
        _redis = redis;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task PublishAsync(RevocationEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _redis.Multiplexer.GetSubscriber().PublishAsync(Channel, RevocationMessage.Format(entry)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // The entry is in the durable store already; other nodes pick it up when they resynchronize.
            Log.PublishFailed(_logger, ex);
        }
    }

    /// <inheritdoc />
    public async Task SubscribeAsync(Action<RevocationEntry> received, Func<CancellationToken, Task> resynchronize, CancellationToken cancellationToken)
    {
        var multiplexer = _redis.Multiplexer;
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await resynchronize(CancellationToken.None).ConfigureAwait(false);
                    Log.Resynchronized(_logger);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.ResynchronizeFailed(_logger, ex);
                }
            }, CancellationToken.None);
        };

        try
        {
            await multiplexer.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
            {
                if (RevocationMessage.TryParse(message, out var entry))
                {
                    received(entry!);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // StackExchange.Redis re-establishes subscriptions when the connection comes back.
            Log.PublishFailed(_logger, ex);
        }
    }
}
