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

    [LoggerMessage(5005, LogLevel.Warning, "Copying {Count} revocation entries to Redis failed; they are in the durable store and are copied when Redis is back", EventName = "RevocationMirrorFailed")]
    public static partial void RevocationMirrorFailed(ILogger logger, int count, Exception? exception);

    [LoggerMessage(5006, LogLevel.Warning, "Reading revocation entries from Redis failed; the durable store alone rebuilds the revocation state", EventName = "RevocationMirrorReadFailed")]
    public static partial void RevocationMirrorReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(5007, LogLevel.Information, "Copied {Count} revocation entries from the durable store to Redis", EventName = "RevocationMirrorCaughtUp")]
    public static partial void RevocationMirrorCaughtUp(ILogger logger, int count);

    [LoggerMessage(5008, LogLevel.Warning, "Reading revocation entries from the durable store failed; the revocation state is rebuilt from the Redis copy alone", EventName = "RevocationDurableReadFailed")]
    public static partial void RevocationDurableReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(5009, LogLevel.Warning, "Copying revocation entries to Redis after it came back failed; retried at the next reconnect or pruning", EventName = "RevocationMirrorCatchUpFailed")]
    public static partial void RevocationMirrorCatchUpFailed(ILogger logger, Exception exception);
}
