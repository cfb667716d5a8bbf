namespace Latchkey.Sessions;

/// <summary>
/// How <see cref="AuthenticationMethods"/> read in tokens: <c>amr</c> values from RFC 8176 and the <c>acr</c> level.
/// A passkey counts as two factors on its own: the device holds the key and user verification (PIN or biometric)
/// unlocks it, which NIST SP 800-63B rates a multi-factor cryptographic authenticator.
/// </summary>
public static class AuthenticationMethodNames
{
    /// <summary>The <c>acr</c> of a single-factor sign-in.</summary>
    public const string SingleFactor = "1";

    /// <summary>The <c>acr</c> of a multi-factor sign-in.</summary>
    public const string MultiFactor = "2";

    /// <summary>Whether the methods add up to more than one factor.</summary>
    public static bool IsMultiFactor(AuthenticationMethods methods) =>
        (methods & AuthenticationMethods.Passkey) != 0
        || ((methods & AuthenticationMethods.Password) != 0 && (methods & (AuthenticationMethods.Otp | AuthenticationMethods.RecoveryCode)) != 0);

    /// <summary>The <c>acr</c> value of the methods.</summary>
    public static string Acr(AuthenticationMethods methods) => IsMultiFactor(methods) ? MultiFactor : SingleFactor;

    /// <summary>The <c>amr</c> values of the methods, in a fixed order.</summary>
    public static IReadOnlyList<string> Amr(AuthenticationMethods methods)
    {
        var names = new List<string>(4);
        if ((methods & AuthenticationMethods.Password) != 0 || methods == AuthenticationMethods.None)
        {
            names.Add("pwd");
        }

        if ((methods & (AuthenticationMethods.Otp | AuthenticationMethods.RecoveryCode)) != 0)
        {
            names.Add("otp");
        }

        if ((methods & AuthenticationMethods.Passkey) != 0)
        {
            names.Add("hwk");
            names.Add("user");
        }

        if (IsMultiFactor(methods))
        {
            names.Add("mfa");
        }

        return names;
    }
}
