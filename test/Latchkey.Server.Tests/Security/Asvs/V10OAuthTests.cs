using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Security.Asvs;

/// <summary>ASVS 5.0 V10 (OAuth): refresh-token lifetime limits, on a server whose clock the test moves.</summary>
public sealed class V10OAuthTests(V10OAuthTests.ClientServerFixture fixture) : IClassFixture<V10OAuthTests.ClientServerFixture>
{
    // 10.4.8: sliding renewal never carries a family past its absolute lifetime (default 30 days).
    [Fact]
    public async Task RefreshToken_RotatedWithinSlidingLifetime_EndsAtAbsoluteLifetime()
    {
        using var client = fixture.Server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        for (var day = 0; day < 28; day += 7)
        {
            fixture.Time.Advance(TimeSpan.FromDays(7));
            pair = await client.RefreshOkAsync(pair);
        }

        fixture.Time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        var lastBeforeEnd = await client.RefreshOkAsync(pair);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(lastBeforeEnd.RefreshToken!)).ToJsonString());
        using var refresh = await client.RefreshAsync(lastBeforeEnd.RefreshToken!);
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    /// <summary>A fake-clock server with the service client declared (introspection needs it).</summary>
    public sealed class ClientServerFixture : FakeClockServerFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options)
        {
            base.Configure(options);
            OAuth.AddClient(options.Settings);
        }
    }
}
