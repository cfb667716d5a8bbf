using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore;

// Event ids 2000-2999 belong to Latchkey.AspNetCore.
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Error, "Unhandled error on {Method} {Path}", EventName = "UnhandledError")]
    public static partial void UnhandledError(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(2002, LogLevel.Warning, "Store unavailable on {Method} {Path}", EventName = "StoreUnavailable")]
    public static partial void StoreUnavailable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(2003, LogLevel.Warning, "At capacity ({Reason}); request refused with 503", EventName = "HashingBusy")]
    public static partial void HashingBusy(ILogger logger, string reason);

    // 2004 and 2005 were the maintenance events, now Latchkey.Core's 1900 and 1901.

    [LoggerMessage(2006, LogLevel.Error, "The application's {Event} handler failed", EventName = "EventFailed")]
    public static partial void EventFailed(ILogger logger, string @event, Exception exception);
}
