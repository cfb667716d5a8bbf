using Latchkey.Stores.PostgreSql;
using Latchkey.Stores.Redis;
using Latchkey.Stores.Sqlite;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Tests;

public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    protected override Task<StoreSet> CreateAsync()
    {
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions()),
            Options.Create(new LatchkeyOptions { DataDirectory = LatchkeyTestServer.NewDataDirectory() }),
            TimeProvider.System,
            NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult(new StoreSet(
            database, new SqliteAccountStore(database), new SqliteSessionStore(database), new SqliteSigningKeyStore(database),
            new SqliteRefreshTokenStore(database), new SqliteRevocationStore(database), new SqliteAccountTokenStore(database), new SqliteMfaStore(database), new SqlitePasskeyStore(database),
            new SqliteAuthorizationCodeStore(database), new SqliteConsentStore(database), new SqliteClientStore(database)));
    }
}

public sealed class PostgreSqlStoreConformanceTests : StoreConformanceTests
{
    protected override async Task<StoreSet> CreateAsync()
    {
        var server = await PostgreSqlServer.GetAsync();
        var database = new PostgreSqlDatabase(await server.CreateDatabaseAsync(), TimeProvider.System, NullLogger<PostgreSqlDatabase>.Instance);
        return new StoreSet(
            database, new PostgreSqlAccountStore(database), new PostgreSqlSessionStore(database), new PostgreSqlSigningKeyStore(database),
            new PostgreSqlRefreshTokenStore(database), new PostgreSqlRevocationStore(database), new PostgreSqlAccountTokenStore(database), new PostgreSqlMfaStore(database), new PostgreSqlPasskeyStore(database),
            new PostgreSqlAuthorizationCodeStore(database), new PostgreSqlConsentStore(database), new PostgreSqlClientStore(database));
    }
}

/// <summary>PostgreSQL for what lasts, Redis for sessions: the scaled-out topology.</summary>
public sealed class PostgreSqlRedisStoreConformanceTests : StoreConformanceTests
{
    private RedisServer? _redis;
    private RedisConnection? _connection;

    protected override async Task<StoreSet> CreateAsync()
    {
        var server = await PostgreSqlServer.GetAsync();
        _redis = await RedisServer.StartAsync();
        _connection = new RedisConnection(_redis.ConnectionString, NullLogger<RedisConnection>.Instance);
        var database = new PostgreSqlDatabase(await server.CreateDatabaseAsync(), TimeProvider.System, NullLogger<PostgreSqlDatabase>.Instance);

        // Redis expires keys on its own clock; the store computes TTLs from the same "now" the tests use.
        var sessions = new RedisSessionStore(_connection, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        return new StoreSet(
            database, new PostgreSqlAccountStore(database), sessions, new PostgreSqlSigningKeyStore(database),
            new PostgreSqlRefreshTokenStore(database), new PostgreSqlRevocationStore(database), new PostgreSqlAccountTokenStore(database), new PostgreSqlMfaStore(database), new PostgreSqlPasskeyStore(database),
            new PostgreSqlAuthorizationCodeStore(database), new PostgreSqlConsentStore(database), new PostgreSqlClientStore(database));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
