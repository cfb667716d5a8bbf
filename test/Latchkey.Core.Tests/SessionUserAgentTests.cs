using Latchkey.Sessions;

namespace Latchkey.Core.Tests;

/// <summary>Core bounds the user agent once, for every store: what it keeps is what every backend returns.</summary>
public sealed class SessionUserAgentTests
{
    [Fact]
    public void KeptUserAgent_LongerThanTheBound_KeepsItsStart()
    {
        var agent = "Mozilla/5.0 " + new string('x', 300);
        Assert.Equal(agent[..SessionManager.MaxUserAgentLength], SessionManager.KeptUserAgent(agent));
        Assert.Equal(256, SessionManager.MaxUserAgentLength);
    }

    [Fact]
    public void KeptUserAgent_AtTheBound_IsKeptWhole()
    {
        var agent = new string('a', SessionManager.MaxUserAgentLength);
        Assert.Same(agent, SessionManager.KeptUserAgent(agent));
    }

    [Fact]
    public void KeptUserAgent_SurrogatePairAcrossTheBound_IsNotSplit()
    {
        var agent = new string('a', SessionManager.MaxUserAgentLength - 1) + "😀" + "tail";
        var kept = SessionManager.KeptUserAgent(agent)!;
        Assert.Equal(SessionManager.MaxUserAgentLength - 1, kept.Length);
        Assert.False(char.IsHighSurrogate(kept[^1]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void KeptUserAgent_NoneOrEmpty_IsNone(string? agent) => Assert.Null(SessionManager.KeptUserAgent(agent));
}
