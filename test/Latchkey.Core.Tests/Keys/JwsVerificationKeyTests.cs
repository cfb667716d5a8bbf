using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Keys;

namespace Latchkey.Core.Tests;

/// <summary>
/// <see cref="JwsVerificationKey.TryFromJwk"/>: it takes the JWKs Latchkey publishes, and nothing that
/// would let a JWKS choose a weaker or different algorithm, or hand over a private key.
/// </summary>
public sealed class JwsVerificationKeyTests
{
    private static readonly byte[] Data = Encoding.ASCII.GetBytes("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0");

    private static readonly Lazy<RSA> Rsa1024 = new(() => RSA.Create(1024));
    private static readonly Lazy<RSA> Rsa2048 = new(() => RSA.Create(2048));

    public static TheoryData<string> Algorithms
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var algorithm in SigningAlgorithms.All)
            {
                data.Add(algorithm);
            }

            return data;
        }
    }

    public static TheoryData<string, string> RefusedJwks => new()
    {
        // Private keys: a JWKS must never carry them, and a verifier must not take one.
        { "EcPrivate", EcPrivateJwk() },
        { "RsaPrivate", RsaPrivateJwk() },
        { "OkpPrivate", OkpPrivateJwk() },
        { "Symmetric", """{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA","alg":"HS256"}""" },

        // RSA below 2048 bits, however the modulus is written.
        { "Rsa1024", RsaJwk(Rsa1024.Value, "RS256") },
        { "Rsa1024Pss", RsaJwk(Rsa1024.Value, "PS256") },
        { "Rsa1024ModulusZeroPaddedTo2048Bits", RsaJwk(Rsa1024.Value, "RS256", padModulusTo: 256) },

        // alg and kty (or crv) must agree; the key decides the algorithm, not the other way round.
        { "EcWithRs256", EcJwk("RS256") },
        { "EcWithPs256", EcJwk("PS256") },
        { "EcWithEdDsa", EcJwk("EdDSA") },
        { "EcWithHs256", EcJwk("HS256") },
        { "EcWithEs384", EcJwk("ES384") },
        { "EcWithNone", EcJwk("none") },
        { "RsaWithEs256", RsaJwk(Rsa2048.Value, "ES256") },
        { "RsaWithEdDsa", RsaJwk(Rsa2048.Value, "EdDSA") },
        { "RsaWithHs256", RsaJwk(Rsa2048.Value, "HS256") },
        { "RsaWithRs512", RsaJwk(Rsa2048.Value, "RS512") },
        { "RsaWithoutAlg", RsaJwk(Rsa2048.Value, null) },
        { "OkpWithEs256", OkpJwk("ES256") },
        { "OkpWithRs256", OkpJwk("RS256") },
        { "OkpWithNone", OkpJwk("none") },
        { "EcOnP384", EcP384Jwk() },
        { "OkpX25519", OkpJwk(null, crv: "X25519") },
        { "OkpEd448", OkpJwk(null, crv: "Ed448") },

        // Not for signatures, or not a usable key at all.
        { "UseEnc", Edit(EcJwk("ES256"), j => j["use"] = "enc") },
        { "UseNotString", Edit(EcJwk("ES256"), j => j["use"] = 1) },
        { "KtyMissing", Edit(EcJwk("ES256"), j => j.Remove("kty")) },
        { "KtyLowercase", Edit(EcJwk("ES256"), j => j["kty"] = "ec") },
        { "EcMissingY", Edit(EcJwk("ES256"), j => j.Remove("y")) },
        { "EcShortX", Edit(EcJwk("ES256"), j => j["x"] = Base64Url.EncodeToString(new byte[31])) },
        { "EcPointNotOnCurve", Edit(EcJwk("ES256"), j => j["y"] = Base64Url.EncodeToString(new byte[32])) },
        { "EcXNotBase64Url", Edit(EcJwk("ES256"), j => j["x"] = "not base64url!") },
        { "OkpShortX", Edit(OkpJwk("EdDSA"), j => j["x"] = Base64Url.EncodeToString(new byte[31])) },
        { "RsaExponentTooLong", Edit(RsaJwk(Rsa2048.Value, "RS256"), j => j["e"] = Base64Url.EncodeToString(new byte[9])) },
        { "JsonArray", "[]" },
        { "JsonString", "\"EC\"" },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void TryFromJwk_PublishedJwk_VerifiesSignaturesOfItsKey(string algorithm)
    {
        var material = TestSigningKeys.For(algorithm);
        var signature = new byte[material.SignatureSize];
        var written = material.Sign(Data, signature);
        using var jwk = JsonDocument.Parse(TestSigningKeys.PublishedJwk(material, "kid-1").ToJsonString());

        Assert.True(JwsVerificationKey.TryFromJwk(jwk.RootElement, out var key));

        using (key)
        {
            Assert.Equal(algorithm, key!.Algorithm);
            Assert.True(key.Verify(Data, signature.AsSpan(0, written)));
            Assert.False(key.Verify([.. Data, (byte)'x'], signature.AsSpan(0, written)));
            Assert.False(key.Verify(Data, new byte[written]));
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void TryFromJwk_PublishedJwkOfAnotherKey_DoesNotVerify(string algorithm)
    {
        var material = TestSigningKeys.For(algorithm);
        var signature = new byte[material.SignatureSize];
        var written = material.Sign(Data, signature);
        using var jwk = JsonDocument.Parse(TestSigningKeys.PublishedJwk(TestSigningKeys.OtherFor(algorithm), "kid-2").ToJsonString());

        Assert.True(JwsVerificationKey.TryFromJwk(jwk.RootElement, out var key));

        using (key)
        {
            Assert.False(key!.Verify(Data, signature.AsSpan(0, written)));
        }
    }

    [Theory]
    [InlineData("ES256", "EC")]
    [InlineData("EdDSA", "OKP")]
    public void TryFromJwk_CurveKeyWithoutAlg_TakesTheCurveAlgorithm(string algorithm, string kty)
    {
        var jwk = TestSigningKeys.PublishedJwk(TestSigningKeys.For(algorithm), "kid-1");
        jwk.Remove("alg");
        jwk.Remove("use");
        using var document = JsonDocument.Parse(jwk.ToJsonString());

        Assert.Equal(kty, jwk["kty"]!.GetValue<string>());
        Assert.True(JwsVerificationKey.TryFromJwk(document.RootElement, out var key));
        using (key)
        {
            Assert.Equal(algorithm, key!.Algorithm);
        }
    }

    [Fact]
    public void TryFromJwk_RsaJwkSaysPs256_VerifiesPssButNotPkcs1()
    {
        var pkcs1 = TestSigningKeys.For(SigningAlgorithms.RS256);
        var signature = new byte[pkcs1.SignatureSize];
        pkcs1.Sign(Data, signature);
        var jwk = TestSigningKeys.PublishedJwk(pkcs1, "kid-1");
        jwk["alg"] = SigningAlgorithms.PS256;
        using var document = JsonDocument.Parse(jwk.ToJsonString());

        Assert.True(JwsVerificationKey.TryFromJwk(document.RootElement, out var key));
        using (key)
        {
            Assert.Equal(SigningAlgorithms.PS256, key!.Algorithm);
            Assert.False(key.Verify(Data, signature));
        }
    }

    [Theory]
    [MemberData(nameof(RefusedJwks))]
    public void TryFromJwk_Refused_ReturnsFalseWithoutKey(string name, string json)
    {
        _ = name;
        using var document = JsonDocument.Parse(json);

        var accepted = JwsVerificationKey.TryFromJwk(document.RootElement, out var key);

        key?.Dispose();
        Assert.False(accepted);
        Assert.Null(key);
    }

    private static string Edit(string json, Action<JsonObject> edit)
    {
        var jwk = JsonNode.Parse(json)!.AsObject();
        edit(jwk);
        return jwk.ToJsonString();
    }

    private static string B64(byte[]? bytes) => Base64Url.EncodeToString(bytes);

    private static string EcJwk(string? alg)
    {
        var jwk = TestSigningKeys.PublishedJwk(TestSigningKeys.For(SigningAlgorithms.ES256), "kid-ec");
        jwk["alg"] = alg;
        if (alg is null)
        {
            jwk.Remove("alg");
        }

        return jwk.ToJsonString();
    }

    private static string EcP384Jwk()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ec.ExportParameters(false);
        return new JsonObject { ["kty"] = "EC", ["crv"] = "P-384", ["x"] = B64(p.Q.X), ["y"] = B64(p.Q.Y), ["alg"] = "ES256", ["use"] = "sig" }.ToJsonString();
    }

    private static string EcPrivateJwk()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(true);
        return new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B64(p.Q.X), ["y"] = B64(p.Q.Y), ["d"] = B64(p.D), ["alg"] = "ES256", ["use"] = "sig" }.ToJsonString();
    }

    private static string RsaJwk(RSA rsa, string? alg, int padModulusTo = 0)
    {
        var p = rsa.ExportParameters(false);
        var modulus = p.Modulus!;
        if (modulus.Length < padModulusTo)
        {
            modulus = [.. new byte[padModulusTo - modulus.Length], .. modulus];
        }

        var jwk = new JsonObject { ["kty"] = "RSA", ["n"] = B64(modulus), ["e"] = B64(p.Exponent), ["use"] = "sig" };
        if (alg is not null)
        {
            jwk["alg"] = alg;
        }

        return jwk.ToJsonString();
    }

    private static string RsaPrivateJwk()
    {
        var p = Rsa2048.Value.ExportParameters(true);
        return new JsonObject
        {
            ["kty"] = "RSA", ["alg"] = "RS256", ["n"] = B64(p.Modulus), ["e"] = B64(p.Exponent), ["d"] = B64(p.D),
            ["p"] = B64(p.P), ["q"] = B64(p.Q), ["dp"] = B64(p.DP), ["dq"] = B64(p.DQ), ["qi"] = B64(p.InverseQ),
        }.ToJsonString();
    }

    private static string OkpJwk(string? alg, string crv = "Ed25519")
    {
        var jwk = TestSigningKeys.PublishedJwk(TestSigningKeys.For(SigningAlgorithms.EdDSA), "kid-okp");
        jwk["crv"] = crv;
        jwk.Remove("alg");
        if (alg is not null)
        {
            jwk["alg"] = alg;
        }

        return jwk.ToJsonString();
    }

    private static string OkpPrivateJwk()
    {
        var material = TestSigningKeys.For(SigningAlgorithms.EdDSA);
        var jwk = TestSigningKeys.PublishedJwk(material, "kid-okp");
        var seed = material.ExportPrivateKey();
        jwk["d"] = B64(seed);
        return jwk.ToJsonString();
    }
}
