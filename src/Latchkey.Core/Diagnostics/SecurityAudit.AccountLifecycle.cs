using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Range: 1535-1549, account lifecycle (disable, enable, delete). Events name account ids, never emails.
public sealed partial class SecurityAudit
{
    /// <summary>Who changed an account's lifecycle state.</summary>
    public enum LifecycleActor
    {
        /// <summary>The account's owner, after re-entering the password.</summary>
        Owner,

        /// <summary>An operator, from the server's command line or the admin API (whose own events name the operator).</summary>
        Operator,
    }

    /// <summary>1535: an account was disabled; its sessions, refresh-token families and access tokens end with it.</summary>
    [LoggerMessage(1535, LogLevel.Warning, "Account {AccountId} disabled by {Actor} from {ClientIp}", EventName = "AccountDisabled")]
    public partial void AccountDisabled(string accountId, LifecycleActor actor, string? clientIp);

    /// <summary>1536: a disabled account was enabled again.</summary>
    [LoggerMessage(1536, LogLevel.Warning, "Account {AccountId} enabled by {Actor} from {ClientIp}", EventName = "AccountEnabled")]
    public partial void AccountEnabled(string accountId, LifecycleActor actor, string? clientIp);

    /// <summary>1537: an account and its personal data were deleted; only audit events name it afterwards.</summary>
    [LoggerMessage(1537, LogLevel.Warning, "Account {AccountId} deleted by {Actor} from {ClientIp}", EventName = "AccountDeleted")]
    public partial void AccountDeleted(string accountId, LifecycleActor actor, string? clientIp);

    /// <summary>1538: an owner's deletion was refused because the current password was wrong; nothing changed.</summary>
    [LoggerMessage(1538, LogLevel.Warning, "Deletion of account {AccountId} refused (wrong current password) from {ClientIp}", EventName = "AccountDeletionRefused")]
    public partial void AccountDeletionRefused(string accountId, string? clientIp);

    /// <summary>
    /// 1539: a disabled account was refused: at login or the password grant (with the right password; a
    /// wrong one is an ordinary 1503), or at the refresh grant or a session-token exchange (<c>Step</c>).
    /// </summary>
    [LoggerMessage(1539, LogLevel.Warning, "Disabled account {AccountId} refused at {Step} from {ClientIp}", EventName = "DisabledAccountRefused")]
    public partial void DisabledAccountRefused(string accountId, string step, string? clientIp);

    /// <summary>1540: an account was deleted, but the goodbye message could not be queued because the mail outbox is full.</summary>
    [LoggerMessage(1540, LogLevel.Warning, "Account {AccountId} deleted; its goodbye message was dropped (mail outbox full)", EventName = "GoodbyeMailDropped")]
    public partial void GoodbyeMailDropped(string accountId);
}
