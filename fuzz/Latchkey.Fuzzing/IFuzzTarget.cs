namespace Latchkey.Fuzzing;

/// <summary>
/// One fuzz target: feeds an input to a parser and returns normally for every documented outcome (a
/// valid or invalid result, a 4xx answer). Anything else escapes as an exception, which AFL++ counts as a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name given on the command line and used for <c>fuzz/corpus/&lt;name&gt;/</c>.</summary>
    string Name { get; }

    /// <summary>Runs one input.</summary>
    void Run(ReadOnlySpan<byte> input);
}
