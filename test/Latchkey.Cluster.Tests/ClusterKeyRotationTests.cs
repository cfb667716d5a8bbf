using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// <c>keys rotate</c> run from the command line against the cluster's stores: every node publishes the
/// new key at its next key refresh (one second here), and all nodes keep publishing the same JWKS.
/// </summary>
[Collection(ThreeNodeClusterCollection.Name)]
public sealed partial class ClusterKeyRotationTests(ThreeNodeCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task KeysRotateCommand_EveryNodePublishesTheSameNewJwks()
    {
        var before = await cluster.A.JwksAsync();
        var oldKids = Kids(before);

        var (exitCode, commandOutput) = await cluster.Cluster.RunCommandAsync("keys", "rotate");
        Assert.True(exitCode == 0, commandOutput);
        // One new key per chain (the cluster's code-flow clients add an RS256 chain for ID tokens).
        var newKids = NewKeyLine().Matches(commandOutput).Select(m => m.Groups[1].Value).ToList();
        Assert.True(newKids.Count > 0, commandOutput);
        Assert.All(newKids, k => Assert.DoesNotContain(k, oldKids));

        var clock = Stopwatch.StartNew();
        string[] documents;
        do
        {
            documents = await Task.WhenAll(cluster.Nodes.Select(n => n.JwksAsync()));
            if (documents.All(d => d == documents[0]) && newKids.All(Kids(documents[0]).Contains))
            {
                break;
            }

            await Task.Delay(20);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.All(documents, d => Assert.Equal(documents[0], d));
        Assert.Equal(oldKids.Concat(newKids).Order(StringComparer.Ordinal), Kids(documents[0]).Order(StringComparer.Ordinal));
        output.WriteLine($"`keys rotate` published {string.Join(", ", newKids)}; all {documents.Length} nodes served the same JWKS with it {clock.ElapsedMilliseconds} ms after the command exited (key refresh interval 1 s).");

        // Published ahead: tokens are still signed with an old key, and validate on every node.
        var email = TestData.NewEmail();
        await cluster.B.RegisterAsync(email);
        var pair = await cluster.B.PasswordGrantAsync(email);
        var kid = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(pair.AccessToken.Split('.')[0]))!["kid"]!.GetValue<string>();
        Assert.Contains(kid, oldKids);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(pair.AccessToken));
        }
    }

    private static List<string> Kids(string jwks) =>
        [.. JsonNode.Parse(jwks)!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];

    [GeneratedRegex(@"New signing key (\S+) ")]
    private static partial Regex NewKeyLine();
}
