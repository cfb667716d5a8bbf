using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Email verification, password reset and email change (1520-1534). Accounts are named by id, never by address or token.
public sealed partial class SecurityAudit
{
    /// <summary>1520: an account token was issued and its mail queued.</summary>
    [LoggerMessage(1520, LogLevel.Information, "Account token ({Purpose}) issued for account {AccountId} from {ClientIp}", EventName = "AccountTokenIssued")]
    public partial void AccountTokenIssued(string purpose, string accountId, string? clientIp);

    /// <summary>1521: an account token was refused (malformed, unknown, expired or used).</summary>
    [LoggerMessage(1521, LogLevel.Warning, "Account token ({Purpose}) refused ({Reason}) from {ClientIp}", EventName = "AccountTokenRefused")]
    public partial void AccountTokenRefused(string purpose, string reason, string? clientIp);

    /// <summary>1522: an account's address was verified.</summary>
    [LoggerMessage(1522, LogLevel.Information, "Email of account {AccountId} verified from {ClientIp}", EventName = "EmailVerified")]
    public partial void EmailVerified(string accountId, string? clientIp);

    /// <summary>1523: a password reset was requested (logged only for a known account).</summary>
    [LoggerMessage(1523, LogLevel.Information, "Password reset requested for account {AccountId} from {ClientIp}", EventName = "PasswordResetRequested")]
    public partial void PasswordResetRequested(string accountId, string? clientIp);

    /// <summary>1524: a password was reset through a link; every session and token of the account ended.</summary>
    [LoggerMessage(1524, LogLevel.Warning, "Password of account {AccountId} reset from {ClientIp}", EventName = "PasswordReset")]
    public partial void PasswordReset(string accountId, string? clientIp);

    /// <summary>1525: an email change was requested (current password checked).</summary>
    [LoggerMessage(1525, LogLevel.Information, "Email change requested for account {AccountId} from {ClientIp}", EventName = "EmailChangeRequested")]
    public partial void EmailChangeRequested(string accountId, string? clientIp);

    /// <summary>1526: an email change was refused (wrong current password or address taken).</summary>
    [LoggerMessage(1526, LogLevel.Warning, "Email change for account {AccountId} refused ({Reason}) from {ClientIp}", EventName = "EmailChangeRefused")]
    public partial void EmailChangeRefused(string accountId, string reason, string? clientIp);

    /// <summary>1527: an email change was confirmed from the new address.</summary>
    [LoggerMessage(1527, LogLevel.Warning, "Email of account {AccountId} changed from {ClientIp}", EventName = "EmailChanged")]
    public partial void EmailChanged(string accountId, string? clientIp);

    /// <summary>1528: an email change was undone from the old address; every session of the account ended.</summary>
    [LoggerMessage(1528, LogLevel.Warning, "Email change of account {AccountId} undone from {ClientIp}", EventName = "EmailChangeUndone")]
    public partial void EmailChangeUndone(string accountId, string? clientIp);

    /// <summary>1529: a login was refused because the account's address is not verified.</summary>
    [LoggerMessage(1529, LogLevel.Information, "Login of account {AccountId} refused (email not verified) from {ClientIp}", EventName = "LoginUnverified")]
    public partial void LoginUnverified(string accountId, string? clientIp);
}
