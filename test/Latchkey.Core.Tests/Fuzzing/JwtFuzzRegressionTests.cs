using System.Globalization;
using System.Text;
using System.Text.Json;
using Latchkey.Keys;
using Latchkey.Tokens;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests;

/// <summary>
/// Inputs from the <c>jwt</c> fuzz target (fuzz/regressions/jwt) that once threw instead of giving a
/// result, replayed through the public APIs they reached. See docs/fuzzing.md.
/// </summary>
public sealed class JwtFuzzRegressionTests
{
    private const string Issuer = "https://login.example.test";
    private const string Audience = "https://api.example.test";
    private const string Kid = "ring-key-1";
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, byte[]> MalformedJwks => new()
    {
        // Found by AFL++: raw bytes that are not UTF-8 inside a string value (JsonDocument.Parse lets them through).
        { "InvalidUtf8InValue", [.. "{\"kty\":\"RTA"u8, 0x82, 0x82, 0x82, .. "56\",\"n\":\"\",\"e\":\"AQAB\"}"u8] },
        // Found by AFL++: a member name escaping a lone high surrogate.
        { "LoneSurrogateInMemberName", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"\\ud800x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"alg\":\"EdDSA\"}"u8.ToArray() },
        { "LoneSurrogateInValue", "{\"kty\":\"EC\",\"crv\":\"P-256\\udfff\",\"x\":\"AA\",\"y\":\"AA\"}"u8.ToArray() },
        { "LoneSurrogateInUse", "{\"kty\":\"EC\",\"use\":\"sig\\ud800\"}"u8.ToArray() },
    };

    public static TheoryData<string, string> TimesOutsideDateTimeOffset => new()
    {
        // Found while writing the jwt target: signed tokens whose times DateTimeOffset cannot hold.
        { "exp", "1e300" },
        { "exp", "253402300800" },
        { "iat", "-1e300" },
        { "iat", "-62135596801" },
        { "nbf", "-1e300" },
    };

    [Theory]
    [MemberData(nameof(MalformedJwks))]
    public void TryFromJwk_TextJsonCannotDecode_ReturnsFalse(string name, byte[] json)
    {
        _ = name;
        using var document = JsonDocument.Parse(json);

        Assert.False(JwsVerificationKey.TryFromJwk(document.RootElement, out var key));
        Assert.Null(key);
    }

    [Theory]
    [MemberData(nameof(TimesOutsideDateTimeOffset))]
    public void Validate_SignedTimeClaimOutsideYears1To9999_IsMalformed(string claim, string value)
    {
        var key = TestSigningKeys.For(SigningAlgorithms.ES256);
        var ring = new SigningKeyRing();
        ring.Replace([new RingKey(Kid, 1, Start.AddDays(-1), key)]);
        var validator = new AccessTokenValidator(ring, null, new FakeTimeProvider(Start));
        var now = Start.ToUnixTimeSeconds();
        var times = new Dictionary<string, string>
        {
            ["exp"] = (now + 600).ToString(CultureInfo.InvariantCulture),
            ["iat"] = (now - 60).ToString(CultureInfo.InvariantCulture),
            ["nbf"] = (now - 60).ToString(CultureInfo.InvariantCulture),
        };
        times[claim] = value;
        var payload = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{{\"iss\":\"{Issuer}\",\"sub\":\"user-1\",\"aud\":\"{Audience}\",\"jti\":\"jti-1\",\"client_id\":\"c\"")
            .Append(CultureInfo.InvariantCulture, $",\"exp\":{times["exp"]},\"iat\":{times["iat"]},\"nbf\":{times["nbf"]}}}")
            .ToString();
        var token = TestSigningKeys.Sign(key, $"{{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"{Kid}\"}}", payload);

        var result = validator.Validate(token, new AccessTokenValidationParameters(Issuer, Audience, TimeSpan.FromSeconds(30)));

        Assert.Equal(TokenValidationError.Malformed, result.Error);
    }
}
