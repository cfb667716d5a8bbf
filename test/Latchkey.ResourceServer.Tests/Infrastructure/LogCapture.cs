using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>Keeps every log line an application writes, at every level, with its event id.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> _lines = new();

    public IReadOnlyCollection<(string Category, LogLevel Level, EventId Id, string Message)> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, EventId, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                message += " " + string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"));
            }

            if (exception is not null)
            {
                message += " " + exception;
            }

            lines.Enqueue((category, logLevel, eventId, message));
        }
    }
}
