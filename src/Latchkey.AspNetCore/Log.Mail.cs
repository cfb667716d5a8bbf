using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore;

// Mail: 2100-2109. Host and port only; never the SMTP credentials.
internal static partial class Log
{
    [LoggerMessage(2100, LogLevel.Information, "No SMTP server configured (Latchkey:Smtp:Host): mail is written as .eml files to {Folder}", EventName = "MailToPickupFolder")]
    public static partial void MailToPickupFolder(ILogger logger, string folder);

    [LoggerMessage(2101, LogLevel.Information, "Mail is delivered through SMTP server {Host}:{Port} ({Security})", EventName = "MailToSmtp")]
    public static partial void MailToSmtp(ILogger logger, string host, int port, string security);
}
