namespace Latchkey.Authorization;

/// <summary>Consents, one per account and client.</summary>
public interface IConsentStore
{
    /// <summary>The consent of <paramref name="userId"/> for <paramref name="clientId"/>, or <see langword="null"/>.</summary>
    Task<Consent?> FindAsync(string userId, string clientId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the consent (its first grant time is kept).</summary>
    Task SaveAsync(Consent consent, CancellationToken cancellationToken);

    /// <summary>The account's consents, by client id.</summary>
    Task<IReadOnlyList<Consent>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Deletes the consent.</summary>
    /// <returns>Whether there was one.</returns>
    Task<bool> DeleteAsync(string userId, string clientId, CancellationToken cancellationToken);
}
