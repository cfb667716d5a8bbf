using System.Net;
using Latchkey.Keys;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.ResourceServer.Tests;

/// <summary>
/// Tokens naming a key the API has not fetched: after the server rotates without publishing ahead, and
/// forged key ids. Refetches happen at most once per cooldown, however many such tokens arrive.
/// </summary>
public sealed class KeyRefreshTests(ImmediateRotationFixture fixture) : IClassFixture<ImmediateRotationFixture>
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RotatedKey_UnknownToApi_RefusedWithinCooldownThenAcceptedAfterRefetch()
    {
        var (oldToken, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();
        using (var warmUp = await api.GetAsync("hello", oldToken))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        await fixture.Server.App.Services.GetRequiredService<KeyRingManager>().RotateNowAsync(CancellationToken.None);
        var (newToken, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        Assert.NotEqual(Kid(oldToken), Kid(newToken));
        Assert.Equal(1, api.Requests.Jwks);

        // The keys were fetched a moment ago: the new kid cannot make the API fetch again yet.
        using (var early = await api.GetAsync("hello", newToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, early.StatusCode);
        }

        Assert.Equal(1, api.Requests.Jwks);

        fixture.Time.Advance(Cooldown);
        using (var later = await api.GetAsync("hello", newToken))
        {
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }

        Assert.Equal(2, api.Requests.Jwks);

        // The previous key stays published until its last token expires, so its tokens still pass.
        using var old = await api.GetAsync("hello", oldToken);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(2, api.Requests.Jwks);
    }

    [Fact]
    public async Task UnknownKidBurst_FetchesAtMostOncePerCooldown()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();
        using (var warmUp = await api.GetAsync("hello", token))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        Assert.Equal(1, api.Requests.Jwks);

        await BurstOfUnknownKidsAsync(api, token);
        Assert.Equal(1, api.Requests.Jwks);

        fixture.Time.Advance(Cooldown);
        await BurstOfUnknownKidsAsync(api, token);
        Assert.Equal(2, api.Requests.Jwks);

        await BurstOfUnknownKidsAsync(api, token);
        fixture.Time.Advance(Cooldown - TimeSpan.FromSeconds(1));
        await BurstOfUnknownKidsAsync(api, token);
        Assert.Equal(2, api.Requests.Jwks);

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await BurstOfUnknownKidsAsync(api, token);
        Assert.Equal(3, api.Requests.Jwks);
        Assert.Equal(api.Requests.Jwks, api.Requests.Metadata);

        // Known keys kept working throughout.
        using var valid = await api.GetAsync("hello", token);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    private static async Task BurstOfUnknownKidsAsync(ResourceApiHost api, string token)
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => api.GetAsync("hello", Jwt.WithUnknownKid(token))));
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
            }
        }
    }

    private static string Kid(string token) => Jwt.Header(token)["kid"]!.GetValue<string>();
}
