using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// Lifetimes on a server whose clock the test moves: access tokens (10 minutes, 30 s clock skew) and
/// refresh tokens (14 days sliding). Each test starts its own server, since the clock only moves forward.
/// </summary>
public sealed class TokenExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private LatchkeyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions { Time = _time };
        OAuth.AddClient(options.Settings);
        _server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AccessToken_JustBeforeExpiryPlusSkew_IsAccepted()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        _time.Advance(TimeSpan.FromMinutes(10) + Skew - TimeSpan.FromSeconds(1));

        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
        Assert.True((await client.IntrospectAsync(pair.AccessToken))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AccessToken_AtExpiryPlusSkew_IsRefusedAndInactive()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        var clientToken = await TokenPair.ReadAsync(await client.ClientCredentialsAsync());

        _time.Advance(TimeSpan.FromMinutes(10) + Skew);

        using (var me = await client.MeAsync(pair.AccessToken))
        {
            await OAuthAssert.IsInvalidTokenAsync(me);
        }

        Assert.False(await client.IsAcceptedAsync(clientToken.AccessToken));
        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(pair.AccessToken)).ToJsonString());
        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(clientToken.AccessToken)).ToJsonString());
    }

    [Fact]
    public async Task SessionToken_AfterExpiry_IsRefused()
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        using var minted = await client.SendAsync(HttpMethod.Post, "api/session/token");
        var token = (await minted.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();

        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.False(await client.IsAcceptedAsync(token));
    }

    [Fact]
    public async Task Refresh_AfterAccessTokenExpired_StillWorks()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        _time.Advance(TimeSpan.FromHours(1));

        var next = await client.RefreshOkAsync(pair);

        Assert.True(await client.IsAcceptedAsync(next.AccessToken));
        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task RefreshToken_UnusedPastSlidingLifetime_IsInactiveAndRefused()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        _time.Advance(TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));

        Assert.Equal("""{"active":false}""", (await client.IntrospectAsync(pair.RefreshToken!)).ToJsonString());
        using var refresh = await client.RefreshAsync(pair.RefreshToken!);
        await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task RefreshToken_UsedWithinSlidingLifetime_LivesOn()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        for (var i = 0; i < 2; i++)
        {
            _time.Advance(TimeSpan.FromDays(10));
            pair = await client.RefreshOkAsync(pair);
        }

        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
    }
}
