using Microsoft.Extensions.Logging;

namespace Latchkey.Stores.Sqlite;

// Event ids 3000-3999 belong to Latchkey.Stores.Sqlite.
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "SQLite migration {Version} ({Name}) applied", EventName = "MigrationApplied")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(3002, LogLevel.Error, "SQLite store fault (error code {ErrorCode})", EventName = "StoreFault")]
    public static partial void StoreFault(ILogger logger, int errorCode, Exception exception);
}
