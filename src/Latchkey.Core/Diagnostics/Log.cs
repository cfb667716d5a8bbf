using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Event ids 1000-1999 belong to Latchkey.Core; 1500-1599 are the audit events of SecurityAudit.
// Log ids and hashes only, never a secret.
internal static partial class Log
{
    [LoggerMessage(1005, LogLevel.Information, "Password hash of account {UserId} upgraded to the configured parameters", EventName = "PasswordRehashed")]
    public static partial void PasswordRehashed(ILogger logger, string userId);

    [LoggerMessage(1103, LogLevel.Information, "Session {SessionId} expired", EventName = "SessionExpired")]
    public static partial void SessionExpired(ILogger logger, string sessionId);

    [LoggerMessage(1202, LogLevel.Information, "{Count} retired signing keys removed", EventName = "SigningKeysRetired")]
    public static partial void SigningKeysRetired(ILogger logger, int count);

    [LoggerMessage(1008, LogLevel.Warning, "Argon2id parameters m={MemoryKiB} KiB, t={Iterations} are below the OWASP minimum (m=19456, t=2); use them for tests only", EventName = "WeakPasswordHashing")]
    public static partial void WeakPasswordHashing(ILogger logger, int memoryKiB, int iterations);

    [LoggerMessage(1210, LogLevel.Warning, "Stored client {ClientId} is not served: {Reasons}", EventName = "StoredClientIgnored")]
    public static partial void StoredClientIgnored(ILogger logger, string clientId, string reasons);

    [LoggerMessage(1900, LogLevel.Information, "Pruned {Count} expired sessions and refresh tokens", EventName = "Pruned")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(1901, LogLevel.Warning, "Background {Task} failed; it runs again at the next interval", EventName = "MaintenanceFailed")]
    public static partial void MaintenanceFailed(ILogger logger, string task, Exception exception);
}
