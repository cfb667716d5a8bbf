using Microsoft.Extensions.Logging;

namespace Latchkey.Testing;

/// <summary>One log event as a <see cref="LogCapture"/> kept it.</summary>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id and name.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Fields">Every structured value of the event, formatted with the invariant culture.</param>
/// <param name="Text">
/// Everything the event itself carried as one text: the message, each field and the exception with its
/// stack; what a log sink could have written.
/// </param>
/// <param name="Scopes">The values of the scopes active when it was logged (ASP.NET Core's request path among them).</param>
public sealed record CapturedLogEntry(
    string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, string?> Fields, string Text, string Scopes)
{
    /// <summary>A field's value, or null.</summary>
    public string? this[string field] => Fields.TryGetValue(field, out var value) ? value : null;
}
