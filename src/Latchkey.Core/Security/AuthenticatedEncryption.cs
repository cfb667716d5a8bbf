using System.Security.Cryptography;

namespace Latchkey.Security;

/// <summary>AES-256-GCM with a random 96-bit nonce: <c>nonce ‖ ciphertext ‖ tag</c>, bound to associated data.</summary>
internal static class AuthenticatedEncryption
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/>, bound to <paramref name="associatedData"/>.</summary>
    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), associatedData);
        return output;
    }

    /// <summary>Decrypts what <see cref="Seal"/> produced.</summary>
    /// <exception cref="CryptographicException">The data was altered, is bound to other associated data, or the key differs.</exception>
    public static byte[] Open(byte[] key, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected data is too short.");
        }

        var length = sealedData.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedData[..NonceSize], sealedData.Slice(NonceSize, length), sealedData[(NonceSize + length)..], plaintext, associatedData);
        return plaintext;
    }
}
