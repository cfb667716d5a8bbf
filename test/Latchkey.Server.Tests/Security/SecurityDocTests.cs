using Latchkey.Testing;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// docs/security.md maps claims and ASVS requirements to tests. Every <c>Class.Method</c> it names in a
/// table's Test column must exist under test/, and every row must name a test or say why it has none,
/// so that the document cannot silently rot when tests are renamed or removed.
/// </summary>
public sealed partial class SecurityDocTests
{
    private static readonly string[] Reasons = ["documented:", "n/a:", "not implemented:"];

    [Fact]
    public void EveryReferencedTest_ExistsUnderTest()
    {
        var root = RepositoryRoot();
        var sources = Directory.EnumerateFiles(Path.Combine(root, "test"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var rows = TestCells(File.ReadAllLines(Path.Combine(root, "docs", "security.md"))).ToList();

        var missing = new List<string>();
        var unexplained = new List<string>();
        foreach (var (line, cell) in rows)
        {
            var references = TestReference().Matches(cell).Select(m => m.Groups[1].Value).ToList();
            if (references.Count == 0 && !Reasons.Any(r => cell.Contains(r, StringComparison.Ordinal)))
            {
                unexplained.Add($"line {line}: {cell}");
            }

            missing.AddRange(references.Where(r => !Exists(sources, r)).Select(r => $"line {line}: {r}"));
        }

        Assert.True(rows.Count > 50, $"Expected the mapping tables, found {rows.Count} rows.");
        Assert.True(missing.Count == 0, "Tests named in docs/security.md that do not exist:\n" + string.Join('\n', missing));
        Assert.True(unexplained.Count == 0, "Rows that name no test and give no reason:\n" + string.Join('\n', unexplained));
    }

    [Fact]
    public void NoRow_IsLeftPending()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "security.md"));

        Assert.DoesNotContain("PENDING", text, StringComparison.Ordinal);
    }

    // The last cell of each body row of every table whose header's last column is "Test".
    private static IEnumerable<(int Line, string Cell)> TestCells(string[] lines)
    {
        var inTestTable = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                inTestTable = false;
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (i + 1 < lines.Length && lines[i + 1].TrimStart().StartsWith("| ---", StringComparison.Ordinal))
            {
                inTestTable = cells[^1] == "Test";
                continue;
            }

            if (inTestTable && !line.StartsWith("| ---", StringComparison.Ordinal))
            {
                yield return (i + 1, cells[^1]);
            }
        }
    }

    private static bool Exists(List<string> sources, string reference)
    {
        var dot = reference.IndexOf('.', StringComparison.Ordinal);
        var type = new Regex($@"\bclass {Regex.Escape(reference[..dot])}\b");
        var method = new Regex($@"\b(?:Task|void) {Regex.Escape(reference[(dot + 1)..])}\(");
        return sources.Any(s => type.IsMatch(s) && method.IsMatch(s));
    }

    private static string RepositoryRoot() => RepositoryFolder.Root();

    [GeneratedRegex(@"`([A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*)`")]
    private static partial Regex TestReference();

}
