using Latchkey.Accounts;
using Microsoft.Data.Sqlite;
using static Latchkey.Stores.Sqlite.SqliteValues;

namespace Latchkey.Stores.Sqlite;

/// <summary>Accounts in the embedded database.</summary>
public sealed class SqliteAccountStore : IAccountStore
{
    private const string Columns = "id, email, email_normalized, password_hash, created_at, password_changed_at, token_generation";
    private readonly SqliteDatabase _database;

    /// <summary>Creates the store.</summary>
    public SqliteAccountStore(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "INSERT INTO accounts (" + Columns + ") VALUES ($id, $email, $norm, $hash, $created, $changed, $generation) ON CONFLICT (email_normalized) DO NOTHING",
                ("$id", account.Id),
                ("$email", account.Email),
                ("$norm", account.NormalizedEmail),
                ("$hash", account.PasswordHash),
                ("$created", ToUnixMs(account.CreatedAt)),
                ("$changed", ToUnixMs(account.PasswordChangedAt)),
                ("$generation", account.TokenGeneration));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> RaiseTokenGenerationAsync(string id, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "UPDATE accounts SET token_generation = token_generation + 1 WHERE id = $id RETURNING token_generation", ("$id", id));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long generation ? generation : (long?)null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Account?> FindByNormalizedEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        FindAsync("email_normalized", normalizedEmail, cancellationToken);

    /// <inheritdoc />
    public Task<Account?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        FindAsync("id", id, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, DateTimeOffset changedAt, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "UPDATE accounts SET password_hash = $new, password_changed_at = $changed WHERE id = $id AND password_hash = $expected",
                ("$id", id),
                ("$expected", expectedHash),
                ("$new", newHash),
                ("$changed", ToUnixMs(changedAt)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    private Task<Account?> FindAsync(string column, string value, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT " + Columns + " FROM accounts WHERE " + column + " = $value", ("$value", value));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    private static Account Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        FromUnixMs(reader.GetInt64(4)),
        FromUnixMs(reader.GetInt64(5)),
        reader.GetInt64(6));
}
