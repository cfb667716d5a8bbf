using Latchkey.Grants;
using Latchkey.Stores.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

/// <summary>A real SQLite database in a fresh temporary directory.</summary>
internal sealed class SqliteFixture : IAsyncDisposable
{
    private SqliteFixture(string directory, SqliteDatabase database)
    {
        Directory = directory;
        Database = database;
        Accounts = new SqliteAccountStore(database);
        Sessions = new SqliteSessionStore(database);
    }

    public string Directory { get; }

    public SqliteDatabase Database { get; }

    public SqliteAccountStore Accounts { get; }

    public SqliteSessionStore Sessions { get; }

    /// <summary>A revocation service over this database, as the server wires it.</summary>
    public Revocation.RevocationService Revocation(TimeProvider time) => new(
        new Revocation.RevocationList(),
        new SqliteRevocationStore(Database),
        new Revocation.NullRevocationBroadcaster(),
        Accounts,
        time,
        Options.Create(new TokenOptions()),
        new Diagnostics.SecurityAudit(NullLoggerFactory.Instance));

    public static async Task<SqliteFixture> CreateAsync(string? directory = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "latchkey-core-tests", Guid.NewGuid().ToString("N"));
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions()),
            Options.Create(new LatchkeyOptions { DataDirectory = directory }),
            TimeProvider.System,
            NullLogger<SqliteDatabase>.Instance);
        await database.InitializeAsync(CancellationToken.None);
        return new SqliteFixture(directory, database);
    }

    public ValueTask DisposeAsync()
    {
        Database.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }

        return ValueTask.CompletedTask;
    }
}
