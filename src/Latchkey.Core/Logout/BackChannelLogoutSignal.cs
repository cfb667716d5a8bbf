namespace Latchkey.Logout;

/// <summary>Wakes this node's back-channel logout delivery when a notice is queued, so that it need not wait for its next poll.</summary>
public sealed class BackChannelLogoutSignal : IDisposable
{
    // At most one pending wake-up: several notices queued before the service looks collapse into one pass.
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
