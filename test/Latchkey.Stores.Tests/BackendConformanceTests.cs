using Latchkey.Stores.PostgreSql;
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
            new SqliteRefreshTokenStore(database), new SqliteRevocationStore(database)));
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
            new PostgreSqlRefreshTokenStore(database), new PostgreSqlRevocationStore(database));
    }
}
