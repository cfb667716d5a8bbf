using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Security;

/// <summary>
/// Hashes high-entropy secrets (session ids, later refresh tokens and client secrets) for storage.
/// A single SHA-256 is enough here: the inputs carry at least 128 bits of randomness, so there is
/// nothing for a slow password hash to protect against.
/// </summary>
public static class SecretHash
{
    /// <summary>The size of a hash in bytes.</summary>
    public const int Size = SHA256.HashSizeInBytes;

    /// <summary>Returns SHA-256 of the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static byte[] Compute(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var hash = new byte[Size];
        Compute(secret, hash);
        return hash;
    }

    /// <summary>Writes SHA-256 of the UTF-8 bytes of <paramref name="secret"/> into <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<char> secret, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(secret.Length);
        byte[]? rented = max > 256 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[256];
        try
        {
            var length = Encoding.UTF8.GetBytes(secret, buffer);
            SHA256.HashData(buffer[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(rented);
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Compares two secrets or hashes in time that does not depend on where they differ.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>Compares two strings in time that does not depend on where they differ.</summary>
    public static bool FixedTimeEquals(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return false;
        }

        // Compare hashes so that the comparison is fixed-length as well: the length of the
        // expected value leaks nothing either.
        Span<byte> a = stackalloc byte[Size];
        Span<byte> b = stackalloc byte[Size];
        Compute(left, a);
        Compute(right, b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
