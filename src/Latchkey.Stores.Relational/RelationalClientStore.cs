using System.Data.Common;
using Latchkey.Clients;

namespace Latchkey.Stores.Relational;

/// <summary>Stored clients in a SQL database: the definition as JSON, the secret only as its SHA-256 hash.</summary>
public class RelationalClientStore : IClientStore
{
    private const string Columns = "client_id, secret_hash, definition, created_at, updated_at";
    private readonly RelationalDatabase _database;

    /// <summary>Creates the store.</summary>
    public RelationalClientStore(RelationalDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredClient>> ListAsync(CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<StoredClient>>(async connection =>
        {
            await using var command = connection.Command($"SELECT {Columns} FROM clients ORDER BY client_id");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<StoredClient>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> CreateAsync(StoredClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                $"INSERT INTO clients ({Columns}) VALUES (@id, @hash, @definition, @created, @updated) ON CONFLICT (client_id) DO NOTHING",
                ("id", client.ClientId), ("hash", client.SecretHash), ("definition", client.SerializeDefinition()),
                ("created", client.CreatedAt.ToUnixMs()), ("updated", client.UpdatedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(StoredClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command(
                "UPDATE clients SET secret_hash = @hash, definition = @definition, updated_at = @updated WHERE client_id = @id",
                ("id", client.ClientId), ("hash", client.SecretHash), ("definition", client.SerializeDefinition()), ("updated", client.UpdatedAt.ToUnixMs()));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (transaction, ct) =>
        {
            await using var command = transaction.Command("DELETE FROM clients WHERE client_id = @id", ("id", clientId));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);

    private static StoredClient Read(DbDataReader reader) =>
        new(StoredClient.DeserializeDefinition(reader.GetString(2)), reader.IsDBNull(1) ? null : reader.GetBytes(1), reader.GetTime(3), reader.GetTime(4));
}
