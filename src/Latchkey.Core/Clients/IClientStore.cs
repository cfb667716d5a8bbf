namespace Latchkey.Clients;

/// <summary>
/// Clients registered at run time (the <c>clients</c> command, later the admin API) rather than in configuration.
/// Every node reads them into its <see cref="ClientRegistry"/> at start and every
/// <see cref="LatchkeyOptions.ClientRefreshInterval"/>.
/// </summary>
public interface IClientStore
{
    /// <summary>Every stored client, by client id.</summary>
    Task<IReadOnlyList<StoredClient>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new client.</summary>
    /// <returns><see langword="false"/> when a stored client already has this id.</returns>
    Task<bool> CreateAsync(StoredClient client, CancellationToken cancellationToken);

    /// <summary>Replaces a stored client's definition and secret hash (its creation time is kept).</summary>
    /// <returns><see langword="false"/> when no stored client has this id.</returns>
    Task<bool> UpdateAsync(StoredClient client, CancellationToken cancellationToken);

    /// <summary>Deletes a stored client.</summary>
    /// <returns>Whether there was one.</returns>
    Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken);
}
