using System.Buffers.Text;
using System.Security.Cryptography;
using Latchkey.Security;

namespace Latchkey.Accounts.Recovery;

/// <summary>
/// The format of emailed account tokens: <c>lk_at_</c> followed by 256 random bits in unpadded base64url
/// (43 characters). The prefix lets secret scanners and people recognise one; only its SHA-256 is stored.
/// </summary>
public static class AccountTokenCodec
{
    /// <summary>The prefix of every account token.</summary>
    public const string Prefix = "lk_at_";

    private const int RandomBytes = 32;
    private static readonly int EncodedLength = Prefix.Length + Base64Url.GetEncodedLength(RandomBytes);

    /// <summary>Creates a new token.</summary>
    public static string Create() => Prefix + RandomTokens.Create(RandomBytes);

    /// <summary>Hashes a well-formed token for lookup, or returns <see langword="null"/> for anything else.</summary>
    public static byte[]? TryHash(string? token)
    {
        if (token is null || token.Length != EncodedLength || !token.StartsWith(Prefix, StringComparison.Ordinal)
            || !Base64Url.IsValid(token.AsSpan(Prefix.Length)))
        {
            return null;
        }

        return SecretHash.Compute(token);
    }

    /// <summary>A stamp of a password hash that a reset token is bound to; it changes whenever the password does.</summary>
    public static string PasswordStamp(string passwordHash) =>
        Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(passwordHash)));

    /// <summary>
    /// The binding of an undo token: the normalized old address, a line feed, and the address as it was written.
    /// The normalized part leads so that a store can find the live undo tokens that reserve an address by prefix.
    /// </summary>
    public static string UndoBinding(string normalizedEmail, string email) => UndoBindingPrefix(normalizedEmail) + email;

    /// <summary>The start of every undo binding for <paramref name="normalizedEmail"/>.</summary>
    public static string UndoBindingPrefix(string normalizedEmail) => normalizedEmail + "\n";

    /// <summary>The address an undo binding restores, as it was written; <see langword="null"/> when malformed.</summary>
    public static string? UndoEmail(string? binding) =>
        binding?.IndexOf('\n', StringComparison.Ordinal) is { } at and >= 0 ? binding[(at + 1)..] : null;
}
