using Latchkey.Diagnostics;
using Microsoft.Extensions.Options;

namespace Latchkey.Passwords;

/// <summary>
/// Bounds how many password hashes run at once, and how many requests may wait for one, so that a
/// login flood cannot take all memory (each Argon2id run holds its full memory cost).
/// </summary>
public sealed class PasswordHashingGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly PasswordHashingOptions _options;
    private readonly LatchkeyMetrics? _metrics;
    private int _waiting;

    /// <summary>Creates the gate from the configured bounds.</summary>
    public PasswordHashingGate(IOptions<PasswordHashingOptions> options, LatchkeyMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _options = options.Value;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
    }

    /// <summary>Runs <paramref name="work"/> when a slot is free.</summary>
    /// <exception cref="ServerBusyException">No slot became free within the queue timeout, or the queue is full.</exception>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!_slots.Wait(0, CancellationToken.None))
        {
            if (Interlocked.Increment(ref _waiting) > _options.MaxQueueLength)
            {
                Interlocked.Decrement(ref _waiting);
                _metrics?.HashingRejected(queueFull: true);
                throw new ServerBusyException(_options.QueueTimeout);
            }

            _metrics?.HashingQueueChanged(1);
            try
            {
                if (!await _slots.WaitAsync(_options.QueueTimeout, cancellationToken).ConfigureAwait(false))
                {
                    _metrics?.HashingRejected(queueFull: false);
                    throw new ServerBusyException(_options.QueueTimeout);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
                _metrics?.HashingQueueChanged(-1);
            }
        }

        using var span = LatchkeyTelemetry.ActivitySource.StartActivity("latchkey.password_hash");
        try
        {
            return work();
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
