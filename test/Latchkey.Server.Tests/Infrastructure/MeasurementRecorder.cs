using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>
/// Records every measurement of one <see cref="Meter"/> instance through a <see cref="MeterListener"/>. Other hosts in
/// the test process have meters of the same name; only the instruments of the given meter object are listened to, so
/// that counts are exact.
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    /// <summary>Starts listening to the instruments of <paramref name="meter"/>, those made already included.</summary>
    public MeasurementRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement so far.</summary>
    public IReadOnlyCollection<Measurement> Measurements => [.. _measurements];

    /// <summary>The sum of the measurements of <paramref name="instrument"/> that carry every tag of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        Matching(instrument, tags).Sum(m => m.Value);

    /// <summary>How many measurements of <paramref name="instrument"/> carry every tag of <paramref name="tags"/>.</summary>
    public int Count(string instrument, params (string Key, string Value)[] tags) =>
        Matching(instrument, tags).Count();

    /// <summary>The values of tag <paramref name="key"/> among the measurements of <paramref name="instrument"/>.</summary>
    public IReadOnlySet<string> TagValues(string instrument, string key) =>
        _measurements.Where(m => m.Instrument == instrument && m.Tags.ContainsKey(key)).Select(m => m.Tags[key]).ToHashSet();

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private IEnumerable<Measurement> Matching(string instrument, (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value));

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copied[tag.Key] = tag.Value?.ToString() ?? string.Empty;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, copied));
    }

    /// <summary>One measurement: the instrument's name, the value, the tags as text.</summary>
    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags);
}
