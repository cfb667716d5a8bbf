namespace Latchkey.Authorization;

/// <summary>Authorization codes by hash. <see cref="RedeemAsync"/> is a compare-and-set: a code is redeemed at most once.</summary>
public interface IAuthorizationCodeStore
{
    /// <summary>Stores a new code (and deletes codes long past their expiry).</summary>
    Task CreateAsync(AuthorizationCode code, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the code with hash <paramref name="codeHash"/> used. A live unused code is <see cref="CodeRedemptionStatus.Redeemed"/>;
    /// a used one (expired or not, as long as it is kept) is <see cref="CodeRedemptionStatus.Replayed"/>; anything else
    /// <see cref="CodeRedemptionStatus.Invalid"/>.
    /// </summary>
    Task<CodeRedemption> RedeemAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken);
}
