using System.Diagnostics;

namespace Latchkey.Diagnostics;

/// <summary>
/// One store call being measured: its span and its start. Disposing it ends the span and records the call's
/// duration on <c>latchkey.store.duration</c>; a struct, so measuring allocates nothing.
/// </summary>
public readonly struct StoreCall : IDisposable
{
    private readonly LatchkeyMetrics? _metrics;
    private readonly StoreOperationTags? _tags;
    private readonly Activity? _span;
    private readonly long _startedAt;

    private StoreCall(LatchkeyMetrics? metrics, StoreOperationTags tags, Activity? span, long startedAt)
    {
        _metrics = metrics;
        _tags = tags;
        _span = span;
        _startedAt = startedAt;
    }

    /// <summary>Starts measuring a call of <paramref name="tags"/>; reads the clock only when the duration is listened to.</summary>
    public static StoreCall Start(LatchkeyMetrics? metrics, StoreOperationTags tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var measured = metrics is { IsStoreDurationEnabled: true } ? metrics : null;
        return new StoreCall(measured, tags, tags.StartSpan(), measured is null ? 0 : Stopwatch.GetTimestamp());
    }

    /// <summary>Marks the span as failed with <paramref name="exception"/>.</summary>
    public void Fail(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _span?.Dispose();
        if (_metrics is not null)
        {
            _metrics.StoreCallEnded(_startedAt, _tags!);
        }
    }
}
