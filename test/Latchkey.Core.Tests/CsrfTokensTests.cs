using Latchkey.Security;
using Latchkey.Sessions;

namespace Latchkey.Core.Tests;

public sealed class CsrfTokensTests
{
    [Fact]
    public void For_SameSession_GivesSameToken_OtherSession_GivesOther()
    {
        var a = RandomTokens.Create(32);
        var b = RandomTokens.Create(32);

        Assert.Equal(CsrfTokens.For(a), CsrfTokens.For(a));
        Assert.NotEqual(CsrfTokens.For(a), CsrfTokens.For(b));
        Assert.NotEqual(a, CsrfTokens.For(a));
        Assert.Equal(43, CsrfTokens.For(a).Length);
    }

    [Fact]
    public void Matches_ExactToken_IsTrue()
    {
        var token = CsrfTokens.For(RandomTokens.Create(32));
        Assert.True(CsrfTokens.Matches(token, token));
        Assert.True(CsrfTokens.Matches(token, new string(token.AsSpan())));
    }

    public static TheoryData<string, string?> Mismatches()
    {
        var token = CsrfTokens.For(RandomTokens.Create(32));
        var flippedLast = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var flippedFirst = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        return new()
        {
            { token, null },
            { token, string.Empty },
            { token, flippedLast },
            { token, flippedFirst },
            { token, token[..^1] },
            { token, token + "A" },
            { token, SwapCase(token) },
            { token, CsrfTokens.For(RandomTokens.Create(32)) },
        };
    }

    private static string SwapCase(string text) =>
        string.Concat(text.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Matches_AnythingElse_IsFalse(string expected, string? presented) =>
        Assert.False(CsrfTokens.Matches(expected, presented));

    [Fact]
    public void SecretHash_FixedTimeEquals_ComparesValues()
    {
        Assert.True(SecretHash.FixedTimeEquals("abc", "abc"));
        Assert.False(SecretHash.FixedTimeEquals("abc", "abd"));
        Assert.False(SecretHash.FixedTimeEquals("abc", "abcd"));
        Assert.False(SecretHash.FixedTimeEquals(null, "abc"));
    }
}
