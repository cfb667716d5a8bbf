using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

/// <summary>
/// The audit trail: security events with stable ids (1500-1699) in the log category
/// <see cref="Category"/>, so that operators can route them apart from diagnostics. Every value is a
/// named field (account id, public session id, refresh-token family id, client id, client address,
/// reason); none is ever a password, session id, token, client secret or key. docs/security-events.md
/// lists them.
/// </summary>
public sealed partial class SecurityAudit
{
    /// <summary>The log category of every audit event.</summary>
    public const string Category = "Latchkey.Audit";

    private readonly ILogger _logger;

    /// <summary>Creates the audit trail on <paramref name="loggerFactory"/>.</summary>
    public SecurityAudit(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(Category);
    }

    /// <summary>Why a login failed. The caller's answer is the same for both; only the audit trail tells them apart.</summary>
    public enum LoginFailure
    {
        /// <summary>No account has this email (or the email was malformed or too long).</summary>
        UnknownAccount,

        /// <summary>The account exists and the password is wrong (or empty or too long).</summary>
        WrongPassword,
    }

    /// <summary>Why a session ended.</summary>
    public enum SessionEnd
    {
        /// <summary>Its owner logged out with it.</summary>
        Logout,

        /// <summary>Its owner ended it from another session or a token, by its public id.</summary>
        RevokedByOwner,

        /// <summary>A login from the same browser replaced it (session fixation defence).</summary>
        ReplacedAtLogin,

        /// <summary>An operator ended it through the admin API or the command line.</summary>
        EndedByOperator,
    }

    /// <summary>Why a presented device token did not count for the login that presented it.</summary>
    public enum DeviceTokenRefusal
    {
        /// <summary>Malformed, altered, or signed under another master secret.</summary>
        Invalid,

        /// <summary>Genuine but past its expiry.</summary>
        Expired,

        /// <summary>Genuine, but bound to another account than the one the login names (or to none that exists).</summary>
        OtherAccount,
    }

    /// <summary>1501: an account was created.</summary>
    [LoggerMessage(1501, LogLevel.Information, "Account {AccountId} created from {ClientIp}", EventName = "AccountCreated")]
    public partial void AccountCreated(string accountId, string? clientIp);

    /// <summary>1502: a password was checked and accepted (session login or password grant).</summary>
    [LoggerMessage(1502, LogLevel.Information, "Login succeeded for account {AccountId} from {ClientIp}", EventName = "LoginSucceeded")]
    public partial void LoginSucceeded(string accountId, string? clientIp);

    /// <summary>1503: a login was refused for wrong credentials; <paramref name="accountId"/> is null for an unknown account.</summary>
    [LoggerMessage(1503, LogLevel.Warning, "Login failed ({Reason}) for account {AccountId} from {ClientIp}", EventName = "LoginFailed")]
    public partial void LoginFailed(LoginFailure reason, string? accountId, string? clientIp);

    /// <summary>
    /// 1504: a credential check (login, password grant, password change, client authentication) was
    /// refused without looking at the credential, because of earlier failures on the counter named; or a
    /// sign-up was refused because its address used up its sign-up rate (<c>KeyKind</c> <c>SignUp</c>).
    /// </summary>
    [LoggerMessage(1504, LogLevel.Warning, "Credential attempt throttled by its {KeyKind} counter from {ClientIp}; retry after {RetryAfterSeconds} s", EventName = "ThrottledAttempt")]
    public partial void ThrottledAttempt(Throttling.ThrottleKeyKind keyKind, string? clientIp, int retryAfterSeconds);

    /// <summary>1505: a browser session started.</summary>
    [LoggerMessage(1505, LogLevel.Information, "Session {SessionPublicId} started for account {AccountId} from {ClientIp}", EventName = "SessionStarted")]
    public partial void SessionStarted(string sessionPublicId, string accountId, string? clientIp);

    /// <summary>1506: one session ended before its timeouts.</summary>
    [LoggerMessage(1506, LogLevel.Information, "Session {SessionPublicId} of account {AccountId} ended ({Reason}) from {ClientIp}", EventName = "SessionEnded")]
    public partial void SessionEnded(string sessionPublicId, string accountId, SessionEnd reason, string? clientIp);

