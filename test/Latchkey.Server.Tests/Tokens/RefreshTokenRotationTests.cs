using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// <c>grant_type=refresh_token</c> without a grace window: rotation on every use, theft detection on reuse
/// (RFC 9700 §4.14.2), and racing refreshes that never mint two pairs.
/// </summary>
public sealed class RefreshTokenRotationTests(TokenServerFixture fixture) : IClassFixture<TokenServerFixture>
{
    private const int Racers = 50;
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task Refresh_WithLiveToken_ReturnsNewPairWithNoStore()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();

        using var response = await client.RefreshAsync(first.RefreshToken!);

        var second = await TokenPair.ReadAsync(response);
        OAuthAssert.IsNotCached(response);
        Assert.Equal("Bearer", second.Body["token_type"]!.GetValue<string>());
        Assert.Equal(600, second.Body["expires_in"]!.GetValue<int>());
        Assert.StartsWith("lk_rt_", second.RefreshToken, StringComparison.Ordinal);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(first.Body["scope"]!.GetValue<string>(), second.Body["scope"]!.GetValue<string>());
        var claims = Jwt.Payload(second.AccessToken);
        Assert.Equal(first.UserId, claims["sub"]!.GetValue<string>());
        Assert.Equal(Jwt.Payload(first.AccessToken)["sid"]!.GetValue<string>(), claims["sid"]!.GetValue<string>());
        Assert.True(await client.IsAcceptedAsync(second.AccessToken));
    }

    [Fact]
    public async Task Refresh_ChainOfRotations_EachSuccessorWorksOnce()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        for (var i = 0; i < 5; i++)
        {
            pair = await client.RefreshOkAsync(pair);
        }

        Assert.True(await client.IsAcceptedAsync(pair.AccessToken));
    }

    [Fact]
    public async Task Refresh_WithSpentToken_Returns400InvalidGrant()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        await client.RefreshOkAsync(first);

        using var reuse = await client.RefreshAsync(first.RefreshToken!);

        await OAuthAssert.IsErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_WithSpentToken_RevokesWholeFamilyNewestIncluded()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);
        var third = await client.RefreshOkAsync(second);
        Assert.True(await client.IsAcceptedAsync(third.AccessToken));

        // The thief (or the victim) presents the first, long-spent token.
        using (var reuse = await client.RefreshAsync(first.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using (var newest = await client.RefreshAsync(third.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(newest, HttpStatusCode.BadRequest, "invalid_grant");
        }

        foreach (var pair in new[] { first, second, third })
        {
            Assert.False(await client.IsAcceptedAsync(pair.AccessToken), "An access token of a revoked family still works.");
        }

        Assert.False((await client.IntrospectAsync(third.RefreshToken!))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Refresh_WithSpentToken_LeavesOtherFamiliesOfSameUserAlive()
    {
        using var client = _server.CreateClient();
        var phone = await client.SignUpWithTokensAsync();
        var laptop = await client.LoginWithTokensAsync(phone.Email!);
        await client.RefreshOkAsync(phone);

        using (var reuse = await client.RefreshAsync(phone.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        }

        Assert.True(await client.IsAcceptedAsync(laptop.AccessToken));
        await client.RefreshOkAsync(laptop);
    }

    [Theory]
    [InlineData("lk_rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-refresh-token")]
    [InlineData("lk_rt_")]
    [InlineData("lk_rt_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task Refresh_WithUnknownOrMalformedToken_Returns400InvalidGrant(string token)
    {
        using var client = _server.CreateClient();

        using var response = await client.RefreshAsync(token);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task Refresh_WithAccessTokenInPlaceOfRefreshToken_Returns400InvalidGrant()
    {
        using var client = _server.CreateClient();
        var pair = await client.SignUpWithTokensAsync();

        using var response = await client.RefreshAsync(pair.AccessToken);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
        await client.RefreshOkAsync(pair);
    }

    [Fact]
    public async Task Refresh_WithoutRefreshTokenParameter_Returns400InvalidRequest()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostFormAsync("oauth/token", [("grant_type", "refresh_token")]);

        await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Refresh_FiftyInParallelWithOneToken_ExactlyOneWinsAndFamilyStaysConsistent()
    {
        using var client = _server.CreateClient();
        var start = await client.SignUpWithTokensAsync();

        var responses = await RaceAsync(client, start.RefreshToken!);

        try
        {
            Assert.All(responses, r => Assert.True((int)r.StatusCode < 500, $"A racing refresh answered {(int)r.StatusCode}."));
            var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
            var winner = await TokenPair.ReadAsync(Assert.Single(winners));
            foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            {
                await OAuthAssert.IsErrorAsync(loser, HttpStatusCode.BadRequest, "invalid_grant");
            }

            // Either the winner's pair lives and nothing else refreshes, or the whole family is dead.
            var winnerAccessWorks = await client.IsAcceptedAsync(winner.AccessToken);
            using var winnerRefresh = await client.RefreshAsync(winner.RefreshToken!);
            if (winnerAccessWorks)
            {
                Assert.Equal(HttpStatusCode.OK, winnerRefresh.StatusCode);
            }
            else
            {
                await OAuthAssert.IsErrorAsync(winnerRefresh, HttpStatusCode.BadRequest, "invalid_grant");
                Assert.False(await client.IsAcceptedAsync(start.AccessToken));
            }

            using var original = await client.RefreshAsync(start.RefreshToken!);
            await OAuthAssert.IsErrorAsync(original, HttpStatusCode.BadRequest, "invalid_grant");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    /// <summary>Sends <see cref="Racers"/> refreshes with one token, released together.</summary>
    internal static async Task<HttpResponseMessage[]> RaceAsync(LatchkeyTestClient client, string refreshToken)
    {
        using var gate = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, Racers).Select(async _ =>
        {
            await gate.WaitAsync();
            return await client.RefreshAsync(refreshToken);
        }).ToArray();
        gate.Release(Racers);
        return await Task.WhenAll(tasks);
    }
}
