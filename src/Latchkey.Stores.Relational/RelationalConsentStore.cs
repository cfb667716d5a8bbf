using System.Data.Common;
using Latchkey.Accounts;
using Latchkey.Authorization;

namespace Latchkey.Stores.Relational;

/// <summary>Consents in a SQL database, one row per account and client.</summary>
public class RelationalConsentStore : IConsentStore
{
    private const string Columns = "user_id, client_id, scope, granted_at, updated_at";
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalConsentStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<Consent?> FindAsync(string userId, string clientId, CancellationToken cancellationToken) =>
        _database.RunAsync(async connection =>
        {
            await using var command = connection.Command(
                $"SELECT {Columns} FROM consents WHERE user_id = @user AND client_id = @client", ("user", userId), ("client", clientId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task SaveAsync(Consent consent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consent);
        try
        {
            await _database.WriteAsync(async (transaction, ct) =>
            {
                await using var command = transaction.Command(
                    $"INSERT INTO consents ({Columns}) VALUES (@user, @client, @scope, @granted, @updated) "
                    + "ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at",
                    ("user", consent.UserId), ("client", consent.ClientId), ("scope", consent.Scope),
                    ("granted", consent.GrantedAt.ToUnixMs()), ("updated", consent.UpdatedAt.ToUnixMs()));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AccountGoneException)
        {
            // The account was deleted meanwhile: there is no one left to consent.
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Consent>> ListAsync(string userId, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<Consent>>(async connection =>
        {
            await using var command = connection.Command($"SELECT {Columns} FROM consents WHERE user_id = @user ORDER BY client_id", ("user", userId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<Consent>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string userId, string clientId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "DELETE FROM consents WHERE user_id = @user AND client_id = @client", ("user", userId), ("client", clientId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);

    private static Consent Read(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3), reader.GetTime(4));
}
