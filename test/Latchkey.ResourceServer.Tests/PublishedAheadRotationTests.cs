using System.Net;
using Latchkey.Keys;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.ResourceServer.Tests;

/// <summary>
/// Rotation as Latchkey does it by default: the new key is published an hour before it signs, and the API's
/// background refresh (every 10 minutes) learns it in that hour, so no request waits for a refetch.
/// </summary>
public sealed class PublishedAheadRotationTests(LatchkeyFixture fixture) : IClassFixture<LatchkeyFixture>
{
    [Fact]
    public async Task PublishedKey_KnownToApiBeforeItSigns_ThenItsTokensAccepted()
    {
        var (first, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();
        using (var warmUp = await api.GetAsync("hello", first))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var services = fixture.Server.App.Services;
        await services.GetRequiredService<KeyRingManager>().RotateNowAsync(CancellationToken.None);
        var next = services.GetRequiredService<SigningKeyRing>().Keys[^1];
        Assert.True(next.ActivatesAt > fixture.Time.GetUtcNow());
        Assert.DoesNotContain(next.Kid, api.KeyCache.KeyIds);

        // Ten minutes on, a request finds the keys stale and starts a background refresh; it is served at once.
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        var (second, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        using (var stale = await api.GetAsync("hello", second))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        }

        await api.KeyCache.RefreshAsync(); // joins the background refresh if it still runs
        Assert.Contains(next.Kid, api.KeyCache.KeyIds);
        Assert.Equal(2, api.Requests.Jwks);

        fixture.Time.SetUtcNow(next.ActivatesAt);
        var (third, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        Assert.Equal(next.Kid, Jwt.Header(third)["kid"]!.GetValue<string>());
        using var signedByNewKey = await api.GetAsync("hello", third);

        Assert.Equal(HttpStatusCode.OK, signedByNewKey.StatusCode);
        Assert.DoesNotContain(api.Logs.Entries, l => l.EventId.Name == "TokenRefused");
    }
}
