using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Latchkey.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// The server's validated-token cache (<c>Latchkey:Tokens:ValidatedTokenCacheSize</c>, on by default) seen over
/// HTTP: a bearer token accepted once is accepted again from memory with the same identity, and a token revoked
/// after it was cached (by its id, by its session, by the account's token generation) or past its expiry is
/// refused at the very next request. Each test has its own server, since the clock only moves forward.
/// </summary>
public sealed class ValidatedTokenCacheHttpTests : IAsyncLifetime
{
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
    private LatchkeyTestServer _server = null!;

    private AccessTokenValidator Validator => _server.App.Services.GetRequiredService<AccessTokenValidator>();

    public async Task InitializeAsync()
    {
        var options = new TestServerOptions { Time = _time };
        OAuth.AddClient(options.Settings);
        _server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Me_SameTokenTwice_AnswersTheSameIdentityFromTheCache()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        var first = await MeBodyAsync(client, pair.AccessToken);
        var cached = Validator.CachedTokenCount;
        var second = await MeBodyAsync(client, pair.AccessToken);

        Assert.Equal(first, second);
        Assert.Contains(pair.UserId!, first, StringComparison.Ordinal);
        Assert.Equal(1, cached);
        Assert.Equal(1, Validator.CachedTokenCount);
    }

    [Fact]
    public async Task Me_TokenRevokedByIdAfterCaching_Returns401AtOnce()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        await AcceptedTwiceAsync(client, pair.AccessToken);

        using (var revoke = await client.PostFormAsync("oauth/revoke", [("token", pair.AccessToken)]))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Me_TokenRevokedBySessionAfterCaching_Returns401AtOnce()
    {
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync();
        var token = await SessionTokenExchangeTests.MintAsync(browser);
        await AcceptedTwiceAsync(browser, token);

        using (var logout = await browser.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.False(await browser.IsAcceptedAsync(token));
    }

    [Fact]
    public async Task Me_TokenRevokedByAccountGenerationAfterCaching_Returns401AtOnce()
    {
        // The password change keeps the session that makes it, so the token's sid stays live: only the
        // raised token generation can refuse it.
        using var browser = _server.CreateClient();
        await browser.SignUpAndLoginAsync();
        var token = await SessionTokenExchangeTests.MintAsync(browser);
        await AcceptedTwiceAsync(browser, token);

        using (var change = await browser.PostJsonAsync("api/account/password", new { currentPassword = TestData.Password, newPassword = "a brand new passphrase" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        Assert.False(await browser.IsAcceptedAsync(token));
        using var session = await browser.GetAsync("api/session");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task Me_CachedTokenAtExpiryPlusSkew_Returns401()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();
        await AcceptedTwiceAsync(client, pair.AccessToken);

        _time.Advance(TimeSpan.FromMinutes(10) + Skew - TimeSpan.FromSeconds(1));
        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Me_WithCacheTurnedOff_ValidatesEveryTimeAndRemembersNothing()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Tokens:ValidatedTokenCacheSize"] = "0";
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        await AcceptedTwiceAsync(client, pair.AccessToken);

        Assert.Equal(0, server.App.Services.GetRequiredService<AccessTokenValidator>().CachedTokenCount);
    }

    private static async Task AcceptedTwiceAsync(LatchkeyTestClient client, string token)
    {
        Assert.True(await client.IsAcceptedAsync(token));
        Assert.True(await client.IsAcceptedAsync(token));
    }

    private static async Task<string> MeBodyAsync(LatchkeyTestClient client, string token)
    {
        using var response = await client.MeAsync(token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/me answered {(int)response.StatusCode}: {body}");
        return body;
    }
}
