using System.Text.Json;
using Latchkey.Accounts;

namespace Latchkey.Authorization;

/// <summary>
/// The claims of the standard scopes (OIDC Core §5.4) that Latchkey has: <c>email</c> gives <c>email</c> and
/// <c>email_verified</c>; <c>profile</c> gives <c>preferred_username</c> (the email address, an account's only handle)
/// </summary>
public static class UserClaims
{
    /// <summary>Every claim this provider may issue, for discovery's <c>claims_supported</c>.</summary>
    public static IReadOnlyList<string> Supported { get; } =
        ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "at_hash", "email", "email_verified", "preferred_username"];

    /// <summary>Writes the scope claims of <paramref name="account"/> for <paramref name="scopes"/>.</summary>
    public static void Write(Utf8JsonWriter writer, Account account, IReadOnlyCollection<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Contains("email"))
        {
            writer.WriteString("email"u8, account.Email);
            writer.WriteBoolean("email_verified"u8, account.EmailVerifiedAt is not null);
        }

        if (scopes.Contains("profile"))
        {
            writer.WriteString("preferred_username"u8, account.Email);
        }
    }
}
