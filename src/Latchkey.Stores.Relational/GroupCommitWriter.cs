using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Latchkey.Stores.Relational;

/// <summary>
/// Group commit for a database with one writer at a time (SQLite): writes that arrive together run in
/// one transaction, each under its own savepoint, so that one commit (one <c>fsync</c>) serves them all.
/// A member's result is handed back only after the shared transaction has committed; a member that fails
/// is rolled back to its savepoint, which leaves the others intact, and then runs again alone so that it
/// meets the same outcome (and error) it would have met without batching.
/// </summary>
/// <remarks>
/// The writer waits up to the window for more writes only while the previous batch had company: a lone
/// write on a quiet server starts at once, and under load the writes that queue during one commit form
/// the next batch anyway.
/// </remarks>
internal sealed class GroupCommitWriter : IDisposable
{
    // Bounds one transaction's length, so that other writers (sessions, accounts) never wait long for the lock.
    private const int MaxBatch = 64;
    private const string Savepoint = "member";
    private readonly Channel<IPendingWrite> _queue = Channel.CreateUnbounded<IPendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RelationalDatabase _database;
    private readonly TimeSpan _window;
    private readonly ILogger _logger;
    private readonly Lock _startLock = new();
    private Task? _loop;

    public GroupCommitWriter(RelationalDatabase database, TimeSpan window, ILogger logger)
    {
        _database = database;
        _window = window;
        _logger = logger;
    }

    /// <summary>Runs <paramref name="work"/> in the next shared transaction; completes once it has committed.</summary>
    public Task<T> WriteAsync<T>(Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            // Shutting down: the loop takes no more work, so this write goes alone.
            return _database.WriteAloneAsync(work, cancellationToken);
        }

        EnsureStarted();
        // The caller may stop waiting; the write itself then still commits or fails with its batch.
        return pending.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        // Started here too: a write queued just before completion must still run, not wait forever.
        EnsureStarted();
        _loop?.Wait(TimeSpan.FromSeconds(15));
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(RunLoopAsync);
        }
    }

    private async Task RunLoopAsync()
    {
        var batch = new List<IPendingWrite>(MaxBatch);
        var hadCompany = false;
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (hadCompany && _window > TimeSpan.Zero)
            {
                // Wall-clock time, not the TimeProvider: the pause is about the disk, and a test's frozen
                // clock must not stop commits.
                await Task.Delay(_window).ConfigureAwait(false);
            }

            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                if (!pending.SkipIfCancelled())
                {
                    batch.Add(pending);
                }
            }

            hadCompany = batch.Count > 1;
            if (batch.Count > 0)
            {
                await CommitBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async Task CommitBatchAsync(List<IPendingWrite> batch)
    {
        var failed = new List<IPendingWrite>();
        try
        {
            await _database.RunUnmeasuredAsync(async connection =>
            {
                await using var transaction = await _database.BeginWriteAsync(connection, CancellationToken.None).ConfigureAwait(false);
                foreach (var member in batch)
                {
                    await transaction.SaveAsync(Savepoint).ConfigureAwait(false);
                    if (await member.TryRunAsync(transaction).ConfigureAwait(false))
                    {
                        await transaction.ReleaseAsync(Savepoint).ConfigureAwait(false);
                    }
                    else
                    {
                        await transaction.RollbackAsync(Savepoint).ConfigureAwait(false);
                        await transaction.ReleaseAsync(Savepoint).ConfigureAwait(false);
                        failed.Add(member);
                    }
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                Log.GroupCommitted(_logger, _database.Name, batch.Count - failed.Count);
                return 0;
            }, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The fault belongs to every waiter of the batch, not to the loop, which must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Nothing of this transaction committed (or its fate is unknown): no member may report success.
            foreach (var member in batch)
            {
                member.Fail(ex);
            }

            return;
        }

        foreach (var member in batch)
        {
            if (!failed.Contains(member))
            {
                member.Complete();
            }
        }

        // In order and before the next batch, so that they do not wait on the next batch's lock.
        foreach (var member in failed)
        {
            await member.RunAloneAsync(_database).ConfigureAwait(false);
        }
    }

    private interface IPendingWrite
    {
        bool SkipIfCancelled();

        Task<bool> TryRunAsync(DbTransaction transaction);

        void Complete();

        void Fail(Exception exception);

        Task RunAloneAsync(RelationalDatabase database);
    }

    private sealed class PendingWrite<T>(Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) : IPendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _completion.Task;

        public bool SkipIfCancelled() => cancellationToken.IsCancellationRequested && _completion.TrySetCanceled(cancellationToken);

        public async Task<bool> TryRunAsync(DbTransaction transaction)
        {
            try
            {
                // Not the caller's token: once in a batch, the write runs to the end, so that it cannot
                // abort the shared transaction halfway.
                _result = await work(transaction, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
#pragma warning disable CA1031 // The member runs again alone, where its exception reaches its caller.
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }
        }

        public void Complete() => _completion.TrySetResult(_result!);

        public void Fail(Exception exception) => _completion.TrySetException(exception);

        public async Task RunAloneAsync(RelationalDatabase database)
        {
            try
            {
                _completion.TrySetResult(await database.WriteAloneAsync(work, CancellationToken.None).ConfigureAwait(false));
            }
#pragma warning disable CA1031 // Handed to the waiting caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _completion.TrySetException(ex);
            }
        }
    }
}
