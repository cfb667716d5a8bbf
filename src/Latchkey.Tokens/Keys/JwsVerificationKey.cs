using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;

namespace Latchkey.Keys;

/// <summary>
/// A public key that checks JWS signatures for exactly one algorithm. The algorithm is fixed when the
/// key is made (from the key ring, or from a JWK's <c>kty</c>/<c>crv</c>/<c>alg</c>), never by a token.
/// </summary>
public abstract class JwsVerificationKey : IDisposable
{
    /// <summary>The JWS <c>alg</c> this key verifies.</summary>
    public abstract string Algorithm { get; }

    /// <summary>Verifies a JWS signature over <paramref name="data"/>.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>
    /// Builds a verification key from a public JWK (RFC 7517). Keys that carry private members, that are
    /// not for signatures, whose <c>alg</c> disagrees with their type, or RSA keys under 2048 bits are refused.
    /// </summary>
    public static bool TryFromJwk(JsonElement jwk, out JwsVerificationKey? key)
    {
        key = null;
        try
        {
            if (jwk.ValueKind != JsonValueKind.Object || jwk.TryGetProperty("d", out _)
                || (jwk.TryGetProperty("use", out var use) && (use.ValueKind != JsonValueKind.String || use.GetString() != "sig")))
            {
                return false;
            }

            var kty = Get(jwk, "kty");
            var alg = Get(jwk, "alg");
            switch (kty)
            {
                case "EC" when Get(jwk, "crv") == "P-256" && alg is null or SigningAlgorithms.ES256:
                    var x = Decode(jwk, "x");
                    var y = Decode(jwk, "y");
                    if (x is not { Length: 32 } || y is not { Length: 32 })
                    {
                        return false;
                    }

                    key = new PublicEcdsa(ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } }));
                    return true;
                case "RSA" when alg is SigningAlgorithms.RS256 or SigningAlgorithms.PS256:
                    var n = Decode(jwk, "n");
                    var e = Decode(jwk, "e");
                    if (n is null || e is null || n.Length < 256 || n.Length > 1024 || e.Length > 8)
                    {
                        return false;
                    }

                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
                    if (rsa.KeySize < 2048)
                    {
                        // A short modulus padded with leading zero bytes passes the length check above.
                        rsa.Dispose();
                        return false;
                    }

                    key = new PublicRsa(rsa, alg == SigningAlgorithms.RS256 ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss, alg);
                    return true;
                case "OKP" when Get(jwk, "crv") == "Ed25519" && alg is null or SigningAlgorithms.EdDSA:
                    var raw = Decode(jwk, "x");
                    if (raw is not { Length: 32 })
                    {
                        return false;
                    }

                    key = new PublicEd25519(PublicKey.Import(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey));
                    return true;
                default:
                    return false;
            }
        }
        // JsonDocument.Parse leaves string contents unchecked: reading a member name or value that is not
        // valid UTF-8, or that escapes a lone surrogate, throws InvalidOperationException. Such a key is malformed.
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the key.</summary>
    protected abstract void Dispose(bool disposing);

    private static string? Get(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Decode(JsonElement jwk, string name) =>
        Get(jwk, name) is { } text ? Base64Url.DecodeFromChars(text) : null;

    private sealed class PublicEcdsa(ECDsa key) : JwsVerificationKey
    {
        public override string Algorithm => SigningAlgorithms.ES256;

        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            signature.Length == 64 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        protected override void Dispose(bool disposing) => key.Dispose();
    }

    private sealed class PublicRsa(RSA key, RSASignaturePadding padding, string algorithm) : JwsVerificationKey
    {
        public override string Algorithm => algorithm;

        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            signature.Length == key.KeySize / 8 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, padding);

        protected override void Dispose(bool disposing) => key.Dispose();
    }

    private sealed class PublicEd25519(PublicKey key) : JwsVerificationKey
    {
        public override string Algorithm => SigningAlgorithms.EdDSA;

        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(key, data, signature);

        protected override void Dispose(bool disposing)
        {
        }
    }
}
