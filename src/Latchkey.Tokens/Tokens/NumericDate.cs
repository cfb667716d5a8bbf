namespace Latchkey.Tokens;

/// <summary>
/// The NumericDate of RFC 7519 §2: seconds since the Unix epoch, possibly fractional. Only values that
/// <see cref="DateTimeOffset"/> can hold (years 1 to 9999) can be acted on; anything else is refused by the
/// return value, never by an exception.
/// </summary>
internal static class NumericDate
{
    /// <summary>0001-01-01T00:00:00Z in Unix seconds.</summary>
    public const double MinUnixSeconds = -62135596800;

    /// <summary>9999-12-31T23:59:59Z in Unix seconds.</summary>
    public const double MaxUnixSeconds = 253402300799;

    /// <summary>Accepts <paramref name="value"/> when it is a finite number of seconds within the years 1 to 9999.</summary>
    /// <param name="value">The number as read from JSON.</param>
    /// <param name="time">The time, to the millisecond (anything finer is dropped, rounding down); default when refused.</param>
    public static bool TryParse(double value, out DateTimeOffset time)
    {
        // NaN fails both comparisons, so it is refused with the infinities.
        if (value is >= MinUnixSeconds and <= MaxUnixSeconds)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(value * 1000));
            return true;
        }

        time = default;
        return false;
    }
}
