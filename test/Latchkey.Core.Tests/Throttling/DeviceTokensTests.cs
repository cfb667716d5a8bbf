using System.Security.Cryptography;
using Latchkey.Security;
using Latchkey.Throttling;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests.Throttling;

public sealed class DeviceTokensTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ThrottlingOptions _options = new();

    [Fact]
    public void Token_IsValidForItsAccountOnly_OnEveryNodeThatSharesTheMasterSecret()
    {
        var issued = Tokens().Issue("account-1", deviceId: null);

        var check = Tokens().Check(issued.Token);

        Assert.StartsWith(DeviceTokens.Prefix, issued.Token, StringComparison.Ordinal);
        Assert.Equal(DeviceTokenStatus.Valid, check.Status);
        Assert.Equal(issued.DeviceId, check.DeviceId);
        Assert.True(check.IsValidFor("account-1"));
        Assert.False(check.IsValidFor("account-2"));
        Assert.False(check.IsValidFor(null));
        Assert.Equal(_time.GetUtcNow() + _options.DeviceTokenLifetime, issued.ExpiresAt);
    }

    [Fact]
    public void Issue_ForAKnownDevice_KeepsItsId_AndANewDeviceGetsAFreshOne()
    {
        var tokens = Tokens();
        var first = tokens.Issue("account-1", deviceId: null);

        var renewed = tokens.Issue("account-1", first.DeviceId);
        var other = tokens.Issue("account-1", deviceId: null);

        Assert.Equal(first.DeviceId, renewed.DeviceId);
        Assert.NotEqual(first.DeviceId, other.DeviceId);
        Assert.Equal(22, first.DeviceId.Length);
    }

    [Fact]
    public void Check_RefusesAlteredTruncatedForeignAndExpiredTokens()
    {
        var tokens = Tokens();
        var token = tokens.Issue("account-1", deviceId: null).Token;

        // Every character but the last (whose low bits base64url may ignore) changes a signed byte or the MAC.
        for (var i = 0; i < token.Length - 1; i++)
        {
            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Equal(DeviceTokenStatus.Invalid, tokens.Check(altered).Status);
        }

        Assert.Equal(DeviceTokenStatus.Invalid, tokens.Check(token[..^4]).Status);
        Assert.Equal(DeviceTokenStatus.Invalid, tokens.Check(token + "AAAA").Status);
        Assert.Equal(DeviceTokenStatus.Invalid, new DeviceTokens(new MasterSecret(RandomNumberGenerator.GetBytes(32)), _time, Options.Create(_options)).Check(token).Status);

        _time.Advance(_options.DeviceTokenLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(DeviceTokenStatus.Valid, tokens.Check(token).Status);
        _time.Advance(TimeSpan.FromSeconds(1));
        var expired = tokens.Check(token);
        Assert.Equal(DeviceTokenStatus.Expired, expired.Status);
        Assert.False(expired.IsValidFor("account-1"));
    }

    [Theory]
    [InlineData(null, DeviceTokenStatus.None)]
    [InlineData("", DeviceTokenStatus.None)]
    [InlineData("lk_dt_", DeviceTokenStatus.Invalid)]
    [InlineData("lk_dt_!!!!", DeviceTokenStatus.Invalid)]
    [InlineData("lk_dt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", DeviceTokenStatus.Invalid)]
    [InlineData("lk_rt_AAAA", DeviceTokenStatus.Invalid)]
    [InlineData("a session id perhaps", DeviceTokenStatus.Invalid)]
    public void Check_OfAnythingElse_AnswersWithoutThrowing(string? presented, DeviceTokenStatus expected)
    {
        Assert.Equal(expected, Tokens().Check(presented).Status);
        Assert.Equal(DeviceTokenStatus.Invalid, Tokens().Check("lk_dt_" + new string('A', 100_000)).Status);
    }

    [Fact]
    public void Check_OfRandomAndMutatedInput_NeverThrowsAndNeverAccepts()
    {
        // Cookies and form fields are the attacker's: anything at all must come back Invalid, not throw.
        var tokens = Tokens();
        var genuine = tokens.Issue("account-1", deviceId: null).Token;
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=!~. %\0\u00e9\ud800";
        for (var i = 0; i < 5000; i++)
        {
            var length = RandomNumberGenerator.GetInt32(0, genuine.Length + 8);
            var text = new string(RandomNumberGenerator.GetItems<char>(alphabet, length));
            var mutated = i % 2 == 0 ? DeviceTokens.Prefix + text : genuine[..Math.Min(length, genuine.Length)] + text[..(length / 4)];
            if (mutated == genuine)
            {
                continue;
            }

            Assert.NotEqual(DeviceTokenStatus.Valid, tokens.Check(mutated).Status);
        }
    }

    private DeviceTokens Tokens() => new(new MasterSecret(Secret), _time, Options.Create(_options));
}
