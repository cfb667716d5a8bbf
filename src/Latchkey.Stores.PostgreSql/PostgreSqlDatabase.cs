using System.Data.Common;
using Latchkey.Stores.Relational;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Latchkey.Stores.PostgreSql;

/// <summary>
/// A PostgreSQL database shared by every node. Migrations run under a transaction-scoped advisory lock,
/// so nodes that start together apply each step once. Rotation locks the token row with
/// <c>SELECT … FOR UPDATE</c>. After a server restart, broken pooled connections fail one command each
/// (answered 503) and the pool reconnects by itself.
/// </summary>
public sealed class PostgreSqlDatabase : RelationalDatabase
{
    // An arbitrary, fixed key for pg_advisory_xact_lock: "latchkey" in ASCII.
    private const long MigrationLockKey = 0x6c617463686b6579;
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the handle for <paramref name="connectionString"/>. With <paramref name="metrics"/>, each call is measured.</summary>
    public PostgreSqlDatabase(string connectionString, TimeProvider time, ILogger<PostgreSqlDatabase> logger, Latchkey.Diagnostics.LatchkeyMetrics? metrics = null)
        : base(time, logger, metrics)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Timeout == 15)
        {
            // Fail fast when the server is down: a request waits for a 503, not for a long connect.
            builder.Timeout = 5;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <inheritdoc />
    public override string Name => "postgresql";

    /// <inheritdoc />
    public override string ForUpdate => " FOR UPDATE";

    /// <inheritdoc />
    protected override IReadOnlyList<Migration> Migrations => PostgreSqlMigrations.All;

    /// <inheritdoc />
    public override string Greatest(string left, string right) => $"GREATEST({left}, {right})";

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override bool IsConstraintViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation };

    /// <inheritdoc />
    protected override bool IsForeignKeyViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    /// <inheritdoc />
    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Command("SELECT pg_advisory_xact_lock(@key)", ("key", MigrationLockKey));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dataSource.Dispose();
        }

        base.Dispose(disposing);
    }
}
