using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Latchkey.Diagnostics;
using Latchkey.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests.Telemetry;

public sealed class LatchkeyMetricsTests : IDisposable
{
    private readonly LatchkeyMetrics _metrics = new(meterFactory: null);
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Reason)> _measurements = new();

    public LatchkeyMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "latchkey.rejection.reason")
                {
                    reason = (string?)tag.Value;
                }
            }

            _measurements.Enqueue((instrument.Name, value, reason));
        });
        _listener.Start();
    }

    // A full queue refuses at once, without queueing; a queued request that gets no slot in time is refused on leaving the queue.
    [Theory]
    [InlineData(0, 3000, "queue_full", new long[0])]
    [InlineData(4, 50, "timeout", new long[] { 1, -1 })]
    public async Task HashingGate_WhenBusy_CountsTheRejectionAndTheQueue(int maxQueueLength, int queueTimeoutMs, string reason, long[] queued)
    {
        using var gate = new PasswordHashingGate(
            Options.Create(new PasswordHashingOptions { MaxConcurrency = 1, MaxQueueLength = maxQueueLength, QueueTimeout = TimeSpan.FromMilliseconds(queueTimeoutMs) }),
            _metrics);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var holder = Task.Run(() => gate.RunAsync(() => { entered.Set(); release.Wait(); return 1; }, CancellationToken.None));
        entered.Wait();

        await Assert.ThrowsAsync<ServerBusyException>(() => gate.RunAsync(() => 2, CancellationToken.None));
        release.Set();
        await holder;

        Assert.Equal([("latchkey.password_hashing.rejections", 1L, reason)], _measurements.Where(m => m.Instrument == "latchkey.password_hashing.rejections"));
        Assert.Equal(queued, _measurements.Where(m => m.Instrument == "latchkey.password_hashing.queued").Select(m => m.Value));
    }

    [Theory]
    [InlineData("/src/Latchkey.Stores.Relational/RelationalRefreshTokenStore.cs", "RotateAsync", "refresh_token.rotate")]
    [InlineData("/src/Latchkey.Stores.Relational/RelationalAccountStore.cs", "TryCreateAsync", "account.try_create")]
    [InlineData(@"C:\src\Latchkey.Stores.Redis\RedisLoginThrottle.cs", "TryBeginAttemptAsync", "login_throttle.try_begin_attempt")]
    [InlineData("/src/Latchkey.Stores.Redis/RedisSessionStore.cs", "FindAsync", "session.find")]
    public void StoreOperation_NamesTheStoreTypeAndMethod(string file, string member, string operation)
    {
        var tags = LatchkeyTelemetry.StoreOperation("sqlite", file, member);

        Assert.Equal(operation, tags.Operation);
        Assert.Equal("latchkey.store " + operation, tags.SpanName);
        Assert.Same(tags, LatchkeyTelemetry.StoreOperation("sqlite", file, member));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }
}
