using System.Runtime.CompilerServices;
using Latchkey.Diagnostics;
using Latchkey.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Latchkey.Stores.Redis;

/// <summary>
/// The node's one Redis connection. It is opened without waiting (<c>abortConnect=false</c>), so a node
/// starts while Redis is down and reconnects by itself; until then every Redis operation fails with
/// <see cref="StoreUnavailableException"/>, which the server answers 503: fail closed, never let in.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private readonly ILogger<RedisConnection> _logger;
    private readonly LatchkeyMetrics? _metrics;

    /// <summary>Creates the connection from a StackExchange.Redis configuration string; with <paramref name="metrics"/>, each operation is measured.</summary>
    public RedisConnection(string configuration, ILogger<RedisConnection> logger, LatchkeyMetrics? metrics = null)
    {
        _metrics = metrics;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectRetry = Math.Max(options.ConnectRetry, 3);
        if (options.SyncTimeout == 5000)
        {
            options.SyncTimeout = 2000;
            options.AsyncTimeout = 2000;
        }

        _logger = logger;
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The multiplexer, connecting on first use.</summary>
    public ConnectionMultiplexer Multiplexer => _multiplexer.Value;

    /// <summary>The database.</summary>
    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>
    /// Runs a Redis operation; connection and timeout failures become <see cref="StoreUnavailableException"/>. The
    /// operation is measured (<c>latchkey.store.duration</c> and a span) under the name of its caller.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> work, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        ArgumentNullException.ThrowIfNull(work);
        using var call = StoreCall.Start(_metrics, LatchkeyTelemetry.StoreOperation("redis", callerFile, callerMember));
        try
        {
            return await work(Database).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException
            || (ex is RedisServerException && ex.Message.StartsWith("LOADING", StringComparison.Ordinal)))
        {
            call.Fail(ex);
            Log.RedisFault(_logger, ex);
            throw new StoreUnavailableException("Redis is unavailable.", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            await _multiplexer.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
