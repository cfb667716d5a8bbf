namespace Latchkey.Revocation;

/// <summary>The broadcaster of a single node: there is nobody to tell.</summary>
public sealed class NullRevocationBroadcaster : IRevocationBroadcaster
{
    /// <inheritdoc />
    public Task PublishAsync(RevocationEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task SubscribeAsync(Action<RevocationEntry> received, Func<CancellationToken, Task> resynchronize, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
