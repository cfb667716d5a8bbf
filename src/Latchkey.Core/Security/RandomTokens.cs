using System.Buffers.Text;
using System.Security.Cryptography;

namespace Latchkey.Security;

/// <summary>Creates unguessable identifiers from the operating system's CSPRNG.</summary>
public static class RandomTokens
{
    /// <summary>Returns <paramref name="byteCount"/> random bytes encoded as unpadded base64url.</summary>
    /// <param name="byteCount">How many random bytes; 16 gives 128 bits, 32 gives 256 bits.</param>
    public static string Create(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(byteCount, 16);
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
