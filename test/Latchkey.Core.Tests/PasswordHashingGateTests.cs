using Latchkey.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

public sealed class PasswordHashingGateTests
{
    [Fact]
    public async Task Run_WhenSlotsAndQueueAreFull_ThrowsServerBusyWithRetryAfter()
    {
        using var gate = new PasswordHashingGate(Options.Create(new PasswordHashingOptions
        {
            MaxConcurrency = 1,
            MaxQueueLength = 0,
            QueueTimeout = TimeSpan.FromSeconds(3),
        }));
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var holder = Task.Run(() => gate.RunAsync(() => { entered.Set(); release.Wait(); return 1; }, CancellationToken.None));
        entered.Wait();

        var busy = await Assert.ThrowsAsync<ServerBusyException>(() => gate.RunAsync(() => 2, CancellationToken.None));
        Assert.True(busy.RetryAfter > TimeSpan.Zero);

        release.Set();
        Assert.Equal(1, await holder);
        Assert.Equal(3, await gate.RunAsync(() => 3, CancellationToken.None));
    }

    [Fact]
    public async Task Run_WhenSlotDoesNotFreeWithinQueueTimeout_ThrowsServerBusy()
    {
        using var gate = new PasswordHashingGate(Options.Create(new PasswordHashingOptions
        {
            MaxConcurrency = 1,
            MaxQueueLength = 4,
            QueueTimeout = TimeSpan.FromMilliseconds(50),
        }));
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var holder = Task.Run(() => gate.RunAsync(() => { entered.Set(); release.Wait(); return 1; }, CancellationToken.None));
        entered.Wait();

        await Assert.ThrowsAsync<ServerBusyException>(() => gate.RunAsync(() => 2, CancellationToken.None));

        release.Set();
        await holder;
    }

    [Fact]
    public async Task Run_WhenSlotFreesWhileQueued_RunsTheWork()
    {
        using var gate = new PasswordHashingGate(Options.Create(new PasswordHashingOptions
        {
            MaxConcurrency = 1,
            MaxQueueLength = 4,
            QueueTimeout = TimeSpan.FromSeconds(30),
        }));
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var holder = Task.Run(() => gate.RunAsync(() => { entered.Set(); release.Wait(); return 1; }, CancellationToken.None));
        entered.Wait();

        var queued = gate.RunAsync(() => 2, CancellationToken.None);
        Assert.False(queued.IsCompleted);
        release.Set();

        Assert.Equal(2, await queued);
        await holder;
    }
}
