using System.Security.Cryptography;

namespace Latchkey.Hosting;

/// <summary>The wait before a queued delivery (mail, back-channel logout) is tried again.</summary>
public static class RetryBackoff
{
    /// <summary>
    /// <paramref name="retryDelay"/> doubled per earlier failure (<paramref name="attempts"/> counts the one that just
    /// failed), capped at <paramref name="maxRetryDelay"/>, then a random point in its upper half, so that deliveries
    /// that failed together do not retry together.
    /// </summary>
    public static TimeSpan Delay(int attempts, TimeSpan retryDelay, TimeSpan maxRetryDelay)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min(retryDelay.TotalMilliseconds * Math.Pow(2, exponent), maxRetryDelay.TotalMilliseconds);
        var jitter = RandomNumberGenerator.GetInt32(0, 1001) / 1000.0;
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * jitter)));
    }
}
