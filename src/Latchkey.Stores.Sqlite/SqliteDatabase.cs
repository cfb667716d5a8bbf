using System.Data.Common;
using Latchkey.Stores.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Sqlite;

/// <summary>
/// The embedded database: one file in the data directory, in WAL mode so that readers do not block the
/// writer. Connections are pooled by Microsoft.Data.Sqlite; write transactions are <c>BEGIN IMMEDIATE</c>,
/// which takes the database's write lock up front. Refresh-token rotations and revocation writes that
/// arrive together share one transaction and one commit (group commit, see
/// <see cref="SqliteStoreOptions.GroupCommitWindow"/>).
/// </summary>
public sealed class SqliteDatabase : RelationalDatabase
{
    private readonly string _connectionString;
    private readonly bool _relaxedSync;

    /// <summary>Creates the database handle; nothing touches the disk until first use. With <paramref name="metrics"/>, each call is measured.</summary>
    public SqliteDatabase(
        IOptions<SqliteStoreOptions> options, IOptions<LatchkeyOptions> latchkey, TimeProvider time, ILogger<SqliteDatabase> logger,
        Latchkey.Diagnostics.LatchkeyMetrics? metrics = null)
        : base(time, logger, metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(latchkey);
        var directory = Path.GetFullPath(options.Value.DataDirectory ?? latchkey.Value.DataDirectory);
        FilePath = Path.Combine(directory, options.Value.FileName);
        _relaxedSync = options.Value.Durability == SqliteDurability.Normal;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 10,
        }.ToString();
        // One writer at a time, one fsync per commit: sharing commits is what makes writes scale here.
        EnableGroupCommit(options.Value.GroupCommitWindow);
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public override string Name => "sqlite";

    /// <inheritdoc />
    public override string ForUpdate => string.Empty;

    /// <inheritdoc />
    protected override IReadOnlyList<Migration> Migrations => SqliteMigrations.All;

    /// <inheritdoc />
    public override string Greatest(string left, string right) => $"max({left}, {right})";

    /// <inheritdoc />
    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (_relaxedSync)
        {
            // A per-connection setting; pooled connections keep it, so setting it again costs no I/O.
            await using var sync = connection.Command("PRAGMA synchronous=NORMAL;");
            await sync.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    /// <inheritdoc />
    protected override bool IsConstraintViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_CONSTRAINT };

    /// <inheritdoc />
    protected override bool IsForeignKeyViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SQLitePCL.raw.SQLITE_CONSTRAINT_FOREIGNKEY };

    /// <inheritdoc />
    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var wal = connection.Command("PRAGMA journal_mode=WAL;");
        await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // The base first: it lets queued group commits finish before the pool is cleared.
        base.Dispose(disposing);
        if (disposing)
        {
            // Close pooled connections, so that the file is released when the host stops.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>Creates the data directory; SQLite creates the file but not its folder.</summary>
    internal void EnsureDirectory() => Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
}
