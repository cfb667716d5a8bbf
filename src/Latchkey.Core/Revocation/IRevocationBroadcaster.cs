namespace Latchkey.Revocation;

/// <summary>
/// Tells the other nodes of a cluster about a revocation, and this node about theirs. A single node
/// uses <see cref="NullRevocationBroadcaster"/>.
/// </summary>
/// <remarks>
/// Delivery is at most once and in no promised order: applying entries is idempotent and order-free (a
/// later expiry and a higher generation win), and what a node misses it reloads from the durable store
/// when told to resynchronize. <see cref="PublishAsync"/> does not throw when the transport is down (the
/// entry is already in the durable store). <c>BroadcasterConformanceTests</c> checks every implementation.
/// </remarks>
public interface IRevocationBroadcaster
{
    /// <summary>Sends <paramref name="entry"/> to every other node.</summary>
    Task PublishAsync(RevocationEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="received"/> for each entry any node publishes (this node's own come back too, which times
    /// the broadcast: <c>latchkey.revocations.propagation.delay</c>), and
    /// <paramref name="resynchronize"/> after every reconnect, when messages may have been missed, so that
    /// the node rebuilds its view from the store.
    /// </summary>
    Task SubscribeAsync(Action<RevocationEntry> received, Func<CancellationToken, Task> resynchronize, CancellationToken cancellationToken);
}
