using Latchkey.Stores.Relational;
using Latchkey.Stores.Sqlite;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Tests;

/// <summary>The SQLite durability setting reaches every connection the store uses, and the default waits for the disk.</summary>
public sealed class SqliteDurabilityTests
{
    [Theory]
    [InlineData(SqliteDurability.Full, 2L)]
    [InlineData(SqliteDurability.Normal, 1L)]
    public async Task Connections_UseTheConfiguredSynchronousSetting(SqliteDurability durability, long expected)
    {
        using var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions { Durability = durability }),
            Options.Create(new LatchkeyOptions { DataDirectory = LatchkeyTestServer.NewDataDirectory() }),
            TimeProvider.System,
            NullLogger<SqliteDatabase>.Instance);
        await database.InitializeAsync(CancellationToken.None);

        // Twice: the second run gets a pooled connection, which must keep the setting.
        for (var i = 0; i < 2; i++)
        {
            var synchronous = await database.RunAsync(
                async connection =>
                {
                    await using var command = connection.Command("PRAGMA synchronous;");
                    return (long)(await command.ExecuteScalarAsync())!;
                },
                CancellationToken.None);
            Assert.Equal(expected, synchronous);
        }
    }

    [Fact]
    public void Default_IsFull() => Assert.Equal(SqliteDurability.Full, new SqliteStoreOptions().Durability);
}
