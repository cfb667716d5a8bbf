using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Latchkey.Testing;

/// <summary>
/// Keeps every event an application logs, whatever its category or level, with its structured values,
/// scopes and exception. Appending is a lock-free enqueue, so capturing at Trace does not slow a suite.
/// </summary>
[ProviderAlias("Capture")]
public sealed class LogCapture(Action<string, LogLevel, string>? sink = null) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private readonly Action<string, LogLevel, string>? _sink = sink;
    private IExternalScopeProvider? _scopes;

    /// <summary>The events so far, in the order they were logged.</summary>
    public IReadOnlyCollection<CapturedLogEntry> Entries => _entries;

    /// <summary>The events with this event name, in order.</summary>
    public IReadOnlyList<CapturedLogEntry> Named(string eventName) => [.. _entries.Where(e => e.EventId.Name == eventName)];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Format)),
        _ => value.ToString(),
    };

    private sealed class Logger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            var text = new StringBuilder(message);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    var formatted = Format(value);
                    fields[key] = formatted;
                    text.Append(' ').Append(key).Append('=').Append(formatted);
                }
            }

            if (exception is not null)
            {
                text.Append(' ').Append(exception);
            }

            var scopes = new StringBuilder();
            capture._scopes?.ForEachScope((scope, sb) => sb.Append(Format(scope)).Append(' '), scopes);
            var entry = new CapturedLogEntry(category, logLevel, eventId, message, fields, text.ToString(), scopes.ToString());
            capture._entries.Enqueue(entry);
            capture._sink?.Invoke(category, logLevel, entry.Text);
        }
    }
}
