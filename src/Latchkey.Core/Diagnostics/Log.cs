using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Event ids 1000-1999 belong to Latchkey.Core. Log ids and hashes only, never a secret.
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Account {UserId} created", EventName = "AccountCreated")]
    public static partial void AccountCreated(ILogger logger, string userId);

    [LoggerMessage(1002, LogLevel.Information, "Login succeeded for account {UserId} from {ClientIp}", EventName = "LoginSucceeded")]
    public static partial void LoginSucceeded(ILogger logger, string userId, string? clientIp);

    [LoggerMessage(1003, LogLevel.Warning, "Login failed from {ClientIp}", EventName = "LoginFailed")]
    public static partial void LoginFailed(ILogger logger, string? clientIp);

    [LoggerMessage(1004, LogLevel.Warning, "Credential attempt throttled by its {KeyKind} counter from {ClientIp}; retry after {RetryAfterSeconds} s", EventName = "ThrottledAttempt")]
    public static partial void ThrottledAttempt(ILogger logger, Throttling.ThrottleKeyKind keyKind, string? clientIp, int retryAfterSeconds);

    [LoggerMessage(1005, LogLevel.Information, "Password hash of account {UserId} upgraded to the configured parameters", EventName = "PasswordRehashed")]
    public static partial void PasswordRehashed(ILogger logger, string userId);

    [LoggerMessage(1006, LogLevel.Information, "Password of account {UserId} changed", EventName = "PasswordChanged")]
    public static partial void PasswordChanged(ILogger logger, string userId);

    [LoggerMessage(1007, LogLevel.Warning, "Password change for account {UserId} refused: wrong current password", EventName = "PasswordChangeRefused")]
    public static partial void PasswordChangeRefused(ILogger logger, string userId);

    [LoggerMessage(1101, LogLevel.Information, "Session {SessionId} created for account {UserId}", EventName = "SessionCreated")]
    public static partial void SessionCreated(ILogger logger, string sessionId, string userId);

    [LoggerMessage(1102, LogLevel.Information, "Session {SessionId} of account {UserId} ended", EventName = "SessionEnded")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string userId);

    [LoggerMessage(1103, LogLevel.Information, "Session {SessionId} expired", EventName = "SessionExpired")]
    public static partial void SessionExpired(ILogger logger, string sessionId);

    [LoggerMessage(1104, LogLevel.Information, "{Count} sessions of account {UserId} ended", EventName = "SessionsEndedForUser")]
    public static partial void SessionsEndedForUser(ILogger logger, string userId, int count);

    [LoggerMessage(1201, LogLevel.Information, "Signing key {Kid} ({Algorithm}) added; signs from {ActivatesAt}", EventName = "SigningKeyAdded")]
    public static partial void SigningKeyAdded(ILogger logger, string kid, string algorithm, DateTimeOffset activatesAt);

    [LoggerMessage(1202, LogLevel.Information, "{Count} retired signing keys removed", EventName = "SigningKeysRetired")]
    public static partial void SigningKeysRetired(ILogger logger, int count);

    [LoggerMessage(1301, LogLevel.Information, "Access tokens revoked: {Kind} {Id}", EventName = "TokensRevoked")]
    public static partial void TokensRevoked(ILogger logger, string kind, string id);

    [LoggerMessage(1302, LogLevel.Warning, "Refresh token reuse detected; family {FamilyId} of account {UserId} revoked", EventName = "RefreshTokenReuseDetected")]
    public static partial void RefreshTokenReuseDetected(ILogger logger, string familyId, string userId);

    [LoggerMessage(1303, LogLevel.Information, "Refresh-token family {FamilyId} revoked", EventName = "RefreshFamilyRevoked")]
    public static partial void RefreshFamilyRevoked(ILogger logger, string familyId);

    [LoggerMessage(1304, LogLevel.Warning, "Client authentication failed for client {ClientId} from {ClientIp}", EventName = "ClientAuthenticationFailed")]
    public static partial void ClientAuthenticationFailed(ILogger logger, string clientId, string? clientIp);

    [LoggerMessage(1008, LogLevel.Warning, "Argon2id parameters m={MemoryKiB} KiB, t={Iterations} are below the OWASP minimum (m=19456, t=2); use them for tests only", EventName = "WeakPasswordHashing")]
    public static partial void WeakPasswordHashing(ILogger logger, int memoryKiB, int iterations);
}
