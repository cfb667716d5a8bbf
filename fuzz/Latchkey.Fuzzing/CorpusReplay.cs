namespace Latchkey.Fuzzing;

/// <summary>Runs every file of a corpus or regression folder through a target in-process, without AFL.</summary>
public static class CorpusReplay
{
    /// <summary>The files under <paramref name="paths"/> (files, or folders searched recursively), in a stable order.</summary>
    public static IReadOnlyList<string> Files(IEnumerable<string> paths) =>
        paths.SelectMany(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                : File.Exists(p) ? [p] : [])
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Replays the files and reports each failure.</summary>
    /// <returns>The number of files that failed.</returns>
    public static int Run(IFuzzTarget target, IEnumerable<string> paths, TextWriter output)
    {
        var files = Files(paths);
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Every exception is a finding to report, whatever its type.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                output.WriteLine($"{target.Name}: {file}: {ex}");
            }
        }

        output.WriteLine($"{target.Name}: {files.Count} inputs replayed, {failures} failed");
        return failures;
    }
}
