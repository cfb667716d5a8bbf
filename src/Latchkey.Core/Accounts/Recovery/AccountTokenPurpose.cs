namespace Latchkey.Accounts.Recovery;

/// <summary>
/// What an account token may be redeemed for; a token redeems only for its own purpose. Most are mailed as links;
/// the second-factor challenges are handed to the client that signed in with the password.
/// </summary>
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

    /// <summary>Lets the holder finish a password sign-in with a second factor; bound to the password.</summary>
    MfaChallenge = 5,

    /// <summary>Lets the holder of a password sign-in enrol a first authenticator when every account must have one; bound to the password.</summary>
    MfaEnrollment = 6,
}
