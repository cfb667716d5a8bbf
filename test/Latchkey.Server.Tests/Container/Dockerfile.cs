using System.Text.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// The repository's <c>Dockerfile</c> read as instructions (continuation lines joined, comments dropped), split into
/// its stages, so that the tests run the server the way the image does instead of repeating its settings.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<IReadOnlyList<Instruction>> stages) => Stages = stages;

    /// <summary>The repository's Dockerfile.</summary>
    public static string PathInRepository => Path.Combine(RepositoryFolder.Root(), "Dockerfile");

    /// <summary>The instructions of each stage, from its <c>FROM</c> on.</summary>
    public IReadOnlyList<IReadOnlyList<Instruction>> Stages { get; }

    /// <summary>The first stage, which builds.</summary>
    public IReadOnlyList<Instruction> Build => Stages[0];

    /// <summary>The last stage: the image that runs.</summary>
    public IReadOnlyList<Instruction> Runtime => Stages[^1];

    /// <summary>The runtime stage's environment, as <c>ENV</c> sets it (<c>key=value</c> pairs, without quotes).</summary>
    public IReadOnlyDictionary<string, string> Environment => Runtime.Where(i => i.Keyword == "ENV")
        .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : throw new InvalidOperationException($"ENV {pair[0]} has no '=': write ENV key=value."));

    /// <summary>The one instruction of the runtime stage with <paramref name="keyword"/>.</summary>
    public string Single(string keyword) => Runtime.Single(i => i.Keyword == keyword).Arguments;

    /// <summary>An exec-form argument list (<c>["dotnet", "x.dll"]</c>), as <c>ENTRYPOINT</c> and <c>CMD</c> take it.</summary>
    public static string[] ExecForm(string arguments) =>
        arguments.TrimStart().StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(arguments) ?? []
            : throw new InvalidOperationException($"'{arguments}' is not in exec form: the image has no shell to run it.");

    /// <summary>Reads the repository's Dockerfile.</summary>
    public static Dockerfile Load()
    {
        var instructions = new List<Instruction>();
        var current = string.Empty;
        foreach (var raw in File.ReadAllLines(PathInRepository))
        {
            var line = raw.Trim();
            if (current.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var space = current.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(new Instruction(current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            current = string.Empty;
        }

        var stages = new List<List<Instruction>>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                stages.Add([]);
            }

            stages[^1].Add(instruction);
        }

        return new Dockerfile(stages);
    }

    /// <summary>One instruction: its keyword in upper case and the rest of its (joined) line.</summary>
    internal sealed record Instruction(string Keyword, string Arguments);
}
