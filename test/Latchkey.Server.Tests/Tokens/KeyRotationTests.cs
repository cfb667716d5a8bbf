using System.Net;
using Latchkey.Keys;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// Key rotation as a verifier sees it over HTTP: the new key is in the JWKS before it signs, both keys are
/// listed during the rotation, and tokens of the previous key keep validating until they expire. The
/// rotation is started on demand through the server's own <see cref="KeyRingManager"/>.
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan PublishAhead = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private LatchkeyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions { Time = _time };
        options.Settings["Latchkey:Keys:PublishAhead"] = PublishAhead.ToString();
        _server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Rotation_NewKey_IsPublishedBeforeItSignsAndOldKeyStaysUntilItsTokensExpire()
    {
        using var client = _server.CreateClient();
        var before = await client.SignUpWithTokensAsync();
        var oldKid = Kid(before.AccessToken);
        var keys = _server.App.Services.GetRequiredService<KeyRingManager>();

        await keys.RotateNowAsync(CancellationToken.None);

        var published = await KidsAsync(client);
        Assert.Equal(2, published.Count);
        Assert.Contains(oldKid, published);
        var newKid = Assert.Single(published, k => k != oldKid);
        var duringPublication = await client.LoginWithTokensAsync(before.Email!);
        Assert.Equal(oldKid, Kid(duringPublication.AccessToken));

        _time.Advance(PublishAhead + TimeSpan.FromSeconds(1));

        var after = await client.LoginWithTokensAsync(before.Email!);
        Assert.Equal(newKid, Kid(after.AccessToken));
        Assert.Equal(published.Order(StringComparer.Ordinal), (await KidsAsync(client)).Order(StringComparer.Ordinal));
        Assert.True(await client.IsAcceptedAsync(before.AccessToken), "A token of the previous key is refused before it expires.");
        Assert.True(await client.IsAcceptedAsync(duringPublication.AccessToken));
        Assert.True(await client.IsAcceptedAsync(after.AccessToken));

        // Once every token the old key signed has expired, the old key leaves the JWKS.
        _time.Advance(TimeSpan.FromMinutes(11));
        await keys.RefreshAsync(CancellationToken.None);

        Assert.Equal([newKid], await KidsAsync(client));
        Assert.False(await client.IsAcceptedAsync(duringPublication.AccessToken));
        var latest = await client.RefreshOkAsync(after);
        Assert.Equal(newKid, Kid(latest.AccessToken));
        Assert.True(await client.IsAcceptedAsync(latest.AccessToken));
    }

    private static string Kid(string token) => Jwt.Decode(token).Header["kid"]!.GetValue<string>();

    private static async Task<List<string>> KidsAsync(LatchkeyTestClient client)
    {
        using var response = await client.Http.GetAsync(".well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonObjectAsync())["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];
    }
}
