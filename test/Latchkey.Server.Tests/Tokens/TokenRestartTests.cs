using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>Keys, refresh tokens and revocations live in the data directory and survive a restart.</summary>
public sealed class TokenRestartTests : IDisposable
{
    // The issuer is pinned: by default it is the first listening address, and each start gets a new port.
    private const string Issuer = "http://latchkey.restart.test";
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    [Fact]
    public async Task Restart_OnSameDataDirectory_KeepsKeysRefreshTokensAndRevocations()
    {
        TokenPair kept, revokedAccess, revokedFamily, spent, clientToken;
        string sessionToken, revokedSessionToken, jwksBefore;
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            kept = await client.SignUpWithTokensAsync();
            revokedAccess = await client.LoginWithTokensAsync(kept.Email!);
            revokedFamily = await client.LoginWithTokensAsync(kept.Email!);
            spent = await client.LoginWithTokensAsync(kept.Email!);
            clientToken = await TokenPair.ReadAsync(await client.ClientCredentialsAsync());
            (await client.LoginAsync(kept.Email!)).Dispose();
            sessionToken = await SessionTokenExchangeTests.MintAsync(client);
            using var other = first.CreateClient();
            (await other.LoginAsync(kept.Email!)).Dispose();
            revokedSessionToken = await SessionTokenExchangeTests.MintAsync(other);
            (await other.DeleteAsync("api/session")).Dispose();

            await client.RevokeAsync(revokedAccess.AccessToken);
            await client.RevokeAsync(revokedFamily.RefreshToken!);
            await client.RefreshOkAsync(spent);
            jwksBefore = await client.Http.GetStringAsync(".well-known/jwks.json");
            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = second.CreateClient();

        Assert.Equal(jwksBefore, await again.Http.GetStringAsync(".well-known/jwks.json"));
        Assert.True(await again.IsAcceptedAsync(kept.AccessToken), "An access token from before the restart is refused.");
        Assert.True(await again.IsAcceptedAsync(clientToken.AccessToken));
        Assert.True(await again.IsAcceptedAsync(sessionToken));
        Assert.False(await again.IsAcceptedAsync(revokedAccess.AccessToken), "A revoked access token works again after the restart.");
        Assert.False(await again.IsAcceptedAsync(revokedFamily.AccessToken), "A revoked family's access token works again after the restart.");
        Assert.False(await again.IsAcceptedAsync(revokedSessionToken), "An ended session's token works again after the restart.");
        using (var refresh = await again.RefreshAsync(revokedFamily.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant");
        }

        var refreshed = await again.RefreshOkAsync(kept);
        Assert.True(await again.IsAcceptedAsync(refreshed.AccessToken));
        Assert.True((await again.IntrospectAsync(refreshed.RefreshToken!))["active"]!.GetValue<bool>());

        // A token spent before the restart is still recognised as spent: its reuse kills the family.
        using (var reuse = await again.RefreshAsync(spent.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        }

        Assert.False(await again.IsAcceptedAsync(spent.AccessToken));
    }

    [Fact]
    public async Task Restart_AfterLogOutEverywhere_KeepsEarlierTokensRefused()
    {
        TokenPair before;
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            before = await client.SignUpWithTokensAsync();
            using (var response = await client.SendAsync(HttpMethod.Delete, "api/sessions", csrf: false, bearer: before.AccessToken, cookie: false))
            {
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }

            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = second.CreateClient();

        Assert.False(await again.IsAcceptedAsync(before.AccessToken));
        var after = await again.LoginWithTokensAsync(before.Email!);
        Assert.True(await again.IsAcceptedAsync(after.AccessToken));
    }

    private Task<LatchkeyTestServer> StartAsync()
    {
        var options = new TestServerOptions { DataDirectory = _dataDirectory };
        options.Settings["Latchkey:Issuer"] = Issuer;
        OAuth.AddClient(options.Settings);
        return LatchkeyTestServer.StartAsync(options);
    }
}
