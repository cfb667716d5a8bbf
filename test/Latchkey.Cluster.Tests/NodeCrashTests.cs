using System.Collections.Concurrent;
using System.Net;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// One of three nodes killed while clients refresh tokens on it and on the others. No request is
/// answered 500; afterwards every refresh-token family is either usable (its latest token refreshes,
/// its spent ones do not) or wholly revoked; a spent token never works again; and the user is never
/// locked out: the account signs in again on another node and gets a working token pair. With a grace
/// window, the client's retry on another node gets the same successor and the family lives on.
/// </summary>
public sealed class NodeCrashTests(ITestOutputHelper output)
{
    private const int Families = 6;

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public async Task NodeKilledDuringRefreshes_NoServerError_EveryFamilyUsableOrWhollyRevoked_UserNeverLockedOut(int graceSeconds)
    {
        await using var cluster = await StartClusterAsync(graceSeconds);
        var nodes = cluster.Nodes;
        var (victim, survivors) = (nodes[0], nodes.Skip(1).ToArray());
        var email = TestData.NewEmail();
        await survivors[0].RegisterAsync(email);
        var session = await survivors[0].LoginAsync(email);
        var families = new List<Family>();
        for (var i = 0; i < Families; i++)
        {
            families.Add(new Family(i, await survivors[0].PasswordGrantAsync(email)));
        }

        await using var browsing = new BackgroundTraffic();
        foreach (var node in nodes)
        {
            browsing.Add("cookie", node, n => n.SendAsync(HttpMethod.Get, "api/me", session));
        }

        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentQueue<(string Node, int Status, string Body)>();
        var workers = families.Select(f => Task.Run(() => RefreshLoopAsync(f, nodes, answers, stop.Token))).ToArray();

        await Poll.UntilAsync(() => Task.FromResult(families.All(f => f.Refreshes >= 5 || f.Failure is not null)), TimeSpan.FromSeconds(30), "refreshes before the kill");
        await victim.KillAsync();
        var refreshesAtKill = families.Sum(f => f.Refreshes);
        await Poll.UntilAsync(
            () => Task.FromResult(families.All(f => f.Revoked || f.Failure is not null || f.Refreshes >= 5 + (refreshesAtKill / Families))),
            TimeSpan.FromSeconds(30),
            "refreshes after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        await browsing.StopAsync();

        var statuses = answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key)}×{g.Count()}");
        output.WriteLine($"Refreshes: {string.Join(", ", statuses)}; interrupted by the kill: {families.Sum(f => f.Interrupted)}; "
            + $"families usable: {families.Count(f => !f.Revoked)}, revoked as reuse after an interrupted refresh: {families.Count(f => f.Revoked)}.");
        output.WriteLine($"Browsing: {browsing.Summary()}");
        var serverErrors = answers.Where(a => a.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, $"Refreshes answered {string.Join("; ", serverErrors.Take(5).Select(e => $"{e.Status} on {e.Node}: {e.Body}"))}");
        browsing.AssertNoServerErrors();
        browsing.AssertOnly("cookie", HttpStatusCode.OK, 0);
        Assert.All(families, f => Assert.True(f.Failure is null, f.Failure));
        if (graceSeconds > 0)
        {
            // An interrupted refresh retried inside the window gets the successor, whichever node had minted it.
            Assert.All(families, f => Assert.False(f.Revoked, $"Family {f.Index} was revoked despite the grace window."));
        }

        foreach (var family in families)
        {
            await AssertConsistentAsync(family, survivors);
        }

        await AssertNotLockedOutAsync(email, survivors);

