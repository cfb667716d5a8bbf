using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Server.Tests.Tokens;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Security.Asvs;

/// <summary>ASVS 5.0 V9 (self-contained tokens): trust comes from this server's own keys only.</summary>
public sealed class V9SelfContainedTokenTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    // 9.1.1, 9.1.3, 9.2.3: a genuine, unexpired token of another Latchkey server (its own keys, its own
    // issuer) is refused here, by the bearer handler and by introspection.
    [Fact]
    public async Task Me_WithGenuineTokenOfAnotherLatchkeyServer_Returns401InvalidToken()
    {
        await using var other = await LatchkeyTestServer.StartAsync();
        using var otherClient = other.CreateClient();
        var (_, foreign) = await otherClient.SignUpForTokenAsync();
        using var client = fixture.Server.CreateClient();

        using var atOther = await otherClient.MeAsync(foreign);
        using var here = await client.MeAsync(foreign);

        Assert.Equal(System.Net.HttpStatusCode.OK, atOther.StatusCode);
        await OAuthAssert.IsInvalidTokenAsync(here);
        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(foreign)).ToJsonString());
    }
}
