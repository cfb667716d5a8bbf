using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Mfa;

/// <summary>
/// Single-use recovery codes: 78 random bits each (16 characters of 30), written as four groups of four characters from an alphabet
/// without look-alikes (<c>k7pq-2mzx-…</c>). With that much entropy a plain SHA-256 is a safe way to keep them,
/// as for session ids; the store never holds a code.
/// </summary>
public static class RecoveryCodes
{
    /// <summary>How many codes a set has.</summary>
    public const int Count = 10;

    // Crockford-style: no 0/o, 1/i/l, u.
    private const string Alphabet = "abcdefghjkmnpqrstvwxyz23456789";
    private const int Characters = 16;

    /// <summary>Creates a new set of <see cref="Count"/> codes.</summary>
    public static string[] Create()
    {
        var codes = new string[Count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = CreateOne();
        }

        return codes;
    }

    /// <summary>
    /// The SHA-256 of a code in its canonical form (lower case, no separators or spaces), or <see langword="null"/>
    /// for text that cannot be a code.
    /// </summary>
    public static byte[]? TryHash(string? code)
    {
        if (code is null || code.Length > 64)
        {
            return null;
        }

        var canonical = new StringBuilder(Characters);
        foreach (var c in code)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (Alphabet.IndexOf(lower, StringComparison.Ordinal) < 0)
            {
                return null;
            }

            canonical.Append(lower);
        }

        return canonical.Length == Characters ? SHA256.HashData(Encoding.ASCII.GetBytes(canonical.ToString())) : null;
    }

    private static string CreateOne()
    {
        Span<char> chars = stackalloc char[Characters + 3];
        var at = 0;
        for (var i = 0; i < Characters; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                chars[at++] = '-';
            }

            chars[at++] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars[..at]);
    }
}
