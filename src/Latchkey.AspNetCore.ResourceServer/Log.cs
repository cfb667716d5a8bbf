using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.ResourceServer;

// Event ids 6000-6999 belong to Latchkey.AspNetCore.ResourceServer. Tokens are never logged, nor their key ids
// (a client chooses those); only the reason a token was refused.
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "Loaded {KeyCount} signing keys of {Authority} from {JwksUri}", EventName = "KeysLoaded")]
    public static partial void KeysLoaded(ILogger logger, int keyCount, string authority, Uri jwksUri);

    [LoggerMessage(6001, LogLevel.Debug, "The signing keys of {Authority} are unchanged ({KeyCount} keys)", EventName = "KeysUnchanged")]
    public static partial void KeysUnchanged(ILogger logger, string authority, int keyCount);

    [LoggerMessage(6002, LogLevel.Warning, "Fetching the signing keys of {Authority} failed; the last known keys ({KeyCount}) stay in use", EventName = "KeyFetchFailed")]
    public static partial void KeyFetchFailed(ILogger logger, string authority, int keyCount, Exception exception);

    [LoggerMessage(6003, LogLevel.Warning, "The discovery document at {MetadataAddress} names the issuer '{Issuer}', not the configured authority {Authority}; its keys are not used", EventName = "IssuerMismatch")]
    public static partial void IssuerMismatch(ILogger logger, Uri metadataAddress, string? issuer, string authority);

    [LoggerMessage(6004, LogLevel.Warning, "The discovery document at {MetadataAddress} has no usable jwks_uri (absolute, and https unless loopback or RequireHttpsMetadata is off)", EventName = "InvalidJwksUri")]
    public static partial void InvalidJwksUri(ILogger logger, Uri metadataAddress);

    [LoggerMessage(6005, LogLevel.Warning, "The JWKS at {JwksUri} holds no usable signing key; the last known keys ({KeyCount}) stay in use", EventName = "NoUsableKeys")]
    public static partial void NoUsableKeys(ILogger logger, Uri jwksUri, int keyCount);

    [LoggerMessage(6006, LogLevel.Debug, "Ignored {Count} entries of the JWKS at {JwksUri}: no kid, a repeated kid, or not a public signature key", EventName = "KeysIgnored")]
    public static partial void KeysIgnored(ILogger logger, int count, Uri jwksUri);

    [LoggerMessage(6007, LogLevel.Debug, "A token names an unknown key, but the keys of {Authority} were fetched less than {Cooldown} ago; they are not fetched again yet", EventName = "RefreshDeferred")]
    public static partial void RefreshDeferred(ILogger logger, string authority, TimeSpan cooldown);

    [LoggerMessage(6100, LogLevel.Debug, "Bearer token refused: {Reason}", EventName = "TokenRefused")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(6101, LogLevel.Debug, "Bearer token accepted for subject {Subject}", EventName = "TokenAccepted")]
    public static partial void TokenAccepted(ILogger logger, string subject);

    [LoggerMessage(6103, LogLevel.Information, "Revocation feed connected; {Count} live revocations loaded", EventName = "RevocationFeedReady")]
    public static partial void RevocationFeedReady(ILogger logger, int count);

    [LoggerMessage(6102, LogLevel.Warning, "Revocation feed dropped; reconnecting", EventName = "RevocationFeedFailed")]
    public static partial void RevocationFeedFailed(ILogger logger, Exception exception);
}
