using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// Passkeys (1580-1589). Never a credential id, public key, challenge, ceremony id or client data; accounts and passkeys by id.
public sealed partial class SecurityAudit
{
    /// <summary>1580: a passkey was registered to an account.</summary>
    [LoggerMessage(1580, LogLevel.Warning, "Passkey {PasskeyId} registered for account {AccountId} from {ClientIp}", EventName = "PasskeyRegistered")]
    public partial void PasskeyRegistered(string passkeyId, string accountId, string? clientIp);

    /// <summary>1581: a passkey was removed from an account.</summary>
    [LoggerMessage(1581, LogLevel.Warning, "Passkey {PasskeyId} removed from account {AccountId} from {ClientIp}", EventName = "PasskeyRemoved")]
    public partial void PasskeyRemoved(string passkeyId, string accountId, string? clientIp);

    /// <summary>1582: a passkey signed in (alone, or as the second factor: <c>step</c>).</summary>
    [LoggerMessage(1582, LogLevel.Information, "Passkey {PasskeyId} of account {AccountId} accepted at {Step} from {ClientIp}", EventName = "PasskeySignInSucceeded")]
    public partial void PasskeySignInSucceeded(string passkeyId, string accountId, string step, string? clientIp);

    /// <summary>1583: a passkey response was refused (at registration or sign-in; the account when known).</summary>
    [LoggerMessage(1583, LogLevel.Warning, "Passkey refused at {Step} ({Reason}) for account {AccountId} from {ClientIp}", EventName = "PasskeyRefused")]
    public partial void PasskeyRefused(string step, string reason, string? accountId, string? clientIp);

    /// <summary>1584: a passkey's signature counter did not increase: a possible cloned authenticator; the sign-in was refused.</summary>
    [LoggerMessage(1584, LogLevel.Error, "Passkey {PasskeyId} of account {AccountId} presented a signature counter that did not increase (stored {Stored}, presented {Presented}) from {ClientIp}", EventName = "PasskeySignCountAnomaly")]
    public partial void PasskeySignCountAnomaly(string passkeyId, string accountId, uint stored, uint presented, string? clientIp);

    /// <summary>1585: a passkey's backup eligibility changed since registration, which the specification forbids; the sign-in was refused.</summary>
    [LoggerMessage(1585, LogLevel.Error, "Passkey {PasskeyId} of account {AccountId} changed its backup eligibility from {ClientIp}", EventName = "PasskeyBackupEligibilityChanged")]
    public partial void PasskeyBackupEligibilityChanged(string passkeyId, string accountId, string? clientIp);
}
