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
    /// Keeps sessions and login-throttling counters in Redis, copies revocation entries there beside the
    /// durable store (<see cref="RedisMirroredRevocationStore"/>) and broadcasts revocations over Redis
    /// pub/sub. Call it after choosing the durable store (<c>UsePostgreSql</c>), which keeps everything
    /// else. Run Redis with AOF persistence (<c>appendonly yes</c>) so that a Redis restart loses no session.
    /// </summary>
    public static LatchkeyBuilder UseRedis(this LatchkeyBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var services = builder.Services;
        services.TryAddSingleton(sp => new RedisConnection(
            configuration, sp.GetRequiredService<ILogger<RedisConnection>>(), sp.GetService<Latchkey.Diagnostics.LatchkeyMetrics>()));
        services.Replace(ServiceDescriptor.Singleton<ISessionStore, RedisSessionStore>());
        services.Replace(ServiceDescriptor.Singleton<ILoginThrottle, RedisLoginThrottle>());
        services.Replace(ServiceDescriptor.Singleton<IRevocationBroadcaster, RedisRevocationBroadcaster>());
        services.TryAddSingleton<RedisRevocationMirror>();
        MirrorRevocations(services);
        services.AddSingleton<IStoreHealth, RedisStoreHealth>();
        services.AddHostedService<RedisConnector>();
        return builder;
    }

    // Wraps the durable revocation store chosen before in the Redis mirror.
    private static void MirrorRevocations(IServiceCollection services)
    {
        var durable = services.LastOrDefault(d => d.ServiceType == typeof(IRevocationStore))
            ?? throw new InvalidOperationException("UseRedis copies revocation entries of the durable store: choose it (UsePostgreSql) before UseRedis.");
        services.Replace(ServiceDescriptor.Singleton<IRevocationStore>(sp => new RedisMirroredRevocationStore(
            Create(sp, durable),
            sp.GetRequiredService<RedisRevocationMirror>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisMirroredRevocationStore>>())));
    }

    private static IRevocationStore Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IRevocationStore)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    // Connects at start rather than on the first request; a Redis that is down does not stop the start
    // (the connection keeps retrying in the background, and requests needing it answer 503 meanwhile).
    private sealed class RedisConnector(RedisConnection redis) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() => _ = redis.Multiplexer, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
