using Latchkey.Fuzzing.Targets;

namespace Latchkey.Fuzzing;

/// <summary>
/// Every fuzz target, by name. Targets are made on demand: under AFL, instrumented Latchkey code must not
/// run before SharpFuzz has mapped the coverage memory, and a target's constructor already runs some.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The target names, in the order <c>fuzz/run</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["jwt", "cookie", "form", "json"];

    /// <summary>Makes the target called <paramref name="name"/>.</summary>
    public static IFuzzTarget Create(string name) => name switch
    {
        "jwt" => new JwtTarget(),
        "cookie" => new CookieTarget(),
        "form" => new FormTarget(),
        "json" => new JsonTarget(),
        _ => throw new ArgumentException($"No fuzz target is called '{name}'.", nameof(name)),
    };
}
