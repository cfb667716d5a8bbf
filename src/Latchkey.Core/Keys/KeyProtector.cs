using System.Security.Cryptography;
using System.Text;
using Latchkey.Security;

namespace Latchkey.Keys;

/// <summary>
/// Encrypts private keys (and TOTP secrets, under a <c>totp:</c> context) at rest with AES-256-GCM; the key id or
/// context is bound in as associated data.
/// </summary>
public sealed class KeyProtector
{
    private readonly byte[] _key;

    /// <summary>Creates the protector with a key derived from the master secret.</summary>
    public KeyProtector(MasterSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("signing-key-encryption/v1");
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the key <paramref name="kid"/>.</summary>
    public byte[] Protect(string kid, ReadOnlySpan<byte> plaintext) =>
        AuthenticatedEncryption.Seal(_key, Encoding.UTF8.GetBytes(kid), plaintext);

    /// <summary>Decrypts what <see cref="Protect"/> produced.</summary>
    /// <exception cref="CryptographicException">The data was altered, belongs to another key id, or the master secret differs.</exception>
    public byte[] Unprotect(string kid, ReadOnlySpan<byte> protectedData) =>
        AuthenticatedEncryption.Open(_key, Encoding.UTF8.GetBytes(kid), protectedData);
}
