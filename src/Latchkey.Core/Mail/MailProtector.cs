using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Latchkey.Security;

namespace Latchkey.Mail;

/// <summary>
/// Encrypts queued messages at rest (AES-256-GCM under a key derived from the master secret, the message id as
/// associated data), so that the outbox table holds no recipient, subject or body, and a payload cannot be moved
/// to another row.
/// </summary>
public sealed class MailProtector
{
    private readonly byte[] _key;

    /// <summary>Creates the protector with a key derived from the master secret.</summary>
    public MailProtector(MasterSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("mail-outbox/v1");
    }

    /// <summary>Serializes and encrypts <paramref name="message"/> for the outbox row <paramref name="id"/>.</summary>
    public byte[] Protect(string id, EmailMessage message) =>
        AuthenticatedEncryption.Seal(_key, Encoding.UTF8.GetBytes(id), JsonSerializer.SerializeToUtf8Bytes(message));

    /// <summary>Decrypts what <see cref="Protect"/> produced.</summary>
    /// <exception cref="CryptographicException">The payload was altered, belongs to another row, or the master secret differs.</exception>
    public EmailMessage Unprotect(string id, byte[] payload) =>
        JsonSerializer.Deserialize<EmailMessage>(AuthenticatedEncryption.Open(_key, Encoding.UTF8.GetBytes(id), payload))
            ?? throw new CryptographicException("The protected message is empty.");
}
