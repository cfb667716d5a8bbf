using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Mfa;

/// <summary>
/// Single-use recovery codes: 24 characters from a 30-letter alphabet without look-alikes, in six groups of four
/// (<c>k7pq-2mzx-…</c>): 117 random bits, above the 112 under which ASVS 6.5.2 asks for a salted slow hash, so a
/// plain SHA-256 keeps them safely, as for session ids; the store never holds a code.
/// </summary>
public static class RecoveryCodes
{
    /// <summary>How many codes a set has.</summary>
    public const int Count = 10;

    // Crockford-style: no 0/o, 1/i/l, u.
    private const string Alphabet = "abcdefghjkmnpqrstvwxyz23456789";
    private const int Characters = 24;

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
        Span<char> chars = stackalloc char[Characters + (Characters / 4) - 1];
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
