namespace Latchkey.Accounts.Recovery;

/// <summary>What an emailed account token may be redeemed for; a token redeems only for its own purpose.</summary>
public enum AccountTokenPurpose
{
    /// <summary>Proves the account's address.</summary>
    VerifyEmail = 1,

    /// <summary>Sets a new password; bound to the password it was issued under.</summary>
    PasswordReset = 2,

    /// <summary>Confirms a change to the address the token was sent to.</summary>
    EmailChange = 3,

    /// <summary>Restores the address an email change replaced.</summary>
    EmailChangeUndo = 4,
}
