using Microsoft.Extensions.Logging;

namespace Latchkey.Stores.Relational;

// Event ids 3000-3999 belong to the SQL stores.
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "{Database} migration {Version} ({Name}) applied", EventName = "MigrationApplied")]
    public static partial void MigrationApplied(ILogger logger, string database, int version, string name);

    [LoggerMessage(3002, LogLevel.Error, "{Database} store fault", EventName = "StoreFault")]
    public static partial void StoreFault(ILogger logger, string database, Exception exception);

    [LoggerMessage(3003, LogLevel.Debug, "{Database} group commit: {Count} writes in one transaction", EventName = "GroupCommitted")]
    public static partial void GroupCommitted(ILogger logger, string database, int count);
}
