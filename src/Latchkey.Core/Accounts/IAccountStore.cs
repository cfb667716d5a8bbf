namespace Latchkey.Accounts;

/// <summary>Durable storage of accounts. Every method is atomic.</summary>
public interface IAccountStore
{
    /// <summary>Inserts <paramref name="account"/>.</summary>
    /// <returns><see langword="false"/> when an account with the same normalized email exists; nothing is written then.</returns>
    Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken);

    /// <summary>Finds an account by its normalized email, or <see langword="null"/>.</summary>
    Task<Account?> FindByNormalizedEmailAsync(string normalizedEmail, CancellationToken cancellationToken);

    /// <summary>Finds an account by id, or <see langword="null"/>.</summary>
    Task<Account?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the password hash only if it still equals <paramref name="expectedHash"/>, so that a
    /// rehash after login never overwrites a password change that happened meanwhile.
    /// </summary>
    /// <returns><see langword="true"/> when the hash was replaced.</returns>
    Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, DateTimeOffset changedAt, CancellationToken cancellationToken);

    /// <summary>Raises the account's token generation by one.</summary>
    /// <returns>The new generation, or <see langword="null"/> when the account does not exist.</returns>
    Task<long?> RaiseTokenGenerationAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sets or clears (<paramref name="disabledAt"/> <see langword="null"/>) the time the account was disabled.</summary>
    /// <returns><see langword="false"/> when the account does not exist.</returns>
    Task<bool> SetDisabledAtAsync(string id, DateTimeOffset? disabledAt, CancellationToken cancellationToken);

    /// <summary>Replaces the account's roles.</summary>
    /// <returns><see langword="false"/> when the account does not exist.</returns>
    Task<bool> SetRolesAsync(string id, AccountRoles roles, CancellationToken cancellationToken);

    /// <summary>
    /// One page of accounts in normalized-email order: those whose normalized email contains
    /// <see cref="AccountSearch.EmailContains"/> (all when it is empty) and sorts after <see cref="AccountSearch.After"/>.
    /// </summary>
    Task<IReadOnlyList<Account>> SearchAsync(AccountSearch search, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the account and, in the same step, every row that belongs to it (sessions, refresh-token
    /// families and their tokens, and whatever else references the account).
    /// </summary>
    /// <returns><see langword="false"/> when the account did not exist.</returns>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
