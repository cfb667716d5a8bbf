using System.Diagnostics;

namespace Latchkey.Testing;

/// <summary>Waiting for something to become true: small delays under a deadline, never a fixed sleep.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds and returns how long that took; fails at the deadline.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(20);
        }

        return clock.Elapsed;
    }
}
