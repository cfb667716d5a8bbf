using System.Text.Json.Nodes;
using Latchkey.AccessTokens;
using Latchkey.Keys;
using Latchkey.Revocation;
using Latchkey.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

/// <summary>
/// <see cref="AccessTokenValidator"/> on its own, for each signing algorithm: every
/// <see cref="TokenValidationError"/> is produced by at least one named case, and the clock-skew edges are
/// walked second by second. Tokens are signed with the ring's real key, so that the checks after the
/// signature (claims, time, revocation) are reached.
/// </summary>
public sealed class AccessTokenValidatorTests
{
    private const string Issuer = "https://login.example.test";
    private const string Audience = "https://api.example.test";
    private const string Kid = "ring-key-1";
    private const string Subject = "user-1";
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, ValidationCase> Catalog = BuildCatalog();

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var algorithm in SigningAlgorithms.All)
            {
                foreach (var name in Catalog.Keys)
                {
                    data.Add(algorithm, name);
                }
            }

            return data;
        }
    }

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

    [Fact]
    public void Catalog_ProducesEveryTokenValidationError()
    {
        // RevocationsUnavailable comes from a resource server's revocation feed, not from the validator
        // (RevocationFeedTests covers it).
        var produced = Catalog.Values.Select(c => c.Expected).Append(TokenValidationError.RevocationsUnavailable).ToHashSet();
        var missing = Enum.GetValues<TokenValidationError>().Except(produced).ToList();

        Assert.True(missing.Count == 0, "No case produces: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_NamedCase_GivesItsError(string algorithm, string name)
    {
        var harness = new Harness(algorithm);
        var @case = Catalog[name];
        var token = @case.Token(harness);
        @case.Arrange?.Invoke(harness, token);

        var result = harness.Validate(token);

        Assert.Equal(@case.Expected, result.Error);
        Assert.Equal(@case.Expected == TokenValidationError.None, result.IsValid);
        Assert.Equal(result.IsValid, result.Token is not null);
        if (result.IsValid)
        {
            Assert.Equal(Subject, result.Token!.Subject);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Validate_IssuedToken_ExposesItsClaims(string algorithm)
    {
        var harness = new Harness(algorithm);
        var issued = harness.IssueFull();

        var result = harness.Validate(issued.Token);

        Assert.True(result.IsValid, result.Error.ToString());
        var token = result.Token!;
        Assert.Equal(Issuer, token.Issuer);
        Assert.Equal(Subject, token.Subject);
        Assert.Equal("client-1", token.ClientId);
        Assert.Equal("read write", token.Scope);
        Assert.Equal(issued.JwtId, token.JwtId);
        Assert.Equal("sid-1", token.SessionId);
        Assert.Equal(3, token.Generation);
        Assert.Equal(Start, token.IssuedAt);
        Assert.Equal(Start + Lifetime, token.ExpiresAt);
        Assert.Equal(issued.ExpiresAt, token.ExpiresAt);
        var header = TestSigningKeys.Segment(issued.Token, 0);
        Assert.Equal(algorithm, header["alg"]!.GetValue<string>());
        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal(Kid, header["kid"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Validate_OneSecondBeforeExpPlusSkew_IsValid(string algorithm)
    {
        var harness = new Harness(algorithm);
        var token = harness.Issue();
        harness.Time.SetUtcNow(Start + Lifetime + Skew - OneSecond);

        Assert.Equal(TokenValidationError.None, harness.Validate(token).Error);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Validate_AtExpPlusSkew_IsExpired(string algorithm)
    {
        var harness = new Harness(algorithm);
        var token = harness.Issue();
        harness.Time.SetUtcNow(Start + Lifetime + Skew);

        Assert.Equal(TokenValidationError.Expired, harness.Validate(token).Error);
    }

    [Fact]
    public void Validate_WithZeroSkew_ExpiresExactlyAtExp()
    {
        var harness = new Harness(SigningAlgorithms.ES256, TimeSpan.Zero);
        var token = harness.Issue();

        harness.Time.SetUtcNow(Start + Lifetime - OneSecond);
        Assert.Equal(TokenValidationError.None, harness.Validate(token).Error);
        harness.Time.SetUtcNow(Start + Lifetime);
        Assert.Equal(TokenValidationError.Expired, harness.Validate(token).Error);
    }

    [Fact]
    public void Validate_WithFiveMinuteSkew_AcceptsThreeMinutesAfterExp()
    {
        var harness = new Harness(SigningAlgorithms.ES256, TimeSpan.FromMinutes(5));
        var token = harness.Issue();

        harness.Time.SetUtcNow(Start + Lifetime + TimeSpan.FromMinutes(3));

        Assert.Equal(TokenValidationError.None, harness.Validate(token).Error);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Validate_IssuedAtSkewAheadOfClock_IsValid(string algorithm)
    {
        // A token from a node whose clock runs exactly the skew ahead is still accepted...
        var harness = new Harness(algorithm);
        var token = harness.Signed(payload: p =>
        {
            p["iat"] = Unix(Start + Skew);
            p["nbf"] = Unix(Start + Skew);
            p["exp"] = Unix(Start + Skew + Lifetime);
        });

        Assert.Equal(TokenValidationError.None, harness.Validate(token).Error);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Validate_IssuedAtSkewPlusOneSecondAheadOfClock_IsNotYetValid(string algorithm)
    {
        // ...one second more is not.
        var harness = new Harness(algorithm);
        var token = harness.Signed(payload: p =>
        {
            p["iat"] = Unix(Start + Skew + OneSecond);
            p["nbf"] = Unix(Start + Skew + OneSecond);
            p["exp"] = Unix(Start + Skew + OneSecond + Lifetime);
        });

        Assert.Equal(TokenValidationError.NotYetValid, harness.Validate(token).Error);
    }

    [Fact]
    public void Validate_ClockMovedBackBeforeIatMinusSkew_IsNotYetValid()
    {
        var harness = new Harness(SigningAlgorithms.ES256);
        var token = harness.Issue();

        harness.Time.AdjustTime(Start - Skew);
        Assert.Equal(TokenValidationError.None, harness.Validate(token).Error);
        harness.Time.AdjustTime(Start - Skew - OneSecond);
        Assert.Equal(TokenValidationError.NotYetValid, harness.Validate(token).Error);
    }

    [Fact]
    public void Validate_TokenOfExactlyMaxLength_IsNotRefusedForSize()
    {
        var harness = new Harness(SigningAlgorithms.ES256);
        var token = harness.Issue();
        var parameters = new AccessTokenValidationParameters(Issuer, Audience, Skew, MaxTokenLength: token.Length);

        Assert.Equal(TokenValidationError.None, harness.Validator.Validate(token, parameters).Error);
        Assert.Equal(TokenValidationError.TooLarge, harness.Validator.Validate(token, parameters with { MaxTokenLength = token.Length - 1 }).Error);
    }

    [Fact]
    public void Validate_Null_IsMalformed()
    {
        var harness = new Harness(SigningAlgorithms.ES256);

        Assert.Equal(TokenValidationError.Malformed, harness.Validate(null).Error);
    }

    // Each claim the validator reads, by its flag: a new flag without a row here fails the test below.
    private static readonly Dictionary<JwtClaims, string> ClaimNames = new()
    {
        [JwtClaims.Issuer] = AccessTokenClaimNames.Issuer,
        [JwtClaims.Subject] = AccessTokenClaimNames.Subject,
        [JwtClaims.JwtId] = AccessTokenClaimNames.JwtId,
        [JwtClaims.ClientId] = AccessTokenClaimNames.ClientId,
        [JwtClaims.Scope] = AccessTokenClaimNames.Scope,
        [JwtClaims.SessionId] = AccessTokenClaimNames.SessionId,
        [JwtClaims.ExpiresAt] = AccessTokenClaimNames.ExpiresAt,
        [JwtClaims.NotBefore] = AccessTokenClaimNames.NotBefore,
        [JwtClaims.IssuedAt] = AccessTokenClaimNames.IssuedAt,
        [JwtClaims.Audience] = AccessTokenClaimNames.Audience,
        [JwtClaims.Generation] = AccessTokenClaimNames.Generation,
        [JwtClaims.AuthTime] = AccessTokenClaimNames.AuthTime,
        [JwtClaims.Acr] = AccessTokenClaimNames.Acr,
        [JwtClaims.Amr] = AccessTokenClaimNames.Amr,
    };

    public static TheoryData<string, string, string> NumericDateCases => new()
    {
        // claim, raw JSON value, expected error name
        { "exp", "\"1893499800\"", nameof(TokenValidationError.MissingClaim) },
        { "exp", "true", nameof(TokenValidationError.MissingClaim) },
        { "exp", "[1893499800]", nameof(TokenValidationError.MissingClaim) },
        { "exp", "1e400", nameof(TokenValidationError.Malformed) },
        { "exp", "253402300800", nameof(TokenValidationError.Malformed) },
        { "exp", "1893499800.75", nameof(TokenValidationError.None) },
        { "exp", "1.8934998E9", nameof(TokenValidationError.None) },
        { "exp", "-1", nameof(TokenValidationError.Expired) },
        { "iat", "-62135596801", nameof(TokenValidationError.Malformed) },
        { "iat", "1893499200.5", nameof(TokenValidationError.None) },
        { "iat", "-1", nameof(TokenValidationError.None) },
        { "iat", "\"now\"", nameof(TokenValidationError.MissingClaim) },
        { "nbf", "1e300", nameof(TokenValidationError.Malformed) },
        { "nbf", "\"later\"", nameof(TokenValidationError.None) },
        { "nbf", "1893499230.5", nameof(TokenValidationError.NotYetValid) },
        { "nbf", "1893499230", nameof(TokenValidationError.None) },
    };

    public static TheoryData<string, string, string> GenerationCases => new()
    {
        { "Zero", "0", nameof(TokenValidationError.None) },
        { "Positive", "3", nameof(TokenValidationError.None) },
        { "Negative", "-1", nameof(TokenValidationError.MissingClaim) },
        { "Fractional", "1.5", nameof(TokenValidationError.MissingClaim) },
        { "BeyondInt64", "1e30", nameof(TokenValidationError.MissingClaim) },
        { "String", "\"3\"", nameof(TokenValidationError.MissingClaim) },
    };

    [Fact]
    public void ClaimFlags_EachSingleFlagHasAClaimName_AndRequiredIsTheRfc9068Set()
    {
        var single = Enum.GetValues<JwtClaims>().Where(f => f != JwtClaims.None && (f & (f - 1)) == 0).ToList();

        Assert.Equal(single.Order(), ClaimNames.Keys.Order());
        Assert.Equal(
            JwtClaims.Issuer | JwtClaims.Subject | JwtClaims.Audience | JwtClaims.ExpiresAt | JwtClaims.IssuedAt | JwtClaims.JwtId | JwtClaims.ClientId,
            JwtClaims.Required);
    }

    [Fact]
    public void Validate_WithoutOneClaim_IsMissingClaimExactlyWhenTheClaimIsRequired()
    {
        var harness = new Harness(SigningAlgorithms.ES256);
        foreach (var (flag, name) in ClaimNames)
        {
            var result = harness.Validate(harness.Signed(payload: p => p.Remove(name)));

            var expected = JwtClaims.Required.HasFlag(flag) ? TokenValidationError.MissingClaim : TokenValidationError.None;
            Assert.True(expected == result.Error, $"Without {name}: {result.Error}, expected {expected}.");
        }
    }

    [Theory]
    [MemberData(nameof(NumericDateCases))]
    public void Validate_NumericDateEdgeCase_GivesItsError(string claim, string json, string expected)
    {
        // The clock stands at Start (1893499200); the skew is 30 seconds.
        var harness = new Harness(SigningAlgorithms.ES256);
        var payload = harness.PayloadJson(p => p.Remove(claim))[..^1] + $",\"{claim}\":{json}}}";

        var result = harness.Validate(harness.SignedRaw(harness.HeaderJson(), payload));

        Assert.Equal(expected, result.Error.ToString());
    }

    [Fact]
    public void Validate_FractionalExp_KeepsWholeSecondsInTheToken()
    {
        var harness = new Harness(SigningAlgorithms.ES256);
        var payload = harness.PayloadJson(p => p.Remove("exp"))[..^1] + ",\"exp\":1893499800.75}";

        var result = harness.Validate(harness.SignedRaw(harness.HeaderJson(), payload));

        Assert.True(result.IsValid, result.Error.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1893499800), result.Token!.ExpiresAt);
    }

    [Theory]
    [MemberData(nameof(GenerationCases))]
    public void Validate_GenerationEdgeCase_GivesItsError(string name, string json, string expected)
    {
        _ = name;
        var harness = new Harness(SigningAlgorithms.ES256);
        var payload = harness.PayloadJson(p => p.Remove("lk_gen"))[..^1] + $",\"lk_gen\":{json}}}";

        var result = harness.Validate(harness.SignedRaw(harness.HeaderJson(), payload));

        Assert.Equal(expected, result.Error.ToString());
    }

    private static Dictionary<string, ValidationCase> BuildCatalog()
    {
        var catalog = new Dictionary<string, ValidationCase>(StringComparer.Ordinal);
        void Add(string name, TokenValidationError expected, Func<Harness, string> token, Action<Harness, string>? arrange = null) =>
            catalog.Add(name, new ValidationCase(token, expected, arrange));

        // Valid.
        Add("Valid_IssuedToken", TokenValidationError.None, h => h.Issue());
        Add("Valid_SignedByTestHelper", TokenValidationError.None, h => h.Signed());
        Add("Valid_AudienceArrayContainingAudience", TokenValidationError.None, h => h.Signed(payload: p => p["aud"] = new JsonArray("https://other.example.test", Audience)));
        Add("Valid_TypWithApplicationPrefix", TokenValidationError.None, h => h.Signed(header: j => j["typ"] = "application/at+jwt"));
        Add("Valid_TypInOtherCase", TokenValidationError.None, h => h.Signed(header: j => j["typ"] = "AT+JWT"));
        Add("Valid_UnknownClaimsAndHeaderMembers", TokenValidationError.None, h => h.Signed(
            header: j => j["x-note"] = new JsonObject { ["nested"] = new JsonArray(1, 2) },
            payload: p => p["roles"] = new JsonArray("a", "b")));
        Add("Valid_WithoutNbf", TokenValidationError.None, h => h.Signed(payload: p => p.Remove("nbf")));
        Add("Valid_WithoutScope", TokenValidationError.None, h => h.Signed(payload: p => p.Remove("scope")));

        // Malformed: not three base64url segments of JSON objects.
        Add("Rejects_Empty", TokenValidationError.Malformed, _ => string.Empty);
        Add("Rejects_TwoSegments", TokenValidationError.Malformed, h => Cut(h.Issue()));
        Add("Rejects_StrippedSignature", TokenValidationError.Malformed, h => Cut(h.Issue()) + ".");
        Add("Rejects_LeadingDot", TokenValidationError.Malformed, h => "." + h.Issue());
        Add("Rejects_FourSegments", TokenValidationError.Malformed, h => h.Issue() + ".e30");
        Add("Rejects_JweFiveSegments", TokenValidationError.Malformed, h => h.Issue() + ".e30.e30");
        Add("Rejects_Base64Padding", TokenValidationError.Malformed, h => h.Issue() + "=");
        Add("Rejects_PlusAndSlash", TokenValidationError.Malformed, h => h.Issue().Replace('-', '+').Replace('_', '/') + "+/");
        Add("Rejects_InnerSpace", TokenValidationError.Malformed, h => h.Issue().Insert(5, " "));
        Add("Rejects_ImpossibleBase64Length", TokenValidationError.Malformed, h => Cut(h.Issue()) + ".A");
        Add("Rejects_HeaderOfImpossibleBase64Length", TokenValidationError.Malformed, _ => "a.b.c");
        Add("Rejects_SignatureWithNonZeroPadBits", TokenValidationError.Malformed, h => Swap(h.Issue(), 2, NonZeroPadBits(Segment(h.Issue(), 2))));
        Add("Rejects_HeaderNotJson", TokenValidationError.Malformed, h => h.SignedRaw("not json", h.PayloadJson()));
        Add("Rejects_HeaderJsonArray", TokenValidationError.Malformed, h => h.SignedRaw($$"""[{{h.HeaderJson()}}]""", h.PayloadJson()));
        Add("Rejects_HeaderTrailingData", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson() + "{}", h.PayloadJson()));
        Add("Rejects_HeaderDuplicateAlg", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson()[..^1] + $$""","alg":"{{h.Algorithm}}"}""", h.PayloadJson()));
        Add("Rejects_HeaderDuplicateKid", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson()[..^1] + $$""","kid":"{{Kid}}"}""", h.PayloadJson()));
        Add("Rejects_HeaderMissingAlg", TokenValidationError.Malformed, h => h.Signed(header: j => j.Remove("alg")));
        Add("Rejects_HeaderMissingKid", TokenValidationError.Malformed, h => h.Signed(header: j => j.Remove("kid")));
        Add("Rejects_HeaderAlgNotString", TokenValidationError.Malformed, h => h.Signed(header: j => j["alg"] = new JsonArray(h.Algorithm)));
        Add("Rejects_PayloadNotJson", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), "not json"));
        Add("Rejects_PayloadJsonString", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), "\"a string\""));
        Add("Rejects_PayloadTruncatedJson", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), h.PayloadJson()[..^1]));
        Add("Rejects_PayloadTrailingData", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), h.PayloadJson() + " {}"));
        Add("Rejects_PayloadDuplicateSub", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), h.PayloadJson()[..^1] + ""","sub":"admin"}"""));
        Add("Rejects_PayloadDuplicateExp", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), h.PayloadJson()[..^1] + $$""","exp":{{Unix(Start + TimeSpan.FromDays(365))}}}"""));
        Add("Rejects_PayloadDuplicateAud", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), h.PayloadJson()[..^1] + ""","aud":"https://other.example.test"}"""));
        Add("Rejects_AudienceArrayWithNumber", TokenValidationError.Malformed, h => h.Signed(payload: p => p["aud"] = new JsonArray(Audience, 1)));
        Add("Rejects_DeeplyNestedClaim", TokenValidationError.Malformed, h => h.SignedRaw(h.HeaderJson(), h.PayloadJson()[..^1] + ""","x":""" + new string('[', 64) + new string(']', 64) + "}"));

        // Size.
        Add("Rejects_LongerThanMaxTokenLength", TokenValidationError.TooLarge, h => h.Signed(payload: p => p["pad"] = new string('a', 9000)));

        // Header members refused by RFC 8725 §3.10 / RFC 7515 §4.1.11 even when the signature is genuine.
        Add("Rejects_EmbeddedJwk", TokenValidationError.ForbiddenHeader, h => h.Signed(header: j => j["jwk"] = TestSigningKeys.PublishedJwk(h.Key, Kid)));
        Add("Rejects_Jku", TokenValidationError.ForbiddenHeader, h => h.Signed(header: j => j["jku"] = "http://127.0.0.1:1/jwks.json"));
        Add("Rejects_X5u", TokenValidationError.ForbiddenHeader, h => h.Signed(header: j => j["x5u"] = "http://127.0.0.1:1/cert.pem"));
        Add("Rejects_X5c", TokenValidationError.ForbiddenHeader, h => h.Signed(header: j => j["x5c"] = new JsonArray("MIIB")));
        Add("Rejects_Crit", TokenValidationError.ForbiddenHeader, h => h.Signed(header: j =>
        {
            j["crit"] = new JsonArray("urn:example:unknown");
            j["urn:example:unknown"] = 1;
        }));
        Add("Rejects_B64", TokenValidationError.ForbiddenHeader, h => h.Signed(header: j => j["b64"] = true));

        // typ (RFC 9068 §2.1).
        Add("Rejects_TypJwt", TokenValidationError.WrongType, h => h.Signed(header: j => j["typ"] = "JWT"));
        Add("Rejects_TypMissing", TokenValidationError.WrongType, h => h.Signed(header: j => j.Remove("typ")));
        Add("Rejects_TypWithSuffix", TokenValidationError.WrongType, h => h.Signed(header: j => j["typ"] = "at+jwt; charset=utf-8"));
        Add("Rejects_TypNotString", TokenValidationError.WrongType, h => h.Signed(header: j => j["typ"] = 1));

        // Keys.
        Add("Rejects_UnknownKid", TokenValidationError.UnknownKey, h => h.Signed(header: j => j["kid"] = "no-such-key"));
        Add("Rejects_KidInOtherCase", TokenValidationError.UnknownKey, h => h.Signed(header: j => j["kid"] = Kid.ToUpperInvariant()));

        // The algorithm belongs to the key; whatever else the header says is refused.
        foreach (var alg in new[] { "none", "None", "NONE", "HS256", "HS384", "HS512", "ES384", "ES512", "RS384", "RS512", "PS384", "PS512", "Ed25519" })
        {
            Add($"Rejects_Alg_{alg}", TokenValidationError.AlgorithmMismatch, h => h.Signed(header: j => j["alg"] = alg));
        }

        Add("Rejects_AlgOfAnotherSupportedAlgorithm", TokenValidationError.AlgorithmMismatch, h => h.Signed(header: j => j["alg"] = OtherAlgorithm(h.Algorithm)));
        Add("Rejects_AlgInLowercase", TokenValidationError.AlgorithmMismatch, h => h.Signed(header: j => j["alg"] = h.Algorithm.ToLowerInvariant()));

        // Signatures.
        Add("Rejects_TamperedPayload", TokenValidationError.BadSignature, h => Swap(h.Issue(), 1, TestSigningKeys.Encode(h.PayloadJson(p => p["sub"] = "admin"))));
        Add("Rejects_TamperedHeaderMember", TokenValidationError.BadSignature, h => Swap(h.Issue(), 0, TestSigningKeys.Encode(h.HeaderJson(j => j["x-note"] = "added"))));
        Add("Rejects_SignedByOtherKeySameKid", TokenValidationError.BadSignature, h => TestSigningKeys.Sign(TestSigningKeys.OtherFor(h.Algorithm), h.HeaderJson(), h.PayloadJson()));
        Add("Rejects_SignatureAllZeros", TokenValidationError.BadSignature, h => Swap(h.Issue(), 2, Base64Url(new byte[h.Key.SignatureSize])));
        Add("Rejects_SignatureOneByteShort", TokenValidationError.BadSignature, h => Swap(h.Issue(), 2, Base64Url(Decode(Segment(h.Issue(), 2))[..^1])));
        Add("Rejects_SignatureOneByteLong", TokenValidationError.BadSignature, h => Swap(h.Issue(), 2, Base64Url([.. Decode(Segment(h.Issue(), 2)), 0])));
        Add("Rejects_SignatureBitFlipped", TokenValidationError.BadSignature, h =>
        {
            var signature = Decode(Segment(h.Issue(), 2));
            signature[^1] ^= 1;
            return Swap(h.Issue(), 2, Base64Url(signature));
        });

        // Claims: present and of the right JSON type.
        foreach (var claim in new[] { "iss", "sub", "aud", "exp", "iat", "jti", "client_id" })
        {
            Add($"Rejects_Missing_{claim}", TokenValidationError.MissingClaim, h => h.Signed(payload: p => p.Remove(claim)));
        }

        Add("Rejects_ExpAsString", TokenValidationError.MissingClaim, h => h.Signed(payload: p => p["exp"] = Unix(Start + Lifetime).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Add("Rejects_IatAsString", TokenValidationError.MissingClaim, h => h.Signed(payload: p => p["iat"] = "now"));
        Add("Rejects_SubAsNumber", TokenValidationError.MissingClaim, h => h.Signed(payload: p => p["sub"] = 1));
        Add("Rejects_IssAsNull", TokenValidationError.MissingClaim, h => h.Signed(payload: p => p["iss"] = null));
        Add("Rejects_NegativeGeneration", TokenValidationError.MissingClaim, h => h.Signed(payload: p => p["lk_gen"] = -1));

        // Issuer: exact, ordinal.
        Add("Rejects_OtherIssuer", TokenValidationError.WrongIssuer, h => h.Signed(payload: p => p["iss"] = "https://evil.example.test"));
        Add("Rejects_IssuerWithTrailingSlash", TokenValidationError.WrongIssuer, h => h.Signed(payload: p => p["iss"] = Issuer + "/"));
        Add("Rejects_IssuerInOtherCase", TokenValidationError.WrongIssuer, h => h.Signed(payload: p => p["iss"] = Issuer.ToUpperInvariant()));

        // Audience: a string, or an array that contains ours.
        Add("Rejects_OtherAudience", TokenValidationError.WrongAudience, h => h.Signed(payload: p => p["aud"] = "https://other.example.test"));
        Add("Rejects_AudienceArrayWithoutAudience", TokenValidationError.WrongAudience, h => h.Signed(payload: p => p["aud"] = new JsonArray("https://a.example.test", "https://b.example.test")));
        Add("Rejects_AudienceEmptyArray", TokenValidationError.WrongAudience, h => h.Signed(payload: p => p["aud"] = new JsonArray()));
        Add("Rejects_AudienceAsNumber", TokenValidationError.WrongAudience, h => h.Signed(payload: p => p["aud"] = 1));
        Add("Rejects_AudiencePrefix", TokenValidationError.WrongAudience, h => h.Signed(payload: p => p["aud"] = Audience[..^1]));

        // Time.
        Add("Rejects_ExpiredBeyondSkew", TokenValidationError.Expired, h => h.Issue(), (h, _) => h.Time.SetUtcNow(Start + Lifetime + Skew));
        Add("Rejects_ExpInThePast", TokenValidationError.Expired, h => h.Signed(payload: p => p["exp"] = Unix(Start - Skew)));
        Add("Rejects_IatInTheFuture", TokenValidationError.NotYetValid, h => h.Signed(payload: p => p["iat"] = Unix(Start + Skew + OneSecond)));
        Add("Rejects_NbfInTheFuture", TokenValidationError.NotYetValid, h => h.Signed(payload: p => p["nbf"] = Unix(Start + Skew + OneSecond)));
        Add("Rejects_ClockBeforeIatMinusSkew", TokenValidationError.NotYetValid, h => h.Issue(), (h, _) => h.Time.AdjustTime(Start - Skew - OneSecond));

        // Revocation, checked after everything else.
        Add("Rejects_RevokedJti", TokenValidationError.Revoked, h => h.Issue(), (h, token) =>
            h.Revocations.Apply(new RevocationEntry(RevocationKind.AccessToken, TestSigningKeys.Segment(token, 1)["jti"]!.GetValue<string>(), 0, Start + Lifetime)));
        Add("Rejects_RevokedSession", TokenValidationError.Revoked, h => h.Issue(), (h, _) =>
            h.Revocations.Apply(new RevocationEntry(RevocationKind.Session, "sid-1", 0, Start + Lifetime)));
        Add("Rejects_OlderGeneration", TokenValidationError.Revoked, h => h.Issue(), (h, _) =>
            h.Revocations.Apply(new RevocationEntry(RevocationKind.UserGeneration, Subject, 4, Start + Lifetime)));

        return catalog;
    }

    private static long Unix(DateTimeOffset value) => value.ToUnixTimeSeconds();

    private static string OtherAlgorithm(string algorithm) => SigningAlgorithms.All.First(a => a != algorithm);

    private static string Cut(string token) => token[..token.LastIndexOf('.')];

    private static string Segment(string token, int index) => token.Split('.')[index];

    private static string Swap(string token, int index, string segment)
    {
        var parts = token.Split('.');
        parts[index] = segment;
        return string.Join('.', parts);
    }

    // Every signature length here leaves unused low bits in the last character; a canonical encoder writes them as zero.
    private static string NonZeroPadBits(string segment)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Assert.NotEqual(0, segment.Length % 4);
        return segment[..^1] + Alphabet[Alphabet.IndexOf(segment[^1], StringComparison.Ordinal) | 1];
    }

    private static byte[] Decode(string segment) => System.Buffers.Text.Base64Url.DecodeFromChars(segment);

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private sealed record ValidationCase(Func<Harness, string> Token, TokenValidationError Expected, Action<Harness, string>? Arrange);

    /// <summary>A ring holding one key of the algorithm, an issuer, and a validator, all on one fake clock.</summary>
    private sealed class Harness
    {
        private readonly AccessTokenIssuer _issuer;
        private readonly AccessTokenValidationParameters _parameters;

        public Harness(string algorithm, TimeSpan? skew = null)
        {
            Algorithm = algorithm;
            Key = TestSigningKeys.For(algorithm);
            var ring = new SigningKeyRing();
            ring.Replace([new RingKey(Kid, 1, Start - TimeSpan.FromDays(1), Key)]);
            _issuer = new AccessTokenIssuer(ring, Time);
            Validator = new AccessTokenValidator(ring, Revocations, Time);
            _parameters = new AccessTokenValidationParameters(Issuer, Audience, skew ?? Skew);
        }

        public string Algorithm { get; }

        public SigningKeyMaterial Key { get; }

        public FakeTimeProvider Time { get; } = new(Start);

        public RevocationList Revocations { get; } = new();

        public AccessTokenValidator Validator { get; }

        public IssuedAccessToken IssueFull() =>
            _issuer.Issue(new AccessTokenClaims(Subject, "client-1", "read write", "sid-1", 3), Issuer, Audience, Lifetime);

        public string Issue() => IssueFull().Token;

        public AccessTokenValidationResult Validate(string? token) => Validator.Validate(token, _parameters);

        public string HeaderJson(Action<JsonObject>? edit = null)
        {
            var header = new JsonObject { ["alg"] = Algorithm, ["typ"] = "at+jwt", ["kid"] = Kid };
            edit?.Invoke(header);
            return header.ToJsonString();
        }

        public string PayloadJson(Action<JsonObject>? edit = null)
        {
            var payload = new JsonObject
            {
                ["iss"] = Issuer,
                ["sub"] = Subject,
                ["aud"] = Audience,
                ["exp"] = Unix(Start + Lifetime),
                ["iat"] = Unix(Start),
                ["nbf"] = Unix(Start),
                ["jti"] = "jti-1",
                ["client_id"] = "client-1",
                ["scope"] = "read",
                ["sid"] = "sid-1",
                ["lk_gen"] = 3,
                ["auth_time"] = Unix(Start),
                ["acr"] = "2",
                ["amr"] = new JsonArray("pwd", "otp", "mfa"),
            };
            edit?.Invoke(payload);
            return payload.ToJsonString();
        }

        public string Signed(Action<JsonObject>? header = null, Action<JsonObject>? payload = null) =>
            TestSigningKeys.Sign(Key, HeaderJson(header), PayloadJson(payload));

        public string SignedRaw(string headerJson, string payloadJson) => TestSigningKeys.Sign(Key, headerJson, payloadJson);
    }
}
