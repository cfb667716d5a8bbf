using System.Security.Cryptography;
using System.Text;
using Latchkey.Mfa;

namespace Latchkey.Core.Tests.Mfa;

/// <summary>TOTP against the test vectors of RFC 6238 Appendix B, and base32 against RFC 4648 §10.</summary>
public sealed class TotpTests
{
    // RFC 6238 Appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's length.
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    public static TheoryData<long, string, string, string> Rfc6238Vectors => new()
    {
        { 59, "94287082", "46119246", "90693936" },
        { 1111111109, "07081804", "68084774", "25091201" },
        { 1111111111, "14050471", "67062674", "99943326" },
        { 1234567890, "89005924", "91819424", "93441116" },
        { 2000000000, "69279037", "90698825", "38618901" },
        { 20000000000, "65353130", "77737706", "47863826" },
    };

    [Theory]
    [MemberData(nameof(Rfc6238Vectors))]
    public void Code_MatchesRfc6238Vectors(long unixSeconds, string sha1, string sha256, string sha512)
    {
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(sha1, Totp.Code(Sha1Seed, step, 8, HashAlgorithmName.SHA1));
        Assert.Equal(sha256, Totp.Code(Sha256Seed, step, 8, HashAlgorithmName.SHA256));
        Assert.Equal(sha512, Totp.Code(Sha512Seed, step, 8, HashAlgorithmName.SHA512));

        // The six-digit codes apps show are the same values' last six digits.
        Assert.Equal(sha1[2..], Totp.Code(Sha1Seed, step));
    }

    [Fact]
    public void Match_AcceptsOneStepOfDriftEitherSide_AndNothingFurther()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
        var step = Totp.StepAt(now);

        Assert.Equal(step, Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, step), now));
        Assert.Equal(step - 1, Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, step - 1), now));
        Assert.Equal(step + 1, Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, step + 1), now));
        Assert.Null(Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, step - 2), now));
        Assert.Null(Totp.Match(Sha1Seed, Totp.Code(Sha1Seed, step + 2), now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("١٢٣٤٥٦")]
    public void Match_RefusesWhatIsNotSixAsciiDigits(string? code) =>
        Assert.Null(Totp.Match(Sha1Seed, code, DateTimeOffset.FromUnixTimeSeconds(59)));

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_MatchesRfc4648Vectors(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(Encoding.ASCII.GetBytes(text), Base32.TryDecode(encoded.ToLowerInvariant() + "==="));
    }

    [Fact]
    public void Base32_RefusesCharactersOutsideTheAlphabet()
    {
        Assert.Null(Base32.TryDecode("MZXW1"));
        Assert.Null(Base32.TryDecode("MZXW6!"));
    }
}
