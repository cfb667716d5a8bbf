namespace Latchkey.Mail;

/// <summary>Wakes this node's delivery service when a message is queued, so that it need not wait for its next poll.</summary>
public sealed class MailOutboxSignal : IDisposable
{
    // At most one pending wake-up: several enqueues before the service looks collapse into one pass.
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    /// <summary>Asks for a delivery pass soon.</summary>
    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already pending.
        }
    }

    /// <summary>Waits for <see cref="Notify"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _semaphore.Dispose();
}
