using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server;

/// <summary>
/// Turns the failures an operator fixes in the configuration (a bad option value, a master secret that does not fit
/// the stored keys, a store combination that cannot work) into one line per problem on stderr, <c>key: what is
/// wrong</c>, and exit code <see cref="ExitCode"/>. Anything else is not caught: a bug keeps its stack trace.
/// </summary>
internal static partial class StartupErrors
{
    /// <summary>The exit code of a configuration error (<c>EX_CONFIG</c> of sysexits.h).</summary>
    public const int ExitCode = 78;

    /// <summary>Runs <paramref name="run"/> and reports a configuration error it throws as lines instead of a stack trace.</summary>
    public static async Task<int> ReportAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (Describe(ex) is { Count: > 0 } lines)
        {
            foreach (var line in lines)
            {
                await Console.Error.WriteLineAsync(line);
            }

            return ExitCode;
        }
    }

    /// <summary>One line per problem that <paramref name="exception"/> reports, or none when it is not a configuration error.</summary>
    public static IReadOnlyList<string> Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures.Select(f => Line(KeyAtStart(f), f))],
        LatchkeyConfigurationException configuration => [Line(configuration.Key, configuration.Message)],
        // The configuration binder's message names the key and the value that is not of the option's type.
        InvalidOperationException { Message: var message } when BinderFailure().Match(message) is { Success: true } binder =>
            [$"{binder.Groups["key"].Value}: '{binder.Groups["value"].Value}' is not a valid {binder.Groups["type"].Value.Split('.')[^1]}."],
        // The start-up validator reports each options class that failed; report them all, or none if any is not ours.
        AggregateException aggregate when aggregate.InnerExceptions.Select(Describe).ToList() is var parts && parts.All(p => p.Count > 0) =>
            [.. parts.SelectMany(p => p)],
        _ => [],
    };

    // "key: what is wrong", on one line whatever the message holds.
    private static string Line(string key, string message)
    {
        var flat = string.Join(' ', message.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (key.Length == 0)
        {
            return flat;
        }

        return flat.StartsWith(key + " ", StringComparison.Ordinal) ? $"{key}: {flat[(key.Length + 1)..]}" : $"{key}: {flat}";
    }

    // Latchkey's validators start each failure with the key it is about ("Latchkey:Sessions:IdleTimeout must be ...").
    private static string KeyAtStart(string failure) =>
        ConfigurationKey().Match(failure) is { Success: true } match ? match.Groups["key"].Value : string.Empty;

    [GeneratedRegex(@"^(?<key>[A-Za-z][\w.-]*(?::[\w.-]+)+) ")]
    private static partial Regex ConfigurationKey();

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.", RegexOptions.Singleline)]
    private static partial Regex BinderFailure();
}
