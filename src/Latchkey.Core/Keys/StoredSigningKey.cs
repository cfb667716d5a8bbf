namespace Latchkey.Keys;

/// <summary>A signing key as stored: its private half encrypted.</summary>
/// <param name="Kid">The key id published as <c>kid</c>.</param>
/// <param name="Sequence">Its place in the rotation; unique, so that two nodes cannot both add the next key.</param>
/// <param name="Algorithm">Its JWS algorithm.</param>
/// <param name="CreatedAt">When it was made (and published).</param>
/// <param name="ActivatesAt">When it starts signing; it signs until the next key activates.</param>
/// <param name="EncryptedPrivateKey">The private key, encrypted with AES-256-GCM under the master secret.</param>
public sealed record StoredSigningKey(string Kid, long Sequence, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, byte[] EncryptedPrivateKey);
