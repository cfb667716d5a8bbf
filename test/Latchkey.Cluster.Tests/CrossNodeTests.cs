using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests;

/// <summary>No sticky routing: whatever one node issues, every node honours.</summary>
[Collection(ThreeNodeClusterCollection.Name)]
public sealed class CrossNodeTests(ThreeNodeCluster cluster)
{
    [Fact]
    public async Task Session_CreatedOnOneNode_IsAcceptedOnEveryNode()
    {
        var email = TestData.NewEmail();
        var userId = await cluster.A.RegisterAsync(email);
        var session = await cluster.A.LoginAsync(email);

        foreach (var node in cluster.Nodes)
        {
            using var me = await node.SendAsync(HttpMethod.Get, "api/me", session);
            var body = await me.ReadJsonObjectAsync();
            Assert.True(me.StatusCode == HttpStatusCode.OK, $"GET /api/me on node {node.Name} answered {(int)me.StatusCode}: {body.ToJsonString()}");
            Assert.Equal(userId, body["id"]!.GetValue<string>());
            Assert.Equal(email, body["email"]!.GetValue<string>());
            Assert.Equal("session", body["authMethod"]!.GetValue<string>());
        }

        // An unsafe request with the CSRF token issued by A passes on C.
        using var token = await cluster.C.SendAsync(HttpMethod.Post, "api/session/token", session);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task RefreshToken_MintedOnA_RotatesOnBThenOnC()
    {
        var email = TestData.NewEmail();
        await cluster.A.RegisterAsync(email);
        var first = await cluster.A.PasswordGrantAsync(email);
        var second = await cluster.B.RefreshOkAsync(first.RefreshToken);
        var third = await cluster.C.RefreshOkAsync(second.RefreshToken);

        // Each access token, wherever it was minted, is accepted everywhere.
        foreach (var node in cluster.Nodes)
        {
            foreach (var pair in new[] { first, second, third })
            {
                Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(pair.AccessToken));
            }
        }

        // The rotation is one chain across nodes: a spent token replayed on A is reuse, which ends the family.
        using var replay = await cluster.A.RefreshAsync(first.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", (await replay.ReadJsonObjectAsync())["error"]!.GetValue<string>());
        using var afterReuse = await cluster.B.RefreshAsync(third.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, afterReuse.StatusCode);
    }

    [Fact]
    public async Task Jwks_IsIdenticalOnEveryNode()
    {
        var documents = await Task.WhenAll(cluster.Nodes.Select(n => n.JwksAsync()));
        var keys = JsonNode.Parse(documents[0])!["keys"]!.AsArray();
        Assert.NotEmpty(keys);
        Assert.All(documents, d => Assert.Equal(documents[0], d));
    }
}
