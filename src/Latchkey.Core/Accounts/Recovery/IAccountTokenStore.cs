namespace Latchkey.Accounts.Recovery;

/// <summary>Durable storage of emailed account tokens (by hash) and the account changes they make. Every method is atomic.</summary>
public interface IAccountTokenStore
{
    /// <summary>
    /// Stores <paramref name="token"/> and drops the account's other unspent tokens of the same purpose, so that
    /// only the newest link works.
    /// </summary>
    Task AddAsync(AccountToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Spends the token with <paramref name="hash"/> and <paramref name="purpose"/> if it is live at <paramref name="now"/>.
    /// Of concurrent redemptions of one token exactly one succeeds.
    /// </summary>
    Task<AccountTokenRedemption> RedeemAsync(byte[] hash, AccountTokenPurpose purpose, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the account's address verified at <paramref name="verifiedAt"/> unless it already is.</summary>
    /// <returns><see langword="false"/> when the account does not exist.</returns>
    Task<bool> MarkEmailVerifiedAsync(string accountId, DateTimeOffset verifiedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the account's address with <paramref name="email"/> (normalized <paramref name="normalizedEmail"/>)
    /// and sets when it was verified; the address counts as verified since it was proven by a link.
    /// </summary>
    /// <returns><see langword="false"/> when another account holds the address or the account is gone; nothing changes then.</returns>
    Task<bool> TryChangeEmailAsync(string accountId, string email, string normalizedEmail, DateTimeOffset verifiedAt, CancellationToken cancellationToken);
}
