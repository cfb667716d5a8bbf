using Latchkey.Revocation;
using Latchkey.Sessions;
using Latchkey.Storage;
using Latchkey.Stores.Redis;
using Latchkey.Throttling;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Redis as the fast tier.</summary>
public static class RedisLatchkeyBuilderExtensions
{
    /// <summary>
    /// Keeps sessions and login-throttling counters in Redis and broadcasts revocations over Redis
    /// pub/sub. Use it with the PostgreSQL store, which keeps everything else durable. Run Redis with
    /// AOF persistence (<c>appendonly yes</c>) so that a Redis restart loses no session.
    /// </summary>
    public static LatchkeyBuilder UseRedis(this LatchkeyBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var services = builder.Services;
        services.TryAddSingleton(sp => new RedisConnection(configuration, sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.Replace(ServiceDescriptor.Singleton<ISessionStore, RedisSessionStore>());
        services.Replace(ServiceDescriptor.Singleton<ILoginThrottle, RedisLoginThrottle>());
        services.Replace(ServiceDescriptor.Singleton<IRevocationBroadcaster, RedisRevocationBroadcaster>());
        services.AddSingleton<IStoreHealth, RedisStoreHealth>();
        services.AddHostedService<RedisConnector>();
        return builder;
    }

    // Connects at start rather than on the first request; a Redis that is down does not stop the start
    // (the connection keeps retrying in the background, and requests needing it answer 503 meanwhile).
    private sealed class RedisConnector(RedisConnection redis) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() => _ = redis.Multiplexer, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
