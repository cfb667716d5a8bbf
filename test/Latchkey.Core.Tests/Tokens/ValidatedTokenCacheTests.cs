using System.Buffers.Text;
using System.Text;
using Latchkey.AccessTokens;
using Latchkey.Keys;
using Latchkey.Revocation;
using Latchkey.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

/// <summary>
/// <see cref="AccessTokenValidator"/> with its validated-token cache: a token presented again is served from
/// memory, yet its expiry, its revocation and its signing key are judged on every hit, the cache never holds
/// more than its size, and only the exact token text of a validated token ever matches.
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private const string Issuer = "https://login.example.test";
    private const string Audience = "https://api.example.test";
    private const string Kid = "ring-key-1";
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public static TheoryData<RevocationKind> RevocationKinds => new(RevocationKind.AccessToken, RevocationKind.Session, RevocationKind.UserGeneration);

    [Fact]
    public void Validate_SameTokenTwice_ReturnsTheSameValidatedToken()
    {
        var harness = new Harness();
        var token = harness.Issue();

        var first = harness.Validate(token);
        var second = harness.Validate(token);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Same(first.Token, second.Token);
        Assert.Equal(1, harness.Validator.CachedTokenCount);
    }

    [Fact]
    public void Validate_WithoutCache_ValidatesAgainEachTime()
    {
        var harness = new Harness(cacheSize: 0);
        var token = harness.Issue();

        var first = harness.Validate(token);
        var second = harness.Validate(token);

        Assert.True(second.IsValid);
        Assert.NotSame(first.Token, second.Token);
        Assert.Equal(0, harness.Validator.CachedTokenCount);
    }

    [Fact]
    public void Validate_CachedTokenAtExpiryPlusSkew_IsRefusedAsExpired()
    {
        var harness = new Harness();
        var token = harness.Issue();
        Assert.True(harness.Validate(token).IsValid);

        harness.Time.SetUtcNow(Start + Lifetime + Skew - TimeSpan.FromSeconds(1));
        Assert.True(harness.Validate(token).IsValid);

        harness.Time.SetUtcNow(Start + Lifetime + Skew);
        Assert.Equal(TokenValidationError.Expired, harness.Validate(token).Error);
        Assert.Equal(0, harness.Validator.CachedTokenCount);
    }

    [Theory]
    [MemberData(nameof(RevocationKinds))]
    public void Validate_CachedTokenRevokedAfterwards_IsRefusedAtOnce(RevocationKind kind)
    {
        var harness = new Harness();
        var issued = harness.IssueFull();
        var cached = harness.Validate(issued.Token);
        Assert.True(cached.IsValid);
        Assert.True(harness.Validate(issued.Token).IsValid);

        var access = cached.Token!;
        harness.Revocations.Apply(kind switch
        {
            RevocationKind.AccessToken => new RevocationEntry(kind, access.JwtId, 0, access.ExpiresAt),
            RevocationKind.Session => new RevocationEntry(kind, access.SessionId!, 0, access.ExpiresAt),
            _ => new RevocationEntry(kind, access.Subject, access.Generation + 1, access.ExpiresAt),
        });

        Assert.Equal(TokenValidationError.Revoked, harness.Validate(issued.Token).Error);
        Assert.Equal(TokenValidationError.Revoked, harness.Validate(issued.Token).Error);
    }

    [Fact]
    public void Validate_CachedTokenWhoseKeyIsNoLongerPublished_IsRefused()
    {
        var harness = new Harness();
        var token = harness.Issue();
        Assert.True(harness.Validate(token).IsValid);

        harness.Ring.Replace([new RingKey("ring-key-2", 2, Start, TestSigningKeys.OtherFor(SigningAlgorithms.ES256))]);

        Assert.Equal(TokenValidationError.UnknownKey, harness.Validate(token).Error);
    }

    [Fact]
    public void Validate_CachedTokenWhoseKidNowNamesAnotherKey_IsCheckedAgainstThatKey()
    {
        var harness = new Harness();
        var token = harness.Issue();
        Assert.True(harness.Validate(token).IsValid);

        harness.Ring.Replace([new RingKey(Kid, 2, Start, TestSigningKeys.OtherFor(SigningAlgorithms.ES256))]);

        Assert.Equal(TokenValidationError.BadSignature, harness.Validate(token).Error);
    }

    [Fact]
    public void Validate_CachedTokenUnderOtherRules_IsJudgedByThoseRules()
    {
        var harness = new Harness();
        var token = harness.Issue();
        Assert.True(harness.Validate(token).IsValid);

        var otherAudience = new AccessTokenValidationParameters(Issuer, "https://other.example.test", Skew);

        Assert.Equal(TokenValidationError.WrongAudience, harness.Validator.Validate(token, otherAudience).Error);
        Assert.True(harness.Validate(token).IsValid);
    }

    [Fact]
    public void Validate_ForgedTokenWithSamePrefix_NeverHits()
    {
        var harness = new Harness();
        var token = harness.Issue();
        Assert.True(harness.Validate(token).IsValid);
        var dot = token.LastIndexOf('.');
        var signature = token[(dot + 1)..];

        // Same header and payload, another signature: by another key, and the genuine one with its first character changed.
        var other = TestSigningKeys.OtherFor(SigningAlgorithms.ES256);
        var otherSignature = new byte[other.SignatureSize];
        other.Sign(Encoding.ASCII.GetBytes(token[..dot]), otherSignature);
        var byOtherKey = token[..(dot + 1)] + Base64Url.EncodeToString(otherSignature);
        var flipped = token[..(dot + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];

        // The genuine signature (so the same cache slot) under another payload.
        var payload = TestSigningKeys.Segment(token, 1);
        payload["sub"] = "user-2";
        var sameSlot = token[..token.IndexOf('.', StringComparison.Ordinal)] + "." + TestSigningKeys.Encode(payload.ToJsonString()) + "." + signature;

        Assert.Equal(TokenValidationError.BadSignature, harness.Validate(byOtherKey).Error);
        Assert.Equal(TokenValidationError.BadSignature, harness.Validate(flipped).Error);
        Assert.Equal(TokenValidationError.BadSignature, harness.Validate(sameSlot).Error);
        Assert.Equal(1, harness.Validator.CachedTokenCount);
        Assert.True(harness.Validate(token).IsValid);
    }

    [Fact]
    public void Validate_ManyDistinctTokens_KeepsTheBound()
    {
        const int Size = 16;
        var harness = new Harness(cacheSize: Size);
        var tokens = Enumerable.Range(0, Size * 20).Select(_ => harness.Issue()).ToList();

        foreach (var token in tokens)
        {
            Assert.True(harness.Validate(token).IsValid);
            Assert.InRange(harness.Validator.CachedTokenCount, 1, Size);
        }

        // Every token, evicted or not, still validates: eviction costs time, never correctness.
        Assert.All(tokens, token => Assert.True(harness.Validate(token).IsValid));
        Assert.InRange(harness.Validator.CachedTokenCount, 1, Size);
    }

    /// <summary>An ES256 ring, an issuer and a caching validator on one fake clock.</summary>
    private sealed class Harness
    {
        private readonly AccessTokenIssuer _issuer;
        private readonly AccessTokenValidationParameters _parameters = new(Issuer, Audience, Skew);

        public Harness(int cacheSize = 100)
        {
            Ring.Replace([new RingKey(Kid, 1, Start - TimeSpan.FromDays(1), TestSigningKeys.For(SigningAlgorithms.ES256))]);
            _issuer = new AccessTokenIssuer(Ring, Time);
            Validator = new AccessTokenValidator(Ring, Revocations, Time, cacheSize);
        }

        public SigningKeyRing Ring { get; } = new();

        public FakeTimeProvider Time { get; } = new(Start);

        public RevocationList Revocations { get; } = new();

        public AccessTokenValidator Validator { get; }

        public IssuedAccessToken IssueFull() =>
            _issuer.Issue(new AccessTokenClaims("user-1", "client-1", "read", "sid-1", 3), Issuer, Audience, Lifetime);

        public string Issue() => IssueFull().Token;

        public AccessTokenValidationResult Validate(string token) => Validator.Validate(token, _parameters);
    }
}
