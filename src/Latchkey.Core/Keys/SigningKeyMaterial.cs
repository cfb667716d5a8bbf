using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using NSec.Cryptography;

namespace Latchkey.Keys;

/// <summary>
/// A key pair for one JWS algorithm: signs and verifies, exports its private key as bytes for storage,
/// and writes its public half as a JWK. The algorithm belongs to the key; a token never chooses it.
/// </summary>
public abstract class SigningKeyMaterial : JwsVerificationKey
{
    /// <summary>The size of a signature in bytes.</summary>
    public abstract int SignatureSize { get; }

    /// <summary>Creates a fresh key for <paramref name="algorithm"/>.</summary>
    public static SigningKeyMaterial Generate(string algorithm) => algorithm switch
    {
        SigningAlgorithms.ES256 => new EcdsaKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        SigningAlgorithms.RS256 => new RsaKey(RSA.Create(2048), RSASignaturePadding.Pkcs1, SigningAlgorithms.RS256),
        SigningAlgorithms.PS256 => new RsaKey(RSA.Create(2048), RSASignaturePadding.Pss, SigningAlgorithms.PS256),
        SigningAlgorithms.EdDSA => new Ed25519Key(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport })),
        _ => throw new ArgumentException($"Unsupported signing algorithm '{algorithm}'.", nameof(algorithm)),
    };

    /// <summary>Loads a key from the bytes <see cref="ExportPrivateKey"/> produced.</summary>
    public static SigningKeyMaterial Import(string algorithm, ReadOnlySpan<byte> privateKey)
    {
        switch (algorithm)
        {
            case SigningAlgorithms.ES256:
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(privateKey, out _);
                return new EcdsaKey(ec);
            case SigningAlgorithms.RS256:
            case SigningAlgorithms.PS256:
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(privateKey, out _);
                return new RsaKey(rsa, algorithm == SigningAlgorithms.RS256 ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss, algorithm);
            case SigningAlgorithms.EdDSA:
                return new Ed25519Key(Key.Import(SignatureAlgorithm.Ed25519, privateKey, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
            default:
                throw new ArgumentException($"Unsupported signing algorithm '{algorithm}'.", nameof(algorithm));
        }
    }

    /// <summary>Signs <paramref name="data"/> and returns the number of bytes written.</summary>
    public abstract int Sign(ReadOnlySpan<byte> data, Span<byte> signature);

    /// <summary>The private key, for encrypted storage only.</summary>
    public abstract byte[] ExportPrivateKey();

    /// <summary>Writes the public key's JWK members (<c>kty</c> and the key values).</summary>
    public abstract void WritePublicJwk(Utf8JsonWriter writer);

    /// <summary>
    /// Writes the JWK object the JWKS endpoint publishes for this key under <paramref name="kid"/>: the public
    /// parameters with <c>kid</c>, <c>alg</c> and <c>use</c>.
    /// </summary>
    public void WritePublishedJwk(Utf8JsonWriter writer, string kid)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WritePublicJwk(writer);
        writer.WriteString("kid", kid);
        writer.WriteString("alg", Algorithm);
        writer.WriteString("use", "sig");
        writer.WriteEndObject();
    }

    private static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    private sealed class EcdsaKey(ECDsa key) : SigningKeyMaterial
    {
        public override string Algorithm => SigningAlgorithms.ES256;

        public override int SignatureSize => 64;

        public override int Sign(ReadOnlySpan<byte> data, Span<byte> signature) =>
            key.SignData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        // JWS ECDSA signatures are the fixed-size r||s form (RFC 7518 §3.4); DER or any other length is refused.
        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            signature.Length == 64 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        public override byte[] ExportPrivateKey() => key.ExportPkcs8PrivateKey();

        public override void WritePublicJwk(Utf8JsonWriter writer)
        {
            var p = key.ExportParameters(false);
            writer.WriteString("kty", "EC");
            writer.WriteString("crv", "P-256");
            writer.WriteString("x", B64(p.Q.X));
            writer.WriteString("y", B64(p.Q.Y));
        }

        protected override void Dispose(bool disposing) => key.Dispose();
    }

    private sealed class RsaKey(RSA key, RSASignaturePadding padding, string algorithm) : SigningKeyMaterial
    {
        // Verifying through the private-key object costs more than through the public key alone (the
        // provider carries the private parts along); tokens are verified far more often than signed.
        private readonly RSA _publicKey = RSA.Create(key.ExportParameters(false));

        public override string Algorithm => algorithm;

        public override int SignatureSize => key.KeySize / 8;

        public override int Sign(ReadOnlySpan<byte> data, Span<byte> signature) =>
            key.SignData(data, signature, HashAlgorithmName.SHA256, padding);

        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            signature.Length == key.KeySize / 8 && _publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, padding);

        public override byte[] ExportPrivateKey() => key.ExportPkcs8PrivateKey();

        public override void WritePublicJwk(Utf8JsonWriter writer)
        {
            var p = key.ExportParameters(false);
            writer.WriteString("kty", "RSA");
            writer.WriteString("n", B64(p.Modulus));
            writer.WriteString("e", B64(p.Exponent));
        }

        protected override void Dispose(bool disposing)
        {
            _publicKey.Dispose();
            key.Dispose();
        }
    }

    private sealed class Ed25519Key(Key key) : SigningKeyMaterial
    {
        public override string Algorithm => SigningAlgorithms.EdDSA;

        public override int SignatureSize => 64;

        public override int Sign(ReadOnlySpan<byte> data, Span<byte> signature)
        {
            SignatureAlgorithm.Ed25519.Sign(key, data, signature[..64]);
            return 64;
        }

        public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            signature.Length == 64 && SignatureAlgorithm.Ed25519.Verify(key.PublicKey, data, signature);

        public override byte[] ExportPrivateKey() => key.Export(KeyBlobFormat.RawPrivateKey);

        public override void WritePublicJwk(Utf8JsonWriter writer)
        {
            writer.WriteString("kty", "OKP");
            writer.WriteString("crv", "Ed25519");
            writer.WriteString("x", B64(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        }

        protected override void Dispose(bool disposing) => key.Dispose();
    }
}
