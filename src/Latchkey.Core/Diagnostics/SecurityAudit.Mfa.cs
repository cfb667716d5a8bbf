using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Multi-factor authentication and step-up (1560-1579). Never a secret, code or challenge; accounts by id.
public sealed partial class SecurityAudit
{
    /// <summary>1560: a password sign-in of an account with a second factor got a challenge instead of a session.</summary>
    [LoggerMessage(1560, LogLevel.Information, "Second factor ({Kind}) asked of account {AccountId} from {ClientIp}", EventName = "MfaChallengeIssued")]
    public partial void MfaChallengeIssued(string kind, string accountId, string? clientIp);

    /// <summary>1561: a second factor was accepted; the session follows.</summary>
    [LoggerMessage(1561, LogLevel.Information, "Second factor ({Method}) accepted for account {AccountId} from {ClientIp}", EventName = "SecondFactorAccepted")]
    public partial void SecondFactorAccepted(string method, string accountId, string? clientIp);

    /// <summary>1562: a second factor was refused (wrong or replayed code, unknown or spent challenge).</summary>
    [LoggerMessage(1562, LogLevel.Warning, "Second factor refused ({Reason}) for account {AccountId} from {ClientIp}", EventName = "SecondFactorRefused")]
    public partial void SecondFactorRefused(string reason, string? accountId, string? clientIp);

    /// <summary>1563: a TOTP authenticator was confirmed for an account.</summary>
    [LoggerMessage(1563, LogLevel.Warning, "TOTP authenticator enrolled for account {AccountId} from {ClientIp}", EventName = "TotpEnrolled")]
    public partial void TotpEnrolled(string accountId, string? clientIp);

    /// <summary>1564: an account's TOTP authenticator and recovery codes were removed.</summary>
    [LoggerMessage(1564, LogLevel.Warning, "TOTP authenticator removed from account {AccountId} from {ClientIp}", EventName = "TotpRemoved")]
    public partial void TotpRemoved(string accountId, string? clientIp);

    /// <summary>1565: a new set of recovery codes replaced the account's old ones.</summary>
    [LoggerMessage(1565, LogLevel.Warning, "Recovery codes generated for account {AccountId} from {ClientIp}", EventName = "RecoveryCodesGenerated")]
    public partial void RecoveryCodesGenerated(string accountId, string? clientIp);

    /// <summary>1566: a recovery code was spent at sign-in.</summary>
    [LoggerMessage(1566, LogLevel.Warning, "Recovery code used for account {AccountId} from {ClientIp}; {Remaining} left", EventName = "RecoveryCodeUsed")]
    public partial void RecoveryCodeUsed(string accountId, int remaining, string? clientIp);

    /// <summary>1567: a sensitive action was refused because the sign-in behind the request is not recent.</summary>
    [LoggerMessage(1567, LogLevel.Information, "Re-authentication required of account {AccountId} for {Action} from {ClientIp}", EventName = "ReauthenticationRequired")]
    public partial void ReauthenticationRequired(string accountId, string action, string? clientIp);

    /// <summary>1568: a password alone was refused where a second factor is needed (the password grant of an account with one, or of a client that requires one).</summary>
    [LoggerMessage(1568, LogLevel.Warning, "Password-only sign-in of account {AccountId} refused at {Step} ({Reason}) from {ClientIp}", EventName = "PasswordOnlyRefused")]
    public partial void PasswordOnlyRefused(string accountId, string step, string reason, string? clientIp);
}
