using Latchkey.Revocation;
using Latchkey.Stores.PostgreSql;
using Latchkey.Stores.Redis;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Latchkey.Stores.Tests;

/// <summary>Revocations over Redis pub/sub, a Redis server of its own per test.</summary>
public sealed class RedisBroadcasterConformanceTests : BroadcasterConformanceTests
{
    private readonly List<RedisConnection> _connections = [];
    private RedisServer _server = null!;

    public override async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    protected override IRevocationBroadcaster CreateBroadcaster()
    {
        var connection = new RedisConnection(_server.ConnectionString, NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        return new RedisRevocationBroadcaster(connection, NullLogger<RedisRevocationBroadcaster>.Instance);
    }

    protected override ValueTask DisposeBroadcasterAsync(IRevocationBroadcaster broadcaster) => ValueTask.CompletedTask;

    protected override Task StopServerAsync() => _server.KillAsync();

    protected override Task StartServerAsync() => _server.RestartAsync();
}

/// <summary>Revocations over PostgreSQL LISTEN/NOTIFY, a PostgreSQL server of its own per test.</summary>
public sealed class PostgreSqlBroadcasterConformanceTests : BroadcasterConformanceTests
{
    private PostgreSqlServer _server = null!;
    private string _connectionString = null!;

    public override async Task InitializeAsync()
    {
        _server = await PostgreSqlServer.StartDedicatedAsync();
        _connectionString = await _server.CreateDatabaseAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }

    protected override IRevocationBroadcaster CreateBroadcaster() =>
        new PostgreSqlRevocationBroadcaster(new PostgreSqlConnectionString(_connectionString), NullLogger<PostgreSqlRevocationBroadcaster>.Instance);

    protected override ValueTask DisposeBroadcasterAsync(IRevocationBroadcaster broadcaster) => ((PostgreSqlRevocationBroadcaster)broadcaster).DisposeAsync();

    protected override Task StopServerAsync() => _server.StopAsync();

    protected override Task StartServerAsync() => _server.RestartAsync();
}
