namespace Latchkey.Sessions;

/// <summary>
/// How the user proved who they are when a session began. A session carries the set; access tokens minted
/// from it carry it as <c>amr</c> (RFC 8176) and <c>acr</c>.
/// </summary>
[Flags]
public enum AuthenticationMethods
{
    /// <summary>Not recorded (sessions written before methods were kept count as <see cref="Password"/>).</summary>
    None = 0,

    /// <summary>The account's password (<c>pwd</c>).</summary>
    Password = 1,

    /// <summary>A TOTP code from an authenticator app (<c>otp</c>).</summary>
    Otp = 2,

    /// <summary>One of the account's single-use recovery codes (<c>otp</c>: it is a one-time password too).</summary>
    RecoveryCode = 4,

    /// <summary>A passkey (WebAuthn): proof of possession of a key (<c>hwk</c>), with user verification (<c>user</c>).</summary>
    Passkey = 8,
}
