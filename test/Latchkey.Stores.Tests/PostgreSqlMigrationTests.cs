using Latchkey.Stores.PostgreSql;
using Latchkey.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Latchkey.Stores.Tests;

public sealed class PostgreSqlMigrationTests
{
    [Fact]
    public async Task Initialize_ByManyNodesAtOnce_AppliesEachStepOnce()
    {
        var server = await PostgreSqlServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 6)
            .Select(_ => new PostgreSqlDatabase(connectionString, TimeProvider.System, NullLogger<PostgreSqlDatabase>.Instance))
            .ToArray();
        try
        {
            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.InitializeAsync(default))));

            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations", connection);
            Assert.Equal("1,2,3,4,5,6,7,8,9,10,11", (string?)await command.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }
}
