namespace Latchkey.Keys;

/// <summary>Signing keys and their rotation (configuration section <c>Latchkey:Keys</c>).</summary>
public sealed class KeyOptions
{
    /// <summary>The JWS algorithm of new keys: ES256, EdDSA, RS256 or PS256.</summary>
    /// <value>The default value is ES256.</value>
    public string Algorithm { get; set; } = SigningAlgorithms.ES256;

    /// <summary>How long a key signs before its successor takes over.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published in the JWKS before it signs anything, so that verifiers that
    /// cache the JWKS know it before they meet it. At least <see cref="JwksCacheMaxAge"/>.
    /// </summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The <c>max-age</c> of the JWKS and discovery documents.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan JwksCacheMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a node reloads the key ring from the store and rotates when due.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The secret (base64, at least 32 bytes) from which the key that encrypts private keys at rest is
    /// derived. When unset, it is generated on first start into <c>latchkey.secret</c> in the data
    /// directory. Nodes of one cluster must share it.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? MasterSecret { get; set; }
}
