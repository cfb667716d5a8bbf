namespace Latchkey.Accounts;

/// <summary>A user account as stored.</summary>
/// <param name="Id">Stable, opaque account id.</param>
/// <param name="Email">The address as the user typed it, trimmed.</param>
/// <param name="NormalizedEmail">The address folded for the case-insensitive uniqueness check.</param>
/// <param name="PasswordHash">An Argon2id hash in PHC string format; never the password.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="PasswordChangedAt">When the password was last set.</param>
/// <param name="TokenGeneration">
/// Raised by logging out everywhere and by a password change; access tokens carry the value they were
/// issued under, and lower ones are refused.
/// </param>
/// <param name="EmailVerifiedAt">When the address was proven by an emailed link, or <see langword="null"/>.</param>
/// <param name="DisabledAt">
/// When an operator disabled the account, or <see langword="null"/> while it is enabled. A disabled account
/// cannot sign in, refresh or use a session; its data stays until it is deleted.
/// </param>
/// <param name="Roles">What the account may do beyond its own account: <see cref="AccountRoles.Admin"/> opens the admin API to its sessions.</param>
public sealed record Account(
    string Id,
    string Email,
    string NormalizedEmail,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset PasswordChangedAt,
    long TokenGeneration = 0,
    DateTimeOffset? EmailVerifiedAt = null,
    DateTimeOffset? DisabledAt = null,
    AccountRoles Roles = AccountRoles.None);
