using Microsoft.Extensions.Logging;

namespace Latchkey.Stores.Redis;

// Event ids 5000-5999 belong to Latchkey.Stores.Redis.
internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Warning, "Redis operation failed", EventName = "RedisFault")]
    public static partial void RedisFault(ILogger logger, Exception exception);

    [LoggerMessage(5002, LogLevel.Warning, "Publishing a revocation over Redis failed; other nodes resynchronize from the store", EventName = "RevocationPublishFailed")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(5003, LogLevel.Information, "Redis connection restored; revocation state rebuilt from the store", EventName = "RevocationResynchronized")]
    public static partial void Resynchronized(ILogger logger);

    [LoggerMessage(5004, LogLevel.Warning, "Resynchronizing revocations after a Redis reconnect failed", EventName = "ResynchronizeFailed")]
    public static partial void ResynchronizeFailed(ILogger logger, Exception exception);
}
