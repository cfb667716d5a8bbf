using Latchkey.Mfa;
using Latchkey.Sessions;

namespace Latchkey.Core.Tests.Mfa;

public sealed class RecoveryCodesTests
{
    [Fact]
    public void Create_GivesTenDistinctCodesOfAtLeast112BitsInGroupsOfFour()
    {
        var codes = RecoveryCodes.Create();

        Assert.Equal(10, codes.Length);
        Assert.Equal(10, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.Matches("^[a-hjkmnp-tv-z2-9]{4}(-[a-hjkmnp-tv-z2-9]{4}){5}$", c));

        // 24 characters of a 30-letter alphabet: 24 x log2(30) = 117.8 bits. Every letter turns up in a thousand codes.
        var letters = Enumerable.Range(0, 100).SelectMany(_ => RecoveryCodes.Create()).SelectMany(c => c.Replace("-", string.Empty, StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(30, letters.Count);
    }

    [Fact]
    public void TryHash_IgnoresCaseSpacesAndDashes_AndRefusesOtherText()
    {
        var code = RecoveryCodes.Create()[0];
        var hash = RecoveryCodes.TryHash(code)!;

        Assert.Equal(hash, RecoveryCodes.TryHash(code.ToUpperInvariant()));
        Assert.Equal(hash, RecoveryCodes.TryHash(code.Replace("-", " ", StringComparison.Ordinal)));
        Assert.Equal(hash, RecoveryCodes.TryHash(code.Replace("-", string.Empty, StringComparison.Ordinal)));
        Assert.Null(RecoveryCodes.TryHash(code[..^1]));
        Assert.Null(RecoveryCodes.TryHash(code + "a"));
        Assert.Null(RecoveryCodes.TryHash(code[..^1] + "0"));
        Assert.Null(RecoveryCodes.TryHash(null));
    }

    [Theory]
    [InlineData(AuthenticationMethods.Password, "1", "pwd")]
    [InlineData(AuthenticationMethods.Password | AuthenticationMethods.Otp, "2", "pwd otp mfa")]
    [InlineData(AuthenticationMethods.Password | AuthenticationMethods.RecoveryCode, "2", "pwd otp mfa")]
    [InlineData(AuthenticationMethods.Passkey, "2", "hwk user mfa")]
    [InlineData(AuthenticationMethods.None, "1", "pwd")]
    public void AuthenticationMethodNames_GiveRfc8176Values(AuthenticationMethods methods, string acr, string amr)
    {
        Assert.Equal(acr, AuthenticationMethodNames.Acr(methods));
        Assert.Equal(amr, string.Join(' ', AuthenticationMethodNames.Amr(methods)));
    }
}
