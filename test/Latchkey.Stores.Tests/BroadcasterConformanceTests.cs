using System.Collections.Concurrent;
using Latchkey.Revocation;

namespace Latchkey.Stores.Tests;

/// <summary>
/// One behaviour, every broadcaster (Redis pub/sub, PostgreSQL LISTEN/NOTIFY), as
/// <see cref="IRevocationBroadcaster"/> promises it: what one node publishes reaches every node, itself included,
/// every kind and any id the wire form carries; after the server restarts, each node is told to
/// resynchronize and hears publications again; a publication while the server is down does not throw.
/// No order is promised (applying entries is idempotent and order-free), so none is tested. Each
/// subclass owns its server, since these tests stop it.
/// </summary>
public abstract class BroadcasterConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000);
    private readonly List<Node> _nodes = [];

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await DisposeBroadcasterAsync(node.Broadcaster);
        }
    }

    /// <summary>A broadcaster as one node would have it, with a connection of its own.</summary>
    protected abstract IRevocationBroadcaster CreateBroadcaster();

    protected abstract ValueTask DisposeBroadcasterAsync(IRevocationBroadcaster broadcaster);

    protected abstract Task StopServerAsync();

    protected abstract Task StartServerAsync();

    [Fact]
    public async Task EveryKind_ReachesEveryNode_ThePublisherIncluded()
    {
        var (publisher, first, second) = await ThreeNodesAsync();
        RevocationEntry[] entries =
        [
            new(RevocationKind.AccessToken, "jti-" + Guid.NewGuid().ToString("N"), 0, Expiry),
            new(RevocationKind.Session, "rtf_" + Guid.NewGuid().ToString("N"), 0, Expiry),
            new(RevocationKind.UserGeneration, Guid.NewGuid().ToString(), 7, Expiry),
        ];

        foreach (var entry in entries)
        {
            await publisher.Broadcaster.PublishAsync(entry, default);
        }

        // The publisher hears its own: that echo is what latchkey.revocations.propagation.delay times.
        foreach (var node in new[] { first, second, publisher })
        {
            foreach (var entry in entries)
            {
                Assert.Equal(entry, await node.WaitForAsync(entry.Id));
            }
        }
    }

    [Fact]
    public async Task ManyEntries_AllArrive_FromSeveralPublishersAtOnce()
    {
        var (publisher, first, second) = await ThreeNodesAsync();
        var ids = Enumerable.Range(0, 200).Select(i => $"bulk-{i}-{Guid.NewGuid():N}").ToArray();

        // 16 in flight per publisher: a publication that cannot get a connection is dropped (and logged) by
        // design, and PostgreSQL's default 100 connections would be the limit of this test, not of delivery.
        await Task.WhenAll(
            Parallel.ForEachAsync(ids.Where((_, i) => i % 2 == 0), new ParallelOptions { MaxDegreeOfParallelism = 16 }, (id, ct) =>
                new ValueTask(publisher.Broadcaster.PublishAsync(new RevocationEntry(RevocationKind.AccessToken, id, 0, Expiry), ct))),
            Parallel.ForEachAsync(ids.Where((_, i) => i % 2 == 1), new ParallelOptions { MaxDegreeOfParallelism = 16 }, (id, ct) =>
                new ValueTask(second.Broadcaster.PublishAsync(new RevocationEntry(RevocationKind.AccessToken, id, 0, Expiry), ct))));

        foreach (var id in ids)
        {
            await first.WaitForAsync(id);
        }

        foreach (var id in ids.Where((_, i) => i % 2 == 0))
        {
            await second.WaitForAsync(id);
        }
    }

    [Theory]
    [InlineData("pipes|in|the|id")]
    [InlineData("ünïcødé-日本語-😀")]
    [InlineData("spaces and \"quotes\" and 'apostrophes'; -- and a backslash \\")]
    public async Task OddIds_ArriveIntact(string id)
    {
        var (publisher, first, _) = await ThreeNodesAsync();
        var entry = new RevocationEntry(RevocationKind.Session, id + Guid.NewGuid().ToString("N"), 0, Expiry);

        await publisher.Broadcaster.PublishAsync(entry, default);

        Assert.Equal(entry, await first.WaitForAsync(entry.Id));
    }

    [Fact]
    public async Task LongestId_TheWireFormAccepts_ArrivesIntact()
    {
        var (publisher, first, _) = await ThreeNodesAsync();
        var prefix = $"{(int)RevocationKind.UserGeneration}|{long.MaxValue}|{Expiry.ToUnixTimeMilliseconds()}|".Length;
        var entry = new RevocationEntry(RevocationKind.UserGeneration, Guid.NewGuid().ToString("N") + new string('é', 512 - prefix - 32), long.MaxValue, Expiry);
        Assert.Equal(512, RevocationMessage.Format(entry).Length);

        await publisher.Broadcaster.PublishAsync(entry, default);

        Assert.Equal(entry, await first.WaitForAsync(entry.Id));
    }

    [Fact]
    public async Task ServerRestart_SignalsResynchronization_AndDeliversAgain()
    {
        var (publisher, first, second) = await ThreeNodesAsync();

        await StopServerAsync();
        await StartServerAsync();

        // Every subscriber is told that it may have missed messages, so that it reloads from the store.
        foreach (var node in new[] { publisher, first, second })
        {
            await node.WaitForResynchronizationAsync();
        }

        var entry = new RevocationEntry(RevocationKind.AccessToken, "after-restart-" + Guid.NewGuid().ToString("N"), 0, Expiry);
        await PublishUntilHeardAsync(publisher, entry, first, second);
    }

    [Fact]
    public async Task PublishDuringOutage_DoesNotThrow_AndDeliveryResumesAfterwards()
    {
        var (publisher, first, _) = await ThreeNodesAsync();

        await StopServerAsync();
        try
        {
            // The entry is in the durable store already; the request that revoked must not fail here.
            await publisher.Broadcaster.PublishAsync(new RevocationEntry(RevocationKind.AccessToken, "during-outage", 0, Expiry), default).WaitAsync(Patience);
        }
        finally
        {
            await StartServerAsync();
        }

        await first.WaitForResynchronizationAsync();
        var entry = new RevocationEntry(RevocationKind.AccessToken, "after-outage-" + Guid.NewGuid().ToString("N"), 0, Expiry);
        await PublishUntilHeardAsync(publisher, entry, first);
    }

    /// <summary>A publisher and two subscribers, each known to be listening.</summary>
    private async Task<(Node Publisher, Node First, Node Second)> ThreeNodesAsync()
    {
        var nodes = new[] { await StartNodeAsync(), await StartNodeAsync(), await StartNodeAsync() };
        // A subscription may settle after SubscribeAsync returns: probe until every node hears one.
        var probe = new RevocationEntry(RevocationKind.AccessToken, "probe-" + Guid.NewGuid().ToString("N"), 0, Expiry);
        foreach (var publisher in nodes)
        {
            await PublishUntilHeardAsync(publisher, probe with { Id = probe.Id + "-" + Array.IndexOf(nodes, publisher) }, [.. nodes.Where(n => n != publisher)]);
        }

        return (nodes[0], nodes[1], nodes[2]);
    }

    private async Task<Node> StartNodeAsync()
    {
        var node = new Node(CreateBroadcaster());
        _nodes.Add(node);
        await node.Broadcaster.SubscribeAsync(node.Receive, node.ResynchronizeAsync, default);
        return node;
    }

    private static async Task PublishUntilHeardAsync(Node publisher, RevocationEntry entry, params Node[] listeners)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!listeners.All(l => l.Heard(entry.Id)))
        {
            Assert.True(waited.Elapsed < Patience, $"Entry {entry.Id} did not arrive within {Patience}.");
            await publisher.Broadcaster.PublishAsync(entry, default);
            await Task.Delay(50);
        }
    }

    private sealed class Node(IRevocationBroadcaster broadcaster)
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<RevocationEntry>> _received = new();
        private readonly TaskCompletionSource _resynchronized = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IRevocationBroadcaster Broadcaster { get; } = broadcaster;

        public void Receive(RevocationEntry entry) => Slot(entry.Id).TrySetResult(entry);

        public bool Heard(string id) => Slot(id).Task.IsCompleted;

        public Task<RevocationEntry> WaitForAsync(string id) => Slot(id).Task.WaitAsync(Patience);

        public Task ResynchronizeAsync(CancellationToken cancellationToken)
        {
            _resynchronized.TrySetResult();
            return Task.CompletedTask;
        }

        public Task WaitForResynchronizationAsync() => _resynchronized.Task.WaitAsync(Patience);

        private TaskCompletionSource<RevocationEntry> Slot(string id) =>
            _received.GetOrAdd(id, _ => new TaskCompletionSource<RevocationEntry>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
