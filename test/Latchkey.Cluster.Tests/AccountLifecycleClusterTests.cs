using System.Net;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// Disabling or deleting an account ends what it holds on every node of a PostgreSQL + Redis cluster:
/// the operator command runs as its own process against the cluster's stores, and the owner's deletion
/// is answered by node A; nodes B and C refuse the account's sessions and access tokens soon after.
/// </summary>
[Collection(ThreeNodeClusterCollection.Name)]
public sealed class AccountLifecycleClusterTests(ThreeNodeCluster cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DisableCommand_EndsSessionsAndTokensOnEveryNode()
    {
        var email = TestData.NewEmail();
        await cluster.A.RegisterAsync(email);
        var onB = await cluster.B.LoginAsync(email);
        var onC = await cluster.C.LoginAsync(email);
        var pair = await cluster.A.PasswordGrantAsync(email);
        Assert.Equal(HttpStatusCode.OK, await cluster.B.MeStatusAsync(onB));
        Assert.Equal(HttpStatusCode.OK, await cluster.C.MeStatusAsync(pair.AccessToken));

        var (exitCode, output) = await cluster.Cluster.RunCommandAsync("accounts", "disable", email);
        Assert.True(exitCode == 0, output);

        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "session on B refused");
        await Poll.UntilAsync(async () => await cluster.C.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "session on C refused");
        foreach (var node in cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized, Bound, $"access token on {node.Name} refused");
        }

        using var refresh = await cluster.B.RefreshAsync(pair.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        using var login = await cluster.C.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password });
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }

    [Fact]
    public async Task OwnerDeletion_OnA_EndsSessionsOnBAndC()
    {
        var email = TestData.NewEmail();
        await cluster.A.RegisterAsync(email);
        var onA = await cluster.A.LoginAsync(email);
        var onB = await cluster.B.LoginAsync(email);
        var onC = await cluster.C.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, await cluster.B.MeStatusAsync(onB));
        Assert.Equal(HttpStatusCode.OK, await cluster.C.MeStatusAsync(onC));

        using var delete = await cluster.A.SendAsync(HttpMethod.Delete, "api/account", onA, json: new { currentPassword = TestData.Password });
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "session on B refused");
        await Poll.UntilAsync(async () => await cluster.C.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "session on C refused");
    }
}
