namespace Latchkey.Accounts.Recovery;

/// <summary>Durable storage of emailed account tokens (by hash) and the account changes they make. Every method is atomic.</summary>
public interface IAccountTokenStore
{
    /// <summary>
    /// Stores <paramref name="token"/>. For <see cref="AccountTokenPurpose.VerifyEmail"/> and
    /// <see cref="AccountTokenPurpose.EmailChange"/> it drops the account's other unspent tokens of that purpose,
    /// so that only the newest link works. Reset tokens are not superseded (each is bound to the password, and a
    /// stranger's request must not void the owner's link), nor are undo tokens (a second email change must not
    /// void the undo link of the first).
    /// </summary>
    Task AddAsync(AccountToken token, CancellationToken cancellationToken);

    /// <summary>
    /// Spends the token with <paramref name="hash"/> and <paramref name="purpose"/> if it is live at <paramref name="now"/>.
    /// Of concurrent redemptions of one token exactly one succeeds.
    /// </summary>
    Task<AccountTokenRedemption> RedeemAsync(byte[] hash, AccountTokenPurpose purpose, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The token with <paramref name="hash"/> and <paramref name="purpose"/> if it is live (unspent, unexpired) at <paramref name="now"/>; it stays unspent.</summary>
    Task<AccountToken?> FindLiveAsync(byte[] hash, AccountTokenPurpose purpose, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the account's address verified at <paramref name="verifiedAt"/> unless it already is.</summary>
    /// <returns><see langword="false"/> when the account does not exist.</returns>
    Task<bool> MarkEmailVerifiedAsync(string accountId, DateTimeOffset verifiedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the account's address with <paramref name="email"/> (normalized <paramref name="normalizedEmail"/>)
    /// and sets when it was verified; the address counts as verified since it was proven by a link. With
    /// <paramref name="expectedNormalizedEmail"/>, only while the account's address is still that one.
    /// </summary>
    /// <returns>
    /// <see langword="false"/> when another account holds the address, the account's address is no longer the
    /// expected one, or the account is gone; nothing changes then.
    /// </returns>
    Task<bool> TryChangeEmailAsync(
        string accountId, string email, string normalizedEmail, string? expectedNormalizedEmail, DateTimeOffset verifiedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the account's unspent tokens of the given purposes, only those issued at or after
    /// <paramref name="issuedFrom"/> when it is given: the links it mailed stop working.
    /// </summary>
    Task RevokeUnspentAsync(string accountId, IReadOnlyCollection<AccountTokenPurpose> purposes, DateTimeOffset? issuedFrom, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a live undo token (<see cref="AccountTokenPurpose.EmailChangeUndo"/>) of an account other than
    /// <paramref name="exceptAccountId"/> would restore <paramref name="normalizedEmail"/>: the address stays
    /// reserved for its former owner until the undo window ends.
    /// </summary>
    Task<bool> IsReservedAsync(string normalizedEmail, string? exceptAccountId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes tokens that expired before <paramref name="now"/>, spent or not.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
