using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Back-channel logout: 1320-1329. A notice is named by its client and the session's public id, never by its token.
internal static partial class Log
{
    [LoggerMessage(1320, LogLevel.Debug, "Back-channel logout of session {SessionId} delivered to client {ClientId} on attempt {Attempt}", EventName = "BackChannelLogoutDelivered")]
    public static partial void BackChannelLogoutDelivered(ILogger logger, string clientId, string sessionId, int attempt);

    [LoggerMessage(1321, LogLevel.Warning, "Back-channel logout of session {SessionId} to client {ClientId} failed on attempt {Attempt} ({Reason}); next try in {Delay}", EventName = "BackChannelLogoutFailed")]
    public static partial void BackChannelLogoutFailed(ILogger logger, string clientId, string sessionId, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(1322, LogLevel.Warning, "Back-channel logout pass failed; it runs again at the next poll", EventName = "BackChannelLogoutPassFailed")]
    public static partial void BackChannelLogoutPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(1323, LogLevel.Warning, "Back-channel logout lease on session {SessionId} for client {ClientId} was lost before its outcome was recorded", EventName = "BackChannelLogoutLeaseLost")]
    public static partial void BackChannelLogoutLeaseLost(ILogger logger, string clientId, string sessionId);

    [LoggerMessage(1324, LogLevel.Information, "Back-channel logout of session {SessionId} dropped: client {ClientId} has no back-channel logout URI now", EventName = "BackChannelLogoutNoUri")]
    public static partial void BackChannelLogoutNoUri(ILogger logger, string clientId, string sessionId);

    [LoggerMessage(1325, LogLevel.Error, "Back-channel logouts could not be queued: the store did not answer", EventName = "BackChannelLogoutNotQueued")]
    public static partial void BackChannelLogoutNotQueued(ILogger logger, Exception exception);
}
