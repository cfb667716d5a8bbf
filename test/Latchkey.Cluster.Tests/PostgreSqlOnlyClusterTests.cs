using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// The PostgreSQL-only topology of docs/deployment.md: three server processes on one PostgreSQL
/// database and no Redis, so that sessions live in PostgreSQL and revocations travel over
/// <c>LISTEN</c>/<c>NOTIFY</c>. Revocations must reach the other nodes well before a cached session
/// would be read again anyway (<c>CacheMaxAge</c>, 30 seconds), so the bound below proves the broadcast.
/// </summary>
public sealed class PostgreSqlOnlyClusterTests(PostgreSqlOnlyClusterTests.Nodes fixture, ITestOutputHelper output)
    : IClassFixture<PostgreSqlOnlyClusterTests.Nodes>
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(10);

    private ClusterNode A => fixture.Cluster.Nodes[0];

    private ClusterNode B => fixture.Cluster.Nodes[1];

    private ClusterNode C => fixture.Cluster.Nodes[2];

    [Fact]
    public async Task Session_LoggedInOnA_WorksOnBAndC()
    {
        var email = TestData.NewEmail();
        var userId = await A.RegisterAsync(email);
        var session = await A.LoginAsync(email, userAgent: "PostgreSqlOnly/1.0");

        foreach (var node in new[] { B, C })
        {
            using var me = await node.SendAsync(HttpMethod.Get, "api/me", session);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(userId, (await me.ReadJsonObjectAsync())["id"]!.GetValue<string>());
        }

        using var list = await C.SendAsync(HttpMethod.Get, "api/sessions", session);
        var listed = JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal("PostgreSqlOnly/1.0", Assert.Single(listed)!["userAgent"]!.GetValue<string>());

        // An unsafe request with the CSRF token A issued passes on B.
        using var token = await B.SendAsync(HttpMethod.Post, "api/session/token", session);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task RefreshToken_RotatesAcrossNodes_AndReuseOnAnotherNodeEndsTheFamily()
    {
        var email = TestData.NewEmail();
        await A.RegisterAsync(email);
        var first = await A.PasswordGrantAsync(email);
        var second = await B.RefreshOkAsync(first.RefreshToken);
        var third = await C.RefreshOkAsync(second.RefreshToken);
        foreach (var node in new[] { A, B, C })
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(third.AccessToken));
        }

        using var replay = await C.RefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", (await replay.ReadJsonObjectAsync())["error"]!.GetValue<string>());
        using var afterReuse = await A.RefreshAsync(third.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, afterReuse.StatusCode);

        // Reuse revoked the family's access tokens too, on every node.
        foreach (var node in new[] { A, B, C })
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(third.AccessToken) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the family's access token refused on node {node.Name}");
        }
    }

    [Fact]
    public async Task LogoutEverywhere_OnA_IsRefusedOnBAndC()
    {
        var email = TestData.NewEmail();
        await A.RegisterAsync(email);
        var session = await A.LoginAsync(email);
        using var minted = await A.SendAsync(HttpMethod.Post, "api/session/token", session);
        var bearer = (await minted.ReadJsonObjectAsync())["access_token"]!.GetValue<string>();
        var pair = await B.PasswordGrantAsync(email);

        // Every node has the session in its tier and has seen the tokens, so only a broadcast can end them in time.
        foreach (var node in new[] { A, B, C })
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(session));
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(bearer));
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(pair.AccessToken));
        }

        var clock = Stopwatch.StartNew();
        using (var logout = await A.SendAsync(HttpMethod.Delete, "api/sessions", session))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        foreach (var node in new[] { B, C })
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(session) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the session refused on node {node.Name}");
            await Poll.UntilAsync(async () => await node.MeStatusAsync(bearer) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the session's access token refused on node {node.Name}");
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the password grant's access token refused on node {node.Name}");
        }

        output.WriteLine($"Logout everywhere on A was refused on B and C after {clock.ElapsedMilliseconds} ms (LISTEN/NOTIFY).");
        using var refresh = await C.RefreshAsync(pair.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
    }

    [Fact]
    public async Task RevokedAccessToken_OnB_IsRefusedOnAAndC()
    {
        var email = TestData.NewEmail();
        await A.RegisterAsync(email);
        var pair = await A.PasswordGrantAsync(email);
        foreach (var node in new[] { A, C })
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(pair.AccessToken));
        }

        await B.RevokeTokenAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, await B.MeStatusAsync(pair.AccessToken));
        foreach (var node in new[] { A, C })
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the revoked access token refused on node {node.Name}");
        }
    }

    [Fact]
    public async Task KeyRotation_EveryNodePublishesTheSameJwks()
    {
        var before = Kids(await A.JwksAsync());
        var (exitCode, commandOutput) = await fixture.Cluster.RunCommandAsync("keys", "rotate");
        Assert.True(exitCode == 0, commandOutput);

        string[] documents = [];
        await Poll.UntilAsync(async () =>
        {
            documents = await Task.WhenAll(new[] { A, B, C }.Select(n => n.JwksAsync()));
            return documents.All(d => d == documents[0]) && Kids(documents[0]).Except(before).Any();
        }, PropagationBound, "the same JWKS, with the new key, on every node");

        // A token signed on one node validates on the others.
        var email = TestData.NewEmail();
        await C.RegisterAsync(email);
        var pair = await C.PasswordGrantAsync(email);
        foreach (var node in new[] { A, B })
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(pair.AccessToken));
        }
    }

    private static List<string> Kids(string jwks) =>
        [.. JsonNode.Parse(jwks)!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];

    /// <summary>Three nodes on the shared PostgreSQL server and no Redis.</summary>
    public sealed class Nodes : IAsyncLifetime
    {
        private LatchkeyCluster? _cluster;

        /// <summary>The cluster.</summary>
        public LatchkeyCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

        /// <inheritdoc />
        public async Task InitializeAsync() => _cluster = await LatchkeyCluster.StartWithoutRedisAsync(nodes: 3, OidcClients.Arguments());

        /// <inheritdoc />
        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
