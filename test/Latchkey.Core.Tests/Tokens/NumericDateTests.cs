using Latchkey.Tokens;

namespace Latchkey.Core.Tests;

/// <summary>
/// <see cref="NumericDate.TryParse"/>: RFC 7519 NumericDates that <see cref="DateTimeOffset"/> can hold are
/// accepted (fractions too, to the millisecond); everything else is refused by the return value.
/// </summary>
public sealed class NumericDateTests
{
    public static TheoryData<string, double> Refused => new()
    {
        { "NaN", double.NaN },
        { "PositiveInfinity", double.PositiveInfinity },
        { "NegativeInfinity", double.NegativeInfinity },
        { "Huge", 1e300 },
        { "HugeNegative", -1e300 },
        { "OneSecondAfterYear9999", NumericDate.MaxUnixSeconds + 1 },
        { "HalfSecondAfterYear9999", NumericDate.MaxUnixSeconds + 0.5 },
        { "OneSecondBeforeYear1", NumericDate.MinUnixSeconds - 1 },
        { "LongMaxValue", long.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void TryParse_OutsideYears1To9999OrNotFinite_ReturnsFalse(string name, double value)
    {
        _ = name;

        Assert.False(NumericDate.TryParse(value, out var time));
        Assert.Equal(default, time);
    }

    [Theory]
    [InlineData(0, "1970-01-01T00:00:00.000Z")]
    [InlineData(1893499200, "2030-01-01T12:00:00.000Z")]
    [InlineData(1893499200.5, "2030-01-01T12:00:00.500Z")]
    [InlineData(1893499200.0009, "2030-01-01T12:00:00.000Z")]
    [InlineData(-1, "1969-12-31T23:59:59.000Z")]
    [InlineData(-0.25, "1969-12-31T23:59:59.750Z")]
    [InlineData(NumericDate.MaxUnixSeconds, "9999-12-31T23:59:59.000Z")]
    [InlineData(NumericDate.MinUnixSeconds, "0001-01-01T00:00:00.000Z")]
    public void TryParse_WithinRange_GivesTheTimeToTheMillisecond(double value, string expected)
    {
        Assert.True(NumericDate.TryParse(value, out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }
}
