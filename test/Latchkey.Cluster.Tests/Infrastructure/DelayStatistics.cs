using System.Globalization;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>Measured delays, summarized for the test output. Nothing here asserts a speed.</summary>
public sealed class DelayStatistics
{
    private readonly List<TimeSpan> _delays = [];

    /// <summary>How many delays were recorded.</summary>
    public int Count => _delays.Count;

    /// <summary>Records one delay.</summary>
    public void Add(TimeSpan delay)
    {
        lock (_delays)
        {
            _delays.Add(delay);
        }
    }

    /// <summary>The value below which <paramref name="percentile"/> of the samples lie (nearest rank).</summary>
    public TimeSpan Percentile(double percentile)
    {
        lock (_delays)
        {
            if (_delays.Count == 0)
            {
                return TimeSpan.Zero;
            }

            var sorted = _delays.Order().ToList();
            var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
        }
    }

    /// <summary>One line: count, min, median, p99 and max in milliseconds.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"n={Count,3}  min={Ms(Percentile(0))}  median={Ms(Percentile(50))}  p99={Ms(Percentile(99))}  max={Ms(Percentile(100))}");

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture).PadLeft(7) + " ms";
}
