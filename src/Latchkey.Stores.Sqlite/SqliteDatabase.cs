using Latchkey.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Stores.Sqlite;

/// <summary>
/// Opens connections to the embedded database and brings its schema up to date once per process.
/// Connections are pooled by Microsoft.Data.Sqlite; each store call opens one and returns it.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates the database handle; nothing touches the disk until <see cref="InitializeAsync"/>.</summary>
    public SqliteDatabase(IOptions<SqliteStoreOptions> options, IOptions<LatchkeyOptions> latchkey, ILogger<SqliteDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(latchkey);
        var directory = Path.GetFullPath(options.Value.DataDirectory ?? latchkey.Value.DataDirectory);
        FilePath = Path.Combine(directory, options.Value.FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 10,
        }.ToString();
        _logger = logger;
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Creates the data directory and database on first start, switches it to WAL, and applies every
    /// migration it lacks, each in its own transaction.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT;", cancellationToken).ConfigureAwait(false);

            foreach (var (version, name, sql) in SqliteMigrations.All)
            {
                // BEGIN IMMEDIATE takes the write lock first, so two processes on one file cannot both apply a step.
                await using var transaction = connection.BeginTransaction(deferred: false);
                await using (var check = connection.CreateCommand())
                {
                    check.Transaction = transaction;
                    check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
                    check.Parameters.AddWithValue("$v", version);
                    if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0)
                    {
                        continue;
                    }
                }

                await using (var migrate = connection.CreateCommand())
                {
                    migrate.Transaction = transaction;
                    migrate.CommandText = sql;
                    await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, unixepoch('subsec') * 1000)";
                    record.Parameters.AddWithValue("$v", version);
                    record.Parameters.AddWithValue("$n", name);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.MigrationApplied(_logger, version, name);
            }

            _initialized = true;
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException($"The SQLite database at '{FilePath}' could not be opened or migrated.", ex);
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on an open connection; backend faults become <see cref="StoreUnavailableException"/>.</summary>
    internal async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode != SQLitePCL.raw.SQLITE_CONSTRAINT)
        {
            Log.StoreFault(_logger, ex.SqliteErrorCode, ex);
            throw new StoreUnavailableException("The SQLite store failed.", ex);
        }
    }

    /// <summary>Releases pooled connections, so that the file is closed when the host stops.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _initLock.Dispose();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
