namespace Latchkey.Fuzzing;

/// <summary>A clock stopped at <see cref="FuzzKeyRing.Now"/>, so that a run does not depend on the day.</summary>
public sealed class FixedClock : TimeProvider
{
    /// <summary>The clock.</summary>
    public static readonly FixedClock Instance = new();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => FuzzKeyRing.Now;
}
