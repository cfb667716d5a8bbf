using Microsoft.Extensions.Logging;

namespace Latchkey.Stores.PostgreSql;

// Event ids 4000-4999 belong to Latchkey.Stores.PostgreSql.
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Warning, "Publishing a revocation over PostgreSQL failed; other nodes resynchronize from the store", EventName = "RevocationPublishFailed")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(4002, LogLevel.Warning, "Listening for revocations over PostgreSQL failed; reconnecting", EventName = "RevocationListenFailed")]
    public static partial void ListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(4003, LogLevel.Information, "Revocation listener reconnected; state rebuilt from the store", EventName = "RevocationResynchronized")]
    public static partial void Resynchronized(ILogger logger);
}
