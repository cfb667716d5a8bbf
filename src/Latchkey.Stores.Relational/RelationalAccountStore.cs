using System.Data.Common;
using Latchkey.Accounts;

namespace Latchkey.Stores.Relational;

/// <summary>Accounts in a SQL database.</summary>
public class RelationalAccountStore : IAccountStore
{
    private const string Columns = "id, email, email_normalized, password_hash, created_at, password_changed_at, token_generation, email_verified_at, disabled_at, roles";
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalAccountStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "INSERT INTO accounts (" + Columns + ") VALUES (@id, @email, @norm, @hash, @created, @changed, @generation, @verified, @disabled, @roles) ON CONFLICT DO NOTHING",
                ("id", account.Id),
                ("email", account.Email),
                ("norm", account.NormalizedEmail),
                ("hash", account.PasswordHash),
                ("created", account.CreatedAt.ToUnixMs()),
                ("changed", account.PasswordChangedAt.ToUnixMs()),
                ("generation", account.TokenGeneration),
                ("verified", account.EmailVerifiedAt?.ToUnixMs()),
                ("disabled", account.DisabledAt?.ToUnixMs()),
                ("roles", (long)account.Roles));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

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
                "UPDATE accounts SET password_hash = @new, password_changed_at = @changed WHERE id = @id AND password_hash = @expected",
                ("id", id), ("expected", expectedHash), ("new", newHash), ("changed", changedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long?> RaiseTokenGenerationAsync(string id, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "UPDATE accounts SET token_generation = token_generation + 1 WHERE id = @id RETURNING token_generation", ("id", id));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long generation ? generation : (long?)null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetDisabledAtAsync(string id, DateTimeOffset? disabledAt, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                "UPDATE accounts SET disabled_at = @disabled WHERE id = @id", ("id", id), ("disabled", disabledAt?.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetRolesAsync(string id, AccountRoles roles, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("UPDATE accounts SET roles = @roles WHERE id = @id", ("id", id), ("roles", (long)roles));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Account>> SearchAsync(AccountSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfLessThan(search.Limit, 1);
        // LIKE with its wildcards escaped means the same in SQLite and PostgreSQL; both sides are normalized (upper case).
        // No email is empty, so the first page starts after the empty string.
        var pattern = string.IsNullOrEmpty(search.EmailContains)
            ? "%"
            : "%" + search.EmailContains.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return _database.RunAsync<IReadOnlyList<Account>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT " + Columns + " FROM accounts WHERE email_normalized LIKE @pattern ESCAPE '\\' AND email_normalized > @after "
                + "ORDER BY email_normalized LIMIT @limit",
                ("pattern", pattern), ("after", search.After ?? string.Empty), ("limit", (long)search.Limit));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var page = new List<Account>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                page.Add(Read(reader));
            }

            return page;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            // Every table that names an account references it ON DELETE CASCADE, so one statement removes them all.
            await using var command = connection.Command("DELETE FROM accounts WHERE id = @id", ("id", id));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    private Task<Account?> FindAsync(string column, string value, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command("SELECT " + Columns + " FROM accounts WHERE " + column + " = @value", ("value", value));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    private static Account Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetTime(4),
        reader.GetTime(5),
        reader.GetInt64(6),
        reader.IsDBNull(7) ? null : reader.GetTime(7),
        reader.IsDBNull(8) ? null : reader.GetTime(8),
        (AccountRoles)reader.GetInt64(9));
}
