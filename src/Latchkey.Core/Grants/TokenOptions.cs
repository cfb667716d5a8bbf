namespace Latchkey.Grants;

/// <summary>Token lifetimes and validation rules (configuration section <c>Latchkey:Tokens</c>).</summary>
public sealed class TokenOptions
{
    /// <summary>How long an access token is valid.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A refresh token unused for this long expires (sliding; each rotation starts it again).</summary>
    /// <value>The default value is 14 days.</value>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A refresh-token family ends this long after the login that started it, whatever the use.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan RefreshTokenAbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// For this long after a refresh token is spent, presenting it again returns the same successor
    /// instead of revoking the family, which absorbs client retries and racing tabs. Zero turns it off:
    /// any reuse then counts as theft. A longer window gives a thief who copied the token the same
    /// window to redeem it unnoticed.
    /// </summary>
    /// <value>The default value is zero (off).</value>
    public TimeSpan RefreshReuseGracePeriod { get; set; } = TimeSpan.Zero;

    /// <summary>How far clocks may disagree when checking <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>aud</c> of access tokens; when unset, the issuer URL.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Audience { get; set; }

    /// <summary>The <c>client_id</c> of tokens obtained without naming a client (password grant, session exchange).</summary>
    /// <value>The default value is <c>latchkey</c>.</value>
    public string DefaultClientId { get; set; } = "latchkey";

    /// <summary>
    /// The scopes the default client (<see cref="DefaultClientId"/>, the password grant without client
    /// authentication) may ask for, space-separated; any other scope is <c>invalid_scope</c>.
    /// </summary>
    /// <value>The default value is <c>profile email</c>.</value>
    public string DefaultClientScopes { get; set; } = "profile email";

    /// <summary>
    /// Tokens longer than this are refused before any parsing or signature work. Latchkey's own tokens
    /// stay well under 1 KiB (an RS256 token with a 4096-bit key is about 1 KiB).
    /// </summary>
    /// <value>The default value is 4096 characters.</value>
    public int MaxTokenLength { get; set; } = 4096;

    /// <summary>
    /// How many validated access tokens the server remembers, so that a token presented again skips the
    /// signature check; expiry, revocation and the signing key are still checked on every request. Each
    /// remembered token costs about 2 KB. Zero turns the cache off.
    /// </summary>
    /// <value>The default value is 10000.</value>
    public int ValidatedTokenCacheSize { get; set; } = 10_000;
}
