namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>
/// Three nodes on one PostgreSQL database and one Redis, with the <see cref="OidcClients"/>, shared by the tests that
/// leave them running.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    private LatchkeyCluster? _cluster;

    /// <summary>The cluster.</summary>
    public LatchkeyCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The first node.</summary>
    public ClusterNode A => Cluster.Nodes[0];

    /// <summary>The second node.</summary>
    public ClusterNode B => Cluster.Nodes[1];

    /// <summary>The third node.</summary>
    public ClusterNode C => Cluster.Nodes[2];

    /// <summary>Every node.</summary>
    public IReadOnlyList<ClusterNode> Nodes => Cluster.Nodes;

    /// <inheritdoc />
    public async Task InitializeAsync() => _cluster = await LatchkeyCluster.StartAsync(nodes: 3, extraArguments: OidcClients.Arguments());

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The tests that share <see cref="ThreeNodeCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ThreeNodeClusterCollection : ICollectionFixture<ThreeNodeCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "three-node cluster";
}
