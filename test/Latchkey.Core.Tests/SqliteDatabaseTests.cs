using Latchkey.Stores.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Data.Sqlite;

namespace Latchkey.Core.Tests;

public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task Initialize_CreatesDirectoryAndDatabaseInWalMode_AndRecordsMigrations()
    {
        var directory = Path.Combine(Path.GetTempPath(), "latchkey-core-tests", Guid.NewGuid().ToString("N"), "nested");
        await using var db = await SqliteFixture.CreateAsync(directory);

        Assert.True(File.Exists(Path.Combine(directory, "latchkey.db")));
        await using var connection = new SqliteConnection($"Data Source={db.Database.FilePath}");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync());
        await using var versions = connection.CreateCommand();
        versions.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY version)";
        Assert.Equal("1,2,3,4,5,6,7,8,9,10,11", (string?)await versions.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Initialize_OnExistingDatabase_KeepsDataAndAppliesNothingTwice()
    {
        var directory = Path.Combine(Path.GetTempPath(), "latchkey-core-tests", Guid.NewGuid().ToString("N"));
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var account = new Accounts.Account("id-1", "a@example.com", "A@EXAMPLE.COM", "hash", now, now);
        using (var first = Open(directory))
        {
            await first.InitializeAsync(default);
            Assert.True(await new SqliteAccountStore(first).TryCreateAsync(account, default));
        }

        await using var again = await SqliteFixture.CreateAsync(directory);

        Assert.Equal(account, await again.Accounts.FindByIdAsync("id-1", default));
        Assert.False(await again.Accounts.TryCreateAsync(account with { Id = "id-2", Email = "A@example.com" }, default));
        await using var connection = new SqliteConnection($"Data Source={again.Database.FilePath}");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM schema_migrations";
        Assert.Equal(11L, (long)(await count.ExecuteScalarAsync())!);
    }

    private static SqliteDatabase Open(string directory) => new(
        Options.Create(new SqliteStoreOptions()),
        Options.Create(new LatchkeyOptions { DataDirectory = directory }),
        TimeProvider.System,
        NullLogger<SqliteDatabase>.Instance);
}
