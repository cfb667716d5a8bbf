using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Testing;
using Latchkey.Tokens;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// RFC 8725 attacks on <c>GET /api/me</c>, each forged from a genuine ES256 token of the server: every one
/// must be a 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c> (RFC 6750 §3.1), refused for
/// the reason the case names (read from the server's log), and no key URL named by a token may be fetched.
/// </summary>
public sealed class JwtAttackTests(JwtAttackFixture fixture) : IClassFixture<JwtAttackFixture>
{
    // An attacker's own P-256 key, for the cases that bring a key along with a matching signature.
    private static readonly ECDsa AttackerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private const string AttackerKid = "attacker-key";

    private static readonly Dictionary<string, JwtAttack> Catalog = BuildCatalog();

    public static TheoryData<string> Attacks
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Catalog.Keys)
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Fact]
    public async Task Me_WithUntamperedToken_Returns200AsBearer()
    {
        var context = fixture.Context;
        using var client = fixture.Server.CreateClient();

        using var response = await client.Http.GetWithBearerAsync("api/me", context.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(context.UserId, body["id"]!.GetValue<string>());
        Assert.Equal("bearer", body["authMethod"]!.GetValue<string>());
        Assert.Equal(JwtAttackFixture.Start, fixture.Time.GetUtcNow());
    }

    [Fact]
    public void Context_GenuineMaterial_IsWhatTheAttacksAssume()
    {
        var context = fixture.Context;
        var header = CompactJws.Header(context.Token);
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());

        // The look-alike tokens are signed by the very same key, so only iss or aud can refuse them.
        Assert.Equal(context.Kid, CompactJws.Header(context.WrongIssuerToken)["kid"]!.GetValue<string>());
        Assert.Equal(context.Kid, CompactJws.Header(context.WrongAudienceToken)["kid"]!.GetValue<string>());
        Assert.Equal(JwtAttackFixture.OtherIssuer, CompactJws.Payload(context.WrongIssuerToken)["iss"]!.GetValue<string>());
        var wrongAudience = CompactJws.Payload(context.WrongAudienceToken);
        Assert.Equal(JwtAttackFixture.Issuer, wrongAudience["iss"]!.GetValue<string>());
        Assert.Equal(JwtAttackFixture.OtherAudience, wrongAudience["aud"]!.GetValue<string>());
        Assert.Equal(context.UserId, wrongAudience["sub"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Me_WithForgedToken_Returns401InvalidToken(string name)
    {
        var attack = Catalog[name];
        var context = fixture.Context;
        var forged = attack.Forge(context);
        if (attack.At is null)
        {
            Assert.NotEqual(context.Token, forged);
        }

        using var client = fixture.Server.CreateClient();
        fixture.ClearRefusals();

        HttpResponseMessage response;
        if (attack.At is { } at)
        {
            fixture.Time.AdjustTime(at(context));
        }

        try
        {
            response = await client.Http.GetWithBearerAsync("api/me", forged);
        }
        finally
        {
            fixture.Time.AdjustTime(JwtAttackFixture.Start);
        }

        using (response)
        {
            if (attack.MayBeRefusedByKestrel && response.StatusCode == HttpStatusCode.RequestHeaderFieldsTooLarge)
            {
                // The contract allows a 431 for a header above the server's limit, before authentication.
                return;
            }

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: expected 401, got {(int)response.StatusCode}: {body}");
            Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        }

        Assert.Equal([attack.Expected.ToString()], fixture.Refusals().Distinct());
        Assert.False(fixture.Trap.Pending(), $"{name}: the server connected to a URL named in the token header.");
    }

    private static Dictionary<string, JwtAttack> BuildCatalog()
    {
        var catalog = new Dictionary<string, JwtAttack>(StringComparer.Ordinal);
        void Add(string name, TokenValidationError expected, Func<AttackContext, string> forge, Func<AttackContext, DateTimeOffset>? at = null, bool mayBeRefusedByKestrel = false) =>
            catalog.Add(name, new JwtAttack(forge, expected, at, mayBeRefusedByKestrel));

        // alg "none" in any casing: without a signature the token is not a JWS at all; with one, the key's
        // algorithm (ES256) is not what the header asks for.
        foreach (var (casing, alg) in new[] { ("Lowercase", "none"), ("Capitalized", "None"), ("Uppercase", "NONE"), ("MixedCase", "nOnE") })
        {
            Add($"Rejects_AlgNone_{casing}_StrippedSignature", TokenValidationError.Malformed, c => Strip(WithAlg(c.Token, alg)));
            Add($"Rejects_AlgNone_{casing}_OriginalSignature", TokenValidationError.AlgorithmMismatch, c => WithAlg(c.Token, alg));
        }

        Add("Rejects_AlgNone_WithoutKid_StrippedSignature", TokenValidationError.Malformed, c => Strip(CompactJws.WithHeader(c.Token, h =>
        {
            h["alg"] = "none";
            h.Remove("kid");
        })));

        // HS256 keyed with the public key (the classic algorithm confusion): every plausible encoding.
        Add("Rejects_Hs256_KeyedWithJwkJson", TokenValidationError.AlgorithmMismatch, c => Hs256(c, Encoding.UTF8.GetBytes(c.JwkJson)));
        Add("Rejects_Hs256_KeyedWithRawPublicPoint", TokenValidationError.AlgorithmMismatch, c => Hs256(c, [.. c.X, .. c.Y]));
        Add("Rejects_Hs256_KeyedWithUncompressedPoint", TokenValidationError.AlgorithmMismatch, c => Hs256(c, [0x04, .. c.X, .. c.Y]));
        Add("Rejects_Hs256_KeyedWithSpkiDer", TokenValidationError.AlgorithmMismatch, c => Hs256(c, PublicKey(c).ExportSubjectPublicKeyInfo()));
        Add("Rejects_Hs256_KeyedWithSpkiPem", TokenValidationError.AlgorithmMismatch, c => Hs256(c, Encoding.ASCII.GetBytes(PublicKey(c).ExportSubjectPublicKeyInfoPem())));
        Add("Rejects_Hs256_KeyedWithSpkiPemAndNewline", TokenValidationError.AlgorithmMismatch, c => Hs256(c, Encoding.ASCII.GetBytes(PublicKey(c).ExportSubjectPublicKeyInfoPem() + "\n")));

        // Other algorithms than the key's, with the genuine signature.
        foreach (var alg in new[] { "RS256", "PS256", "EdDSA", "ES384", "ES256K", "es256" })
        {
            Add($"Rejects_AlgSwitchedTo{alg}", TokenValidationError.AlgorithmMismatch, c => WithAlg(c.Token, alg));
        }

        // The signature no longer covers what the token says.
        Add("Rejects_TamperedPayload_Sub", TokenValidationError.BadSignature, c => CompactJws.WithPayload(c.Token, p => p["sub"] = "someone-else"));
        Add("Rejects_TamperedPayload_Exp", TokenValidationError.BadSignature, c => CompactJws.WithPayload(c.Token, p => p["exp"] = p["exp"]!.GetValue<long>() + 86400));
        Add("Rejects_TamperedPayload_Scope", TokenValidationError.BadSignature, c => CompactJws.WithPayload(c.Token, p => p["scope"] = "admin"));
        Add("Rejects_SignatureOfAnotherToken", TokenValidationError.BadSignature, c => CompactJws.WithSignature(c.Token, CompactJws.Signature(c.WrongAudienceToken)));
        Add("Rejects_PayloadNotJson", TokenValidationError.BadSignature, c => Replace(c.Token, 1, CompactJws.EncodeText("not json")));

        // Signature shapes.
        Add("Rejects_StrippedSignature", TokenValidationError.Malformed, c => Strip(c.Token));
        Add("Rejects_TwoSegments", TokenValidationError.Malformed, c => c.Token[..c.Token.LastIndexOf('.')]);
        Add("Rejects_TrailingFourthSegment", TokenValidationError.Malformed, c => c.Token + ".");
        Add("Rejects_EcdsaSignatureAllZeros", TokenValidationError.BadSignature, c => CompactJws.WithSignature(c.Token, new byte[64]));
        Add("Rejects_EcdsaSignatureDerEncoded", TokenValidationError.BadSignature, c => CompactJws.WithSignature(c.Token, CompactJws.ToDer(CompactJws.Signature(c.Token))));
        Add("Rejects_EcdsaSignatureTruncated", TokenValidationError.BadSignature, c => CompactJws.WithSignature(c.Token, CompactJws.Signature(c.Token).AsSpan(0, 63)));
        Add("Rejects_EcdsaSignatureSAboveGroupOrder", TokenValidationError.BadSignature, c => CompactJws.WithSignature(c.Token, [.. CompactJws.Signature(c.Token).AsSpan(0, 32), .. Enumerable.Repeat((byte)0xFF, 32)]));

        // Keys by name: only the server's own published kids count.
        Add("Rejects_UnknownKid", TokenValidationError.UnknownKey, c => CompactJws.WithHeader(c.Token, h => h["kid"] = Latchkey.Security.RandomTokens.Create(16)));
        Add("Rejects_EmptyKid", TokenValidationError.UnknownKey, c => CompactJws.WithHeader(c.Token, h => h["kid"] = string.Empty));
        Add("Rejects_KidPathTraversal", TokenValidationError.UnknownKey, c => CompactJws.WithHeader(c.Token, h => h["kid"] = "../../../../dev/null"));
        Add("Rejects_KidNotString", TokenValidationError.Malformed, c => CompactJws.WithHeader(c.Token, h => h["kid"] = 1));
        Add("Rejects_MissingKid", TokenValidationError.Malformed, c => CompactJws.WithHeader(c.Token, h => h.Remove("kid")));

        // Keys the token brings along, each with a signature that matches the attacker's key.
        Add("Rejects_EmbeddedJwk_AttackerKid", TokenValidationError.ForbiddenHeader, c => Attacker(c, AttackerKid, h => h["jwk"] = AttackerJwk()));
        Add("Rejects_EmbeddedJwk_ServerKid", TokenValidationError.ForbiddenHeader, c => Attacker(c, c.Kid, h => h["jwk"] = AttackerJwk()));
        Add("Rejects_Jku", TokenValidationError.ForbiddenHeader, c => Attacker(c, AttackerKid, h => h["jku"] = c.Trap.ToString()));
        Add("Rejects_Jku_ServerKid", TokenValidationError.ForbiddenHeader, c => Attacker(c, c.Kid, h => h["jku"] = c.Trap.ToString()));
        Add("Rejects_X5u", TokenValidationError.ForbiddenHeader, c => Attacker(c, AttackerKid, h => h["x5u"] = c.Trap.ToString()));
        Add("Rejects_X5c", TokenValidationError.ForbiddenHeader, c => Attacker(c, AttackerKid, h => h["x5c"] = new JsonArray(Convert.ToBase64String(AttackerCertificate()))));
        Add("Rejects_X5c_ServerKid", TokenValidationError.ForbiddenHeader, c => Attacker(c, c.Kid, h => h["x5c"] = new JsonArray(Convert.ToBase64String(AttackerCertificate()))));

        // Header members the validator does not understand, or that change how the token is read.
        Add("Rejects_UnknownCrit", TokenValidationError.ForbiddenHeader, c => CompactJws.WithHeader(c.Token, h =>
        {
            h["crit"] = new JsonArray("urn:example:must-understand");
            h["urn:example:must-understand"] = true;
        }));
        Add("Rejects_CritListingExp", TokenValidationError.ForbiddenHeader, c => CompactJws.WithHeader(c.Token, h => h["crit"] = new JsonArray("exp")));
        Add("Rejects_B64False", TokenValidationError.ForbiddenHeader, c => CompactJws.WithHeader(c.Token, h =>
        {
            h["b64"] = false;
            h["crit"] = new JsonArray("b64");
        }));

        // typ must say "this is an access token" (RFC 9068 §2.1), so an ID token or other JWT cannot pass as one.
        Add("Rejects_TypJwt", TokenValidationError.WrongType, c => CompactJws.WithHeader(c.Token, h => h["typ"] = "JWT"));
        Add("Rejects_TypApplicationJwt", TokenValidationError.WrongType, c => CompactJws.WithHeader(c.Token, h => h["typ"] = "application/jwt"));
        Add("Rejects_TypMissing", TokenValidationError.WrongType, c => CompactJws.WithHeader(c.Token, h => h.Remove("typ")));

        // Time: the genuine token, with the server's clock moved.
        Add("Rejects_Expired", TokenValidationError.Expired, c => c.Token, at: c => c.ExpiresAt + c.ClockSkew + TimeSpan.FromSeconds(1));
        Add("Rejects_Expired_AtExpPlusSkew", TokenValidationError.Expired, c => c.Token, at: c => c.ExpiresAt + c.ClockSkew);
        Add("Rejects_NotYetValid", TokenValidationError.NotYetValid, c => c.Token, at: c => c.IssuedAt - c.ClockSkew - TimeSpan.FromSeconds(1));

        // Validly signed by the same key, but for someone else.
        Add("Rejects_WrongIssuer", TokenValidationError.WrongIssuer, c => c.WrongIssuerToken);
        Add("Rejects_WrongAudience", TokenValidationError.WrongAudience, c => c.WrongAudienceToken);

        // Not a compact JWS.
        Add("Rejects_JweFiveSegments", TokenValidationError.Malformed, c => string.Join('.',
            CompactJws.EncodeText($$"""{"alg":"RSA-OAEP-256","enc":"A256GCM","typ":"at+jwt","kid":"{{c.Kid}}"}"""),
            CompactJws.Encode(RandomNumberGenerator.GetBytes(256)),
            CompactJws.Encode(RandomNumberGenerator.GetBytes(12)),
            CompactJws.Segments(c.Token)[1],
            CompactJws.Encode(RandomNumberGenerator.GetBytes(16))));
        Add("Rejects_HeaderNotJson", TokenValidationError.Malformed, c => Replace(c.Token, 0, CompactJws.EncodeText("alg=ES256")));
        Add("Rejects_HeaderJsonArray", TokenValidationError.Malformed, c => Replace(c.Token, 0, CompactJws.EncodeText($$"""[{"alg":"ES256","typ":"at+jwt","kid":"{{c.Kid}}"}]""")));
        Add("Rejects_DuplicateHeaderAlg", TokenValidationError.Malformed, c => Replace(c.Token, 0, CompactJws.EncodeText($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{c.Kid}}","alg":"none"}""")));
        Add("Rejects_DuplicateHeaderKid", TokenValidationError.Malformed, c => Replace(c.Token, 0, CompactJws.EncodeText($$"""{"alg":"ES256","typ":"at+jwt","kid":"{{c.Kid}}","kid":"{{AttackerKid}}"}""")));

        // Size: above the server's token limit but under Kestrel's header limit, then far above both.
        Add("Rejects_OversizedToken_5KB", TokenValidationError.TooLarge, c => Padded(c.Token, 5 * 1024));
        Add("Rejects_OversizedToken_9KB", TokenValidationError.TooLarge, c => Padded(c.Token, 9 * 1024));
        Add("Rejects_OversizedToken_100KB", TokenValidationError.TooLarge, c => Padded(c.Token, 100 * 1024), mayBeRefusedByKestrel: true);

        // Characters outside the base64url alphabet (RFC 7515 §2), even where a lenient decoder would get the same bytes.
        Add("Rejects_StandardBase64WithPadding", TokenValidationError.Malformed, c => string.Join('.', CompactJws.Segments(c.Token).Select(s => Convert.ToBase64String(CompactJws.Decode(s)))));
        Add("Rejects_PaddedSignature", TokenValidationError.Malformed, c => c.Token + "==");
        Add("Rejects_PlusInPayload", TokenValidationError.Malformed, c => Replace(c.Token, 1, Poke(CompactJws.Segments(c.Token)[1], '+')));
        Add("Rejects_SlashInHeader", TokenValidationError.Malformed, c => Replace(c.Token, 0, Poke(CompactJws.Segments(c.Token)[0], '/')));
        Add("Rejects_SpaceInsidePayload", TokenValidationError.Malformed, c => Replace(c.Token, 1, CompactJws.Segments(c.Token)[1].Insert(10, " ")));
        Add("Rejects_PercentEncodedDot", TokenValidationError.Malformed, c => c.Token.Replace(".", "%2E", StringComparison.Ordinal));

        // Segments whose length no base64 encoding can have (4n+1 characters), in each position.
        Add("Rejects_ThreeOneCharacterSegments", TokenValidationError.Malformed, _ => "a.b.c");
        Add("Rejects_HeaderOfImpossibleBase64Length", TokenValidationError.Malformed, c => Replace(c.Token, 0, ImpossibleLength(CompactJws.Segments(c.Token)[0])));
        Add("Rejects_SignatureOfImpossibleBase64Length", TokenValidationError.Malformed, c => Replace(c.Token, 2, ImpossibleLength(CompactJws.Segments(c.Token)[2])));

        // The same signature bytes with the unused low bits of the last character set (RFC 4648 §3.5).
        Add("Rejects_SignatureWithNonZeroPadBits", TokenValidationError.Malformed, c => Replace(c.Token, 2, NonZeroPadBits(CompactJws.Segments(c.Token)[2])));

        return catalog;
    }

    private static string WithAlg(string token, string alg) => CompactJws.WithHeader(token, h => h["alg"] = alg);

    private static string Strip(string token) => token[..(token.LastIndexOf('.') + 1)];

    private static string Replace(string token, int index, string segment)
    {
        var parts = CompactJws.Segments(token);
        parts[index] = segment;
        return string.Join('.', parts);
    }

    // Overwrites the segment's sixth character, so that the segment holds at least one character outside base64url.
    private static string Poke(string segment, char character) => string.Concat(segment.AsSpan(0, 5), [character], segment.AsSpan(6));

    private static string ImpossibleLength(string segment) => segment.PadRight(segment.Length + ((5 - (segment.Length % 4)) % 4), 'A');

    private static string NonZeroPadBits(string segment)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return segment[..^1] + Alphabet[Alphabet.IndexOf(segment[^1], StringComparison.Ordinal) | 1];
    }

    private static string Padded(string token, int length) =>
        CompactJws.WithPayload(token, p => p["pad"] = new string('A', length));

    private static ECDsa PublicKey(AttackContext context) => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = context.X, Y = context.Y },
    });

    private static string Hs256(AttackContext context, byte[] secret) =>
        CompactJws.SignHs256(secret, $$"""{"alg":"HS256","typ":"at+jwt","kid":"{{context.Kid}}"}""", CompactJws.Segments(context.Token)[1]);

    private static string Attacker(AttackContext context, string kid, Action<JsonObject> addKey)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["typ"] = "at+jwt", ["kid"] = kid };
        addKey(header);
        var payload = CompactJws.Payload(context.Token);
        payload["sub"] = "attacker";
        return CompactJws.SignEs256(AttackerKey, header.ToJsonString(), CompactJws.EncodeText(payload.ToJsonString()));
    }

    private static JsonObject AttackerJwk()
    {
        var q = AttackerKey.ExportParameters(false).Q;
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["kid"] = AttackerKid,
            ["x"] = CompactJws.Encode(q.X),
            ["y"] = CompactJws.Encode(q.Y),
        };
    }

    private static byte[] AttackerCertificate()
    {
        var request = new CertificateRequest("CN=attacker", AttackerKey, HashAlgorithmName.SHA256);
        var notBefore = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore.AddYears(50));
        return certificate.RawData;
    }

    private sealed record JwtAttack(
        Func<AttackContext, string> Forge,
        TokenValidationError Expected,
        Func<AttackContext, DateTimeOffset>? At,
        bool MayBeRefusedByKestrel);
}