    /// <summary>1507: every session of an account ended (log out everywhere, password change), but the kept one if named.</summary>
    [LoggerMessage(1507, LogLevel.Information, "{Count} sessions of account {AccountId} ended, keeping {KeptSessionPublicId}, from {ClientIp}", EventName = "AllSessionsEnded")]
    public partial void AllSessionsEnded(string accountId, int count, string? keptSessionPublicId, string? clientIp);

    /// <summary>1508: a password was changed.</summary>
    [LoggerMessage(1508, LogLevel.Information, "Password of account {AccountId} changed from {ClientIp}", EventName = "PasswordChanged")]
    public partial void PasswordChanged(string accountId, string? clientIp);

    /// <summary>1509: a password change was refused because the current password was wrong.</summary>
    [LoggerMessage(1509, LogLevel.Warning, "Password change for account {AccountId} refused (wrong current password) from {ClientIp}", EventName = "PasswordChangeRefused")]
    public partial void PasswordChangeRefused(string accountId, string? clientIp);

    /// <summary>1510: a refresh-token family started (password grant).</summary>
    [LoggerMessage(1510, LogLevel.Information, "Refresh-token family {FamilyId} started for account {AccountId}, client {ClientId}, from {ClientIp}", EventName = "RefreshFamilyStarted")]
    public partial void RefreshFamilyStarted(string familyId, string accountId, string clientId, string? clientIp);

    /// <summary>1511: a spent refresh token was presented again; its whole family is revoked.</summary>
    [LoggerMessage(1511, LogLevel.Warning, "Refresh token reuse detected; family {FamilyId} of account {AccountId}, client {ClientId}, revoked; presented from {ClientIp}", EventName = "RefreshReuseDetected")]
    public partial void RefreshReuseDetected(string familyId, string accountId, string clientId, string? clientIp);

    /// <summary>1512: a refresh-token family was revoked (RFC 7009 revocation, log out everywhere, password change).</summary>
    [LoggerMessage(1512, LogLevel.Information, "Refresh-token family {FamilyId} of account {AccountId} revoked from {ClientIp}", EventName = "RefreshFamilyRevoked")]
    public partial void RefreshFamilyRevoked(string familyId, string accountId, string? clientIp);

    /// <summary>
    /// 1513: access tokens were revoked. <paramref name="kind"/> says what <paramref name="id"/> names:
    /// <c>AccessToken</c> a <c>jti</c>; <c>Session</c> a <c>sid</c> (a public session id, or <c>rtf_</c> and a
    /// family id); <c>UserGeneration</c> an account id, every token below <paramref name="generation"/>.
    /// </summary>
    [LoggerMessage(1513, LogLevel.Information, "Access tokens revoked by {Kind} {Id} (generation {Generation}) from {ClientIp}", EventName = "TokenRevoked")]
    public partial void TokenRevoked(string kind, string id, long generation, string? clientIp);

    /// <summary>1514: a client presented wrong credentials, or credentials of an unknown client id.</summary>
    [LoggerMessage(1514, LogLevel.Warning, "Client authentication failed for client {ClientId} from {ClientIp}", EventName = "ClientAuthenticationFailed")]
    public partial void ClientAuthenticationFailed(string? clientId, string? clientIp);

    /// <summary>1515: a new signing key was published; it signs from <paramref name="activatesAt"/>.</summary>
    [LoggerMessage(1515, LogLevel.Information, "Signing key {Kid} ({Algorithm}, sequence {Sequence}) published; signs from {ActivatesAt}", EventName = "KeyRotated")]
    public partial void KeyRotated(string kid, string algorithm, long sequence, DateTimeOffset activatesAt);

    /// <summary>
    /// 1516: a login presented a device token that does not count for it, so the account's and the
    /// address's counters judge it as for any unknown device. The token itself is never logged.
    /// </summary>
    [LoggerMessage(1516, LogLevel.Information, "Device token refused ({Reason}) at login from {ClientIp}", EventName = "DeviceTokenRefused")]
    public partial void DeviceTokenRefused(DeviceTokenRefusal reason, string? clientIp);
}
