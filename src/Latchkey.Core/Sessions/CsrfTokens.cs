using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Sessions;

/// <summary>
/// Synchronizer CSRF tokens. A session's token is HMAC-SHA256 keyed with the session id, so it is
/// bound to that session, needs no storage, and a leaked database reveals neither the token nor the id.
/// </summary>
public static class CsrfTokens
{
    private static readonly byte[] Label = "latchkey-csrf-v1"u8.ToArray();

    /// <summary>The CSRF token of the session whose id is <paramref name="rawSessionId"/>.</summary>
    public static string For(string rawSessionId)
    {
        ArgumentNullException.ThrowIfNull(rawSessionId);
        Span<byte> key = stackalloc byte[Encoding.UTF8.GetMaxByteCount(rawSessionId.Length)];
        var keyLength = Encoding.UTF8.GetBytes(rawSessionId, key);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key[..keyLength], Label, mac);
        CryptographicOperations.ZeroMemory(key);
        return Base64Url.EncodeToString(mac);
    }

    /// <summary>Checks a presented token against the expected one in constant time.</summary>
    public static bool Matches(string expected, string? presented)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (presented is null || presented.Length != expected.Length)
        {
            // The length of a valid token is public (43 characters); this leaks nothing secret.
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshalBytes(expected), MemoryMarshalBytes(presented));
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(string text) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan());
}
