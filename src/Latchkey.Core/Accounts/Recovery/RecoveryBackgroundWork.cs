using Microsoft.Extensions.Hosting;

namespace Latchkey.Accounts.Recovery;

/// <summary>
/// Work that a request starts but does not wait for (a password reset's lookup and mail, kept off the request
/// path so that its timing tells nothing). It is tracked so that stopping the host waits for it to reach the
/// outbox instead of dropping it; only a crash in those few milliseconds can lose a request.
/// </summary>
public sealed class RecoveryBackgroundWork : IHostedService
{
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();

    /// <summary>Runs <paramref name="work"/> on the thread pool and tracks it until it ends.</summary>
    public void Run(Func<Task> work)
    {
        var task = Task.Run(work);
        lock (_gate)
        {
            _running.Add(task);
        }

        // Registered after the add, so the removal always finds the task.
        _ = task.ContinueWith(Forget, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        return Task.WhenAll(running).WaitAsync(cancellationToken);
    }

    private void Forget(Task task)
    {
        lock (_gate)
        {
            _running.Remove(task);
        }
    }
}
