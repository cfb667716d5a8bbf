using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Latchkey.Diagnostics;
using Latchkey.Storage;
using Microsoft.Extensions.Logging;

namespace Latchkey.Stores.Relational;

/// <summary>
/// What a SQL backend supplies to the shared stores: connections, a write transaction that serializes
/// with other writers, the few places where its SQL differs, and which errors are constraint
/// violations. Every other backend fault becomes <see cref="StoreUnavailableException"/>, so a failing
/// database never lets a request in and never shows as 500.
/// </summary>
public abstract class RelationalDatabase : IDisposable
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LatchkeyMetrics? _metrics;
    private volatile bool _initialized;
    private GroupCommitWriter? _groupCommit;

    /// <summary>Creates the database handle; with <paramref name="metrics"/>, each call is measured (<c>latchkey.store.duration</c>).</summary>
    protected RelationalDatabase(TimeProvider time, ILogger logger, LatchkeyMetrics? metrics = null)
    {
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>A short name for logs and probes, such as <c>sqlite</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The suffix that locks the rows a <c>SELECT</c> reads inside a write transaction (empty where the transaction already excludes other writers).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>The larger of two values in one row (<c>GREATEST</c> or SQLite's two-argument <c>max</c>).</summary>
    public abstract string Greatest(string left, string right);

    /// <summary>The schema, in order.</summary>
    protected abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Opens a connection.</summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that other writers wait for.</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is a constraint violation (an expected outcome, not a fault).</summary>
    protected abstract bool IsConstraintViolation(DbException exception);

    /// <summary>Whether <paramref name="exception"/> is a foreign-key violation: a row written for an account deleted meanwhile.</summary>
    protected abstract bool IsForeignKeyViolation(DbException exception);

    /// <summary>
    /// Whether <paramref name="exception"/> is a uniqueness conflict with a row another writer committed meanwhile
    /// (which <see cref="RunAsync{T}"/> passes on unchanged, for the store to answer as an outcome).
    /// </summary>
    public bool IsUniqueViolation(DbException exception) => IsConstraintViolation(exception) && !IsForeignKeyViolation(exception);

    /// <summary>Prepares the backend before migrations run (create a directory, switch journal mode…).</summary>
    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes the lock that makes one process at a time apply migrations, inside <paramref name="transaction"/>.</summary>
    protected virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Brings the schema up to date, once per process; safe when several processes start at once.</summary>
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

            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await PrepareAsync(connection, cancellationToken).ConfigureAwait(false);
            // Under the migration lock too: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe when several
            // nodes run it at the same moment.
            await using (var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                await LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await using (var create = transaction.Command("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var migration in Migrations)
            {
                await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                await LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await using (var check = connection.Command("SELECT COUNT(*) FROM schema_migrations WHERE version = @v", ("v", migration.Version)))
                {
                    check.Transaction = transaction;
                    if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
                    {
                        continue;
                    }
                }

                await using (var migrate = connection.Command(migration.Sql))
                {
                    migrate.Transaction = transaction;
                    await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = connection.Command(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)",
                    ("v", migration.Version), ("n", migration.Name), ("t", _time.GetUtcNow().ToUnixTimeMilliseconds())))
                {
                    record.Transaction = transaction;
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.MigrationApplied(_logger, Name, migration.Version, migration.Name);
            }

            _initialized = true;
        }
        catch (DbException ex)
        {
            throw new StoreUnavailableException($"The {Name} database could not be opened or migrated.", ex);
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection; backend faults become <see cref="StoreUnavailableException"/>.
    /// The call is measured (<c>latchkey.store.duration</c> and a span) under the name of its caller.
    /// </summary>
    public async Task<T> RunAsync<T>(
        Func<DbConnection, Task<T>> work, CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        using var call = StoreCall.Start(_metrics, LatchkeyTelemetry.StoreOperation(Name, callerFile, callerMember));
        try
        {
            return await RunUnmeasuredAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            call.Fail(ex);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> as <see cref="RunAsync{T}"/> does, inside a call measured by its caller.</summary>
    internal async Task<T> RunUnmeasuredAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (DbException ex) when (IsForeignKeyViolation(ex))
        {
            throw new Accounts.AccountGoneException("A row was written for an account that no longer exists.", ex);
        }
        catch (DbException ex) when (!IsConstraintViolation(ex))
        {
            Log.StoreFault(_logger, Name, ex);
            throw new StoreUnavailableException($"The {Name} store failed.", ex);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            Log.StoreFault(_logger, Name, ex);
            throw new StoreUnavailableException($"The {Name} store did not answer.", ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside a write transaction and commits it; completes only after the
    /// commit. With group commit on, the transaction may be shared with other writes (each under its own
    /// savepoint), so <paramref name="work"/> must not commit or roll back itself, and gets a token of its
    /// own rather than <paramref name="cancellationToken"/> once its batch has begun. The call, a wait for its
    /// batch included, is measured under the name of its caller.
    /// </summary>
    public async Task<T> WriteAsync<T>(
        Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken, [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        using var call = StoreCall.Start(_metrics, LatchkeyTelemetry.StoreOperation(Name, callerFile, callerMember));
        try
        {
            return await (_groupCommit is { } writer ? writer.WriteAsync(work, cancellationToken) : WriteAloneAsync(work, cancellationToken)).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            call.Fail(ex);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction of its own and commits it.</summary>
    internal Task<T> WriteAloneAsync<T>(Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunUnmeasuredAsync(async connection =>
        {
            await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            var result = await work(transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <summary>
    /// Makes <see cref="WriteAsync{T}"/> gather writes that arrive together into one transaction, for a
    /// backend whose writers take turns and whose every commit waits for the disk. Call once, from the
    /// constructor.
    /// </summary>
    /// <param name="window">How long a batch may wait for more writes while the server is busy (zero: never wait).</param>
    protected void EnableGroupCommit(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        _groupCommit = new GroupCommitWriter(this, window, _logger);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases pooled connections and the initialization lock.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            // First, so that the writes still queued commit before the connections go.
            _groupCommit?.Dispose();
            _initLock.Dispose();
        }
    }
}
