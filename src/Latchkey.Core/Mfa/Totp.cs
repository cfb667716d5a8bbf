using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Latchkey.Mfa;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30-second steps,
/// the parameters every authenticator app assumes when an <c>otpauth://</c> URI names none.
/// </summary>
public static class Totp
{
    /// <summary>Digits in a code.</summary>
    public const int Digits = 6;

    /// <summary>Bytes in a new secret: 160 bits, the size RFC 4226 recommends for HMAC-SHA-1.</summary>
    public const int SecretBytes = 20;

    /// <summary>The length of one time step.</summary>
    public static readonly TimeSpan StepLength = TimeSpan.FromSeconds(30);

    /// <summary>The time step that <paramref name="time"/> falls in (T in RFC 6238, with T0 = 0).</summary>
    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)StepLength.TotalSeconds;

    /// <summary>The code for <paramref name="step"/>, as the digits a user types (leading zeros kept).</summary>
    public static string Code(ReadOnlySpan<byte> secret, long step) => Code(secret, step, Digits, HashAlgorithmName.SHA1);

    /// <summary>The code for <paramref name="step"/> with any length and HMAC hash; the RFC 6238 test vectors use SHA-256 and SHA-512 too.</summary>
    public static string Code(ReadOnlySpan<byte> secret, long step, int digits, HashAlgorithmName hash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[64];
        var length = HMAC(hash, secret, counter, mac);

        // Dynamic truncation (RFC 4226 §5.3).
        var offset = mac[length - 1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFFFFFF;
        var modulus = (int)Math.Pow(10, digits);
        return (binary % modulus).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// Finds the step, among the one at <paramref name="now"/> and one either side (clock drift), whose code is
    /// <paramref name="code"/>. Every candidate is compared, in constant time, so timing tells nothing.
    /// </summary>
    /// <returns>The matching step, or <see langword="null"/>.</returns>
    public static long? Match(ReadOnlySpan<byte> secret, string? code, DateTimeOffset now)
    {
        if (code is null || code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var current = StepAt(now);
        long? matched = null;
        for (var step = current - 1; step <= current + 1; step++)
        {
            if (Security.SecretHash.FixedTimeEquals(Code(secret, step), code) && matched is null)
            {
                matched = step;
            }
        }

        return matched;
    }

    // RFC 6238 names HMAC-SHA-1 and every authenticator app defaults to it; HMAC's strength does not rest on
    // SHA-1's collision resistance, so CA5350 does not apply here.
#pragma warning disable CA5350
    private static int HMAC(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data, destination)
        : hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data, destination)
        : hash == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, data, destination)
        : throw new ArgumentOutOfRangeException(nameof(hash), hash, "TOTP uses SHA-1, SHA-256 or SHA-512.");
#pragma warning restore CA5350
}
