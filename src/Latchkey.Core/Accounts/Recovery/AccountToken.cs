namespace Latchkey.Accounts.Recovery;

/// <summary>An emailed account token as stored: its hash, never the token.</summary>
/// <param name="Hash">SHA-256 of the token string.</param>
/// <param name="AccountId">The account it acts on.</param>
/// <param name="Purpose">What it may be redeemed for.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="Binding">
/// The value it is bound to: a stamp of the password hash for a reset, the new address for an email change,
/// the old address for an undo; <see langword="null"/> for verification.
/// </param>
public sealed record AccountToken(
    byte[] Hash,
    string AccountId,
    AccountTokenPurpose Purpose,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? Binding);

/// <summary>How a redemption ended.</summary>
public enum AccountTokenRedemptionStatus
{
    /// <summary>The token was live and is now spent.</summary>
    Redeemed,

    /// <summary>No such token for this purpose (unknown, foreign, superseded, or its account is gone).</summary>
    Unknown,

    /// <summary>The token has expired.</summary>
    Expired,

    /// <summary>The token was redeemed before.</summary>
    Used,
}

/// <summary>The outcome of <see cref="IAccountTokenStore.RedeemAsync"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Token">The spent token when <see cref="AccountTokenRedemptionStatus.Redeemed"/>.</param>
public sealed record AccountTokenRedemption(AccountTokenRedemptionStatus Status, AccountToken? Token);
