using System.Security.Cryptography;
using System.Text;
using Latchkey.Security;

namespace Latchkey.Keys;

/// <summary>Encrypts private keys at rest with AES-256-GCM; the key id is bound in as associated data.</summary>
public sealed class KeyProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    /// <summary>Creates the protector with a key derived from the master secret.</summary>
    public KeyProtector(MasterSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("signing-key-encryption/v1");
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the key <paramref name="kid"/>.</summary>
    public byte[] Protect(string kid, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(kid));
        return output;
    }

    /// <summary>Decrypts what <see cref="Protect"/> produced.</summary>
    /// <exception cref="CryptographicException">The data was altered, belongs to another key id, or the master secret differs.</exception>
    public byte[] Unprotect(string kid, ReadOnlySpan<byte> protectedData)
    {
        if (protectedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected key is too short.");
        }

        var length = protectedData.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(protectedData[..NonceSize], protectedData.Slice(NonceSize, length), protectedData[(NonceSize + length)..], plaintext, Encoding.UTF8.GetBytes(kid));
        return plaintext;
    }
}
