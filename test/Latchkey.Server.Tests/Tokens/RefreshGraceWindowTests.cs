using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>
/// <c>Latchkey:Tokens:RefreshReuseGracePeriod</c> set to 10 s: a retry with the just-spent refresh token
/// gets the same successor instead of tripping theft detection; after the window, reuse is theft again.
/// </summary>
public sealed class RefreshGraceWindowTests(RefreshGraceWindowTests.GraceServerFixture fixture) : IClassFixture<RefreshGraceWindowTests.GraceServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly FakeTimeProvider _time = fixture.Time;

    [Fact]
    public async Task Refresh_RetryWithJustSpentToken_ReturnsSameSuccessor()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);
        _time.Advance(TimeSpan.FromSeconds(5));

        var retry = await client.RefreshOkAsync(first);

        Assert.Equal(second.RefreshToken, retry.RefreshToken);
        Assert.True(await client.IsAcceptedAsync(retry.AccessToken));
        Assert.True(await client.IsAcceptedAsync(second.AccessToken));
        Assert.True(await client.IsAcceptedAsync(first.AccessToken));
        var third = await client.RefreshOkAsync(retry);
        Assert.NotEqual(second.RefreshToken, third.RefreshToken);
    }

    [Fact]
    public async Task Refresh_RetryAfterSuccessorWasSpent_RevokesFamily()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);
        var third = await client.RefreshOkAsync(second);

        // The successor is already used up: handing it out again would fork the family.
        using (var retry = await client.RefreshAsync(first.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(retry, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using var newest = await client.RefreshAsync(third.RefreshToken!);
        await OAuthAssert.IsErrorAsync(newest, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.False(await client.IsAcceptedAsync(third.AccessToken));
    }

    [Fact]
    public async Task Refresh_WithSpentTokenAfterGraceWindow_RevokesWholeFamily()
    {
        using var client = _server.CreateClient();
        var first = await client.SignUpWithTokensAsync();
        var second = await client.RefreshOkAsync(first);
        _time.Advance(TimeSpan.FromSeconds(11));

        using (var late = await client.RefreshAsync(first.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(late, HttpStatusCode.BadRequest, "invalid_grant");
        }

        using var successor = await client.RefreshAsync(second.RefreshToken!);
        await OAuthAssert.IsErrorAsync(successor, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.False(await client.IsAcceptedAsync(second.AccessToken));
        Assert.False(await client.IsAcceptedAsync(first.AccessToken));
    }

    [Fact]
    public async Task Refresh_FiftyInParallelWithOneToken_YieldOneSuccessorAndNoRevocation()
    {
        using var client = _server.CreateClient();
        var start = await client.SignUpWithTokensAsync();

        var responses = await RefreshTokenRotationTests.RaceAsync(client, start.RefreshToken!);

        try
        {
            Assert.All(responses, r => Assert.True((int)r.StatusCode < 500, $"A racing refresh answered {(int)r.StatusCode}."));
            var pairs = new List<TokenPair>();
            foreach (var response in responses)
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    pairs.Add(await TokenPair.ReadAsync(response));
                }
                else
                {
                    await OAuthAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
                }
            }

            Assert.NotEmpty(pairs);
            var successor = Assert.Single(pairs.Select(p => p.RefreshToken).Distinct(StringComparer.Ordinal));
            Assert.All(pairs, p => Assert.StartsWith("lk_rt_", p.RefreshToken, StringComparison.Ordinal));
            Assert.True(await client.IsAcceptedAsync(start.AccessToken), "The grace window must not revoke the family.");
            Assert.True(await client.IsAcceptedAsync(pairs[0].AccessToken));
            var next = await client.RefreshOkAsync(pairs[0]);
            Assert.NotEqual(successor, next.RefreshToken);
            Assert.True(await client.IsAcceptedAsync(next.AccessToken));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    public sealed class GraceServerFixture : IAsyncLifetime
    {
        public LatchkeyTestServer Server { get; private set; } = null!;

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

        public async Task InitializeAsync()
        {
            var options = new TestServerOptions { Time = Time };
            options.Settings["Latchkey:Tokens:RefreshReuseGracePeriod"] = "00:00:10";
            options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
            OAuth.AddClient(options.Settings);
            Server = await LatchkeyTestServer.StartAsync(options);
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
