using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Mail: 1300-1319. A message is named by its outbox id, never by its recipient or content.
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Debug, "Mail {MessageId} queued ({Template})", EventName = "MailQueued")]
    public static partial void MailQueued(ILogger logger, string messageId, string template);

    [LoggerMessage(1301, LogLevel.Debug, "Mail {MessageId} delivered on attempt {Attempt}", EventName = "MailDelivered")]
    public static partial void MailDelivered(ILogger logger, string messageId, int attempt);

    [LoggerMessage(1302, LogLevel.Information, "Mail {MessageId} not delivered on attempt {Attempt} ({Reason}); next attempt in {Delay}", EventName = "MailDeliveryFailed")]
    public static partial void MailDeliveryFailed(ILogger logger, string messageId, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(1303, LogLevel.Warning, "Mail {MessageId} dropped after {Attempts} attempts over {Age} ({Reason})", EventName = "MailDropped")]
    public static partial void MailDropped(ILogger logger, string messageId, int attempts, TimeSpan age, string reason);

    [LoggerMessage(1304, LogLevel.Warning, "Mail {MessageId} cannot be decrypted (altered, or the master secret changed); dropped", EventName = "MailUnreadable")]
    public static partial void MailUnreadable(ILogger logger, string messageId);

    [LoggerMessage(1305, LogLevel.Warning, "Mail outbox full ({MaxPending} messages); a message was refused", EventName = "MailOutboxFull")]
    public static partial void MailOutboxFull(ILogger logger, int maxPending);

    [LoggerMessage(1306, LogLevel.Warning, "Mail delivery pass failed; it runs again at the next poll", EventName = "MailDeliveryPassFailed")]
    public static partial void MailDeliveryPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(1307, LogLevel.Warning, "Mail template {Template} has a placeholder {Placeholder} without a value; it renders empty", EventName = "MailPlaceholderMissing")]
    public static partial void MailPlaceholderMissing(ILogger logger, string template, string placeholder);

    [LoggerMessage(1308, LogLevel.Warning, "Mail lease on {MessageId} was lost before its outcome was recorded; another node owns it now", EventName = "MailLeaseLost")]
    public static partial void MailLeaseLost(ILogger logger, string messageId);

    [LoggerMessage(1309, LogLevel.Warning, "No mail sender is registered (IEmailSender); queued mail stays in the outbox", EventName = "MailNoSender")]
    public static partial void MailNoSender(ILogger logger);
}
