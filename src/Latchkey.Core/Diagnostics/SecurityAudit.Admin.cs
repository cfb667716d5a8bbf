using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Administration (1600-1619): the admin API and the operator commands. The operator is named by kind and id (an
// account id for a session, a client id for a service); never a secret, and a client secret shown once is never logged.
public sealed partial class SecurityAudit
{
    /// <summary>1600: an operator read through the admin API (a list or one record).</summary>
    [LoggerMessage(1600, LogLevel.Information, "Admin {Action} on {Target} by {OperatorKind} {OperatorId} from {ClientIp}: {Status}", EventName = "AdminRead")]
    public partial void AdminRead(string action, string? target, string operatorKind, string operatorId, string? clientIp, int status);

    /// <summary>1601: an operator asked the admin API for a change; <c>Status</c> is the HTTP answer (2xx: done).</summary>
    [LoggerMessage(1601, LogLevel.Warning, "Admin {Action} on {Target} by {OperatorKind} {OperatorId} from {ClientIp}: {Status}", EventName = "AdminChange")]
    public partial void AdminChange(string action, string? target, string operatorKind, string operatorId, string? clientIp, int status);

    /// <summary>1602: an authenticated caller that is no operator (no admin role, no <c>admin</c> scope) was refused the admin API.</summary>
    [LoggerMessage(1602, LogLevel.Warning, "Admin {Action} refused to {CallerKind} {CallerId} from {ClientIp}: not an operator", EventName = "AdminRefused")]
    public partial void AdminRefused(string action, string callerKind, string callerId, string? clientIp);

    /// <summary>1603: an account's roles were changed (from the command line).</summary>
    [LoggerMessage(1603, LogLevel.Warning, "Roles of account {AccountId} set to {Roles} by {Actor}", EventName = "AccountRolesChanged")]
    public partial void AccountRolesChanged(string accountId, Accounts.AccountRoles roles, string actor);

    /// <summary>1604: an operator removed every second factor of an account (authenticator, recovery codes, passkeys).</summary>
    [LoggerMessage(1604, LogLevel.Warning, "Second factors of account {AccountId} reset by {Actor}: {Removed}", EventName = "MfaReset")]
    public partial void MfaReset(string accountId, string actor, string removed);

    /// <summary>1605: a signing key was retired before its time: it no longer signs or verifies anything.</summary>
    [LoggerMessage(1605, LogLevel.Warning, "Signing key {Kid} retired by {Actor}; replacement {Replacement}", EventName = "KeyRetired")]
    public partial void KeyRetired(string kid, string actor, string? replacement);
}