        // The survivors never noticed anything but a missing peer.
        foreach (var node in survivors)
        {
            Assert.Equal(HttpStatusCode.OK, await node.ReadyStatusAsync());
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(session));
        }
    }

    [Fact]
    public async Task NodeKilledAfterRotating_WithoutGraceWindow_RetryEndsTheFamily_UserSignsInAgain()
    {
        await using var cluster = await StartClusterAsync(graceSeconds: 0);
        var (b, c, email, first, lost) = await LoseARotationWithTheNodeAsync(cluster);

        // The client's retry presents a spent token: with no grace window that is reuse, and the family ends.
        using (var retry = await b.RefreshAsync(first.RefreshToken))
        {
            await Responses.AssertOAuthErrorAsync(retry, HttpStatusCode.BadRequest, "invalid_grant", "retry of the spent token on B");
        }

        using (var successor = await c.RefreshAsync(lost.RefreshToken))
        {
            await Responses.AssertOAuthErrorAsync(successor, HttpStatusCode.BadRequest, "invalid_grant", "the successor the victim minted, after the reuse");
        }

        using (var again = await c.RefreshAsync(first.RefreshToken))
        {
            await Responses.AssertOAuthErrorAsync(again, HttpStatusCode.BadRequest, "invalid_grant", "the spent token once more");
        }

        foreach (var node in new[] { b, c })
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(lost.AccessToken) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), $"the family's access token refused on {node.Name}");
        }

        await AssertNotLockedOutAsync(email, [b, c]);
    }

    [Fact]
    public async Task NodeKilledAfterRotating_WithGraceWindow_RetryOnAnotherNodeGetsTheSameSuccessor_AndKeepsTheSession()
    {
        await using var cluster = await StartClusterAsync(graceSeconds: 10);
        var (b, c, email, first, lost) = await LoseARotationWithTheNodeAsync(cluster);

        // Inside the window, while the successor is unspent, every retry gets that same successor.
        var retried = await b.RefreshOkAsync(first.RefreshToken);
        Assert.Equal(lost.RefreshToken, retried.RefreshToken);
        Assert.Equal(lost.RefreshToken, (await c.RefreshOkAsync(first.RefreshToken)).RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await c.MeStatusAsync(retried.AccessToken));

        // The session goes on from the successor.
        var next = await c.RefreshOkAsync(retried.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await b.MeStatusAsync(next.AccessToken));

        // Once the successor is spent, the first token is plain reuse: refused, and the family ends.
        using (var replay = await b.RefreshAsync(first.RefreshToken))
        {
            await Responses.AssertOAuthErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant", "the first token after its successor was used");
        }

        using (var after = await c.RefreshAsync(next.RefreshToken))
        {
            await Responses.AssertOAuthErrorAsync(after, HttpStatusCode.BadRequest, "invalid_grant", "the family after the replay");
        }

        await AssertNotLockedOutAsync(email, [b, c]);
    }

    private static Task<LatchkeyCluster> StartClusterAsync(int graceSeconds) =>
        LatchkeyCluster.StartAsync(nodes: 3, postgreSql: null, $"--Latchkey:Tokens:RefreshReuseGracePeriod=00:00:{graceSeconds:00}");

    // The first node rotates a family's token, then dies before the client reads the answer: the rotation
    // is committed, the client never saw the successor. Returns the two survivors and what the client holds.
    private static async Task<(ClusterNode B, ClusterNode C, string Email, TokenPair First, TokenPair Lost)> LoseARotationWithTheNodeAsync(LatchkeyCluster cluster)
    {
        var (victim, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var email = TestData.NewEmail();
        await b.RegisterAsync(email);
        var first = await b.PasswordGrantAsync(email);
        var lost = await victim.RefreshOkAsync(first.RefreshToken);
        await victim.KillAsync();
        return (b, c, email, first, lost);
    }

    // Whatever happened to the families, the account signs in again on each node, by password grant and by
    // cookie, and what it gets works on the other node: a refresh, and the API with the new access token.
    private async Task AssertNotLockedOutAsync(string email, ClusterNode[] survivors)
    {
        for (var i = 0; i < survivors.Length; i++)
        {
            var (here, there) = (survivors[i], survivors[(i + 1) % survivors.Length]);
            var pair = await here.PasswordGrantAsync(email);
            Assert.Equal(HttpStatusCode.OK, await there.MeStatusAsync(pair.AccessToken));
            var refreshed = await there.RefreshOkAsync(pair.RefreshToken);
            Assert.Equal(HttpStatusCode.OK, await here.MeStatusAsync(refreshed.AccessToken));
            var session = await here.LoginAsync(email);
            Assert.Equal(HttpStatusCode.OK, await there.MeStatusAsync(session));
        }

        output.WriteLine($"After the kill the account signed in again on {string.Join(" and ", survivors.Select(n => n.Name))} and its new tokens worked.");
    }

    // Refreshes in a loop, each time on the next node; a request that gets no answer may or may not have
    // been redeemed, so the same token is presented again, elsewhere.
    private static async Task RefreshLoopAsync(Family family, IReadOnlyList<ClusterNode> nodes, ConcurrentQueue<(string, int, string)> answers, CancellationToken stop)
    {
        var turn = family.Index;
        while (!stop.IsCancellationRequested && !family.Revoked && family.Failure is null)
        {
            var node = nodes[turn++ % nodes.Count];
            if (node.HasExited)
            {
                continue;
            }

            try
            {
                using var response = await node.RefreshAsync(family.Latest.RefreshToken);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                answers.Enqueue((node.Name, (int)response.StatusCode, body));
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        family.Spent.Add(family.Latest);
                        family.Latest = TokenPair.From(System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject());
                        family.Uncertain = false;
                        family.Refreshes++;
                        break;
                    case HttpStatusCode.BadRequest when family.Uncertain:
                        // The interrupted refresh had been redeemed: presenting the token again is reuse.
                        family.Revoked = true;
                        break;
                    default:
                        family.Failure = $"Family {family.Index}: refresh on {node.Name} answered {(int)response.StatusCode} {body} (no interrupted refresh before).";
                        break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answers.Enqueue((node.Name, 0, ex.Message));
                family.Uncertain = true;
                family.Interrupted++;
            }
        }
    }

    private async Task AssertConsistentAsync(Family family, ClusterNode[] survivors)
    {
        var (one, other) = (survivors[0], survivors[1]);
        if (family.Revoked)
        {
            // Wholly revoked: its latest token is refused, and so are the access tokens minted from it.
            using var refresh = await one.RefreshAsync(family.Latest.RefreshToken);
            await Responses.AssertOAuthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_grant", $"family {family.Index}'s latest token after reuse");
            foreach (var spent in family.Spent.TakeLast(2))
            {
                using var replay = await other.RefreshAsync(spent.RefreshToken);
                await Responses.AssertOAuthErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant", $"family {family.Index}'s spent token after reuse");
            }

            foreach (var node in survivors)
            {
                await Poll.UntilAsync(async () => await node.MeStatusAsync(family.Latest.AccessToken) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5), $"family {family.Index}'s access token refused on {node.Name}");
            }

            return;
        }

        // Usable: the latest token refreshes; a spent one never works again (and its replay ends the family).
        var next = await one.RefreshOkAsync(family.Latest.RefreshToken);
        if (family.Spent.Count > 0)
        {
            using var replay = await other.RefreshAsync(family.Spent[^1].RefreshToken);
            await Responses.AssertOAuthErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_grant", $"family {family.Index}'s spent token");
            using var after = await one.RefreshAsync(next.RefreshToken);
            await Responses.AssertOAuthErrorAsync(after, HttpStatusCode.BadRequest, "invalid_grant", $"family {family.Index} after its spent token was replayed");
        }

        output.WriteLine($"Family {family.Index}: {family.Refreshes} refreshes, {family.Interrupted} interrupted, usable.");
    }

    private sealed class Family(int index, TokenPair first)
    {
        public int Index { get; } = index;

        public TokenPair Latest { get; set; } = first;

        public List<TokenPair> Spent { get; } = [];

        public bool Uncertain { get; set; }

        public bool Revoked { get; set; }

        public int Refreshes { get; set; }

        public int Interrupted { get; set; }

        public string? Failure { get; set; }
    }
}
