using Microsoft.Extensions.Logging;

namespace Latchkey.Diagnostics;

// OpenID Connect (1590-1599). Never a code, token or state; accounts by id, clients by their registered id.
public sealed partial class SecurityAudit
{
    /// <summary>1590: an authorization code was presented again; what its first use issued is revoked (RFC 6749 §4.1.2).</summary>
    [LoggerMessage(1590, LogLevel.Warning, "Authorization code replayed for client {ClientId}, account {AccountId}; grant {GrantId} revoked; presented from {ClientIp}", EventName = "AuthorizationCodeReplayed")]
    public partial void AuthorizationCodeReplayed(string clientId, string accountId, string grantId, string? clientIp);

    /// <summary>1591: an account consented to a client's scopes (or a first-party client's grant was recorded).</summary>
    [LoggerMessage(1591, LogLevel.Information, "Account {AccountId} consented to client {ClientId} for {Scope} from {ClientIp}", EventName = "ConsentGranted")]
    public partial void ConsentGranted(string accountId, string clientId, string scope, string? clientIp);

    /// <summary>1592: an account revoked a client's consent and refresh tokens.</summary>
    [LoggerMessage(1592, LogLevel.Warning, "Account {AccountId} revoked client {ClientId}: consent and {Families} refresh-token families, from {ClientIp}", EventName = "ConsentRevoked")]
    public partial void ConsentRevoked(string accountId, string clientId, int families, string? clientIp);

    /// <summary>1593: an authorization code was issued.</summary>
    [LoggerMessage(1593, LogLevel.Information, "Authorization code issued to client {ClientId} for account {AccountId}, session {SessionId}, grant {GrantId}", EventName = "AuthorizationCodeIssued")]
    public partial void AuthorizationCodeIssued(string clientId, string accountId, string sessionId, string grantId);

    /// <summary>1594: a client was stored (registered at run time); confidential clients were shown their secret once.</summary>
    [LoggerMessage(1594, LogLevel.Warning, "Client {ClientId} registered ({Kind}) by {Actor}", EventName = "ClientRegistered")]
    public partial void ClientRegistered(string clientId, string kind, string actor);

    /// <summary>1595: a stored client's definition was replaced.</summary>
    [LoggerMessage(1595, LogLevel.Warning, "Client {ClientId} changed by {Actor}", EventName = "ClientUpdated")]
    public partial void ClientUpdated(string clientId, string actor);

    /// <summary>1596: a stored client got a new secret; the old one stopped working.</summary>
    [LoggerMessage(1596, LogLevel.Warning, "Secret of client {ClientId} rotated by {Actor}", EventName = "ClientSecretRotated")]
    public partial void ClientSecretRotated(string clientId, string actor);

    /// <summary>1597: a stored client was removed.</summary>
    [LoggerMessage(1597, LogLevel.Warning, "Client {ClientId} removed by {Actor}", EventName = "ClientRemoved")]
    public partial void ClientRemoved(string clientId, string actor);

    /// <summary>1598: a relying party's logout request (RP-initiated logout) ended a browser session.</summary>
    [LoggerMessage(1598, LogLevel.Information, "Session {SessionId} of account {AccountId} ended at the request of client {ClientId} (RP-initiated logout) from {ClientIp}", EventName = "RpInitiatedLogout")]
    public partial void RpInitiatedLogout(string sessionId, string accountId, string? clientId, string? clientIp);

    /// <summary>1599: a back-channel logout was given up after its last attempt; the client may still hold the session.</summary>
    [LoggerMessage(1599, LogLevel.Warning, "Back-channel logout of session {SessionId} (account {AccountId}) to client {ClientId} given up after {Attempts} attempts ({Reason})", EventName = "BackChannelLogoutAbandoned")]
    public partial void BackChannelLogoutAbandoned(string clientId, string accountId, string sessionId, int attempts, string reason);
}
