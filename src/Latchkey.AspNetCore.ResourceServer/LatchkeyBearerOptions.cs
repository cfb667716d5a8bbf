using Microsoft.AspNetCore.Authentication;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>How a resource server accepts Latchkey access tokens.</summary>
public sealed class LatchkeyBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>Creates the options with empty <see cref="Events"/>.</summary>
    public LatchkeyBearerOptions()
    {
        Events = new LatchkeyBearerEvents();
    }

    /// <summary>
    /// Hooks into the handler: <see cref="LatchkeyBearerEvents.OnTokenValidated"/> can add claims or refuse a
    /// valid token, <see cref="LatchkeyBearerEvents.OnChallenge"/> and <see cref="LatchkeyBearerEvents.OnForbidden"/>
    /// can write the answer's body. To take them from DI instead, register a type derived from
    /// <see cref="LatchkeyBearerEvents"/> and name it in <see cref="AuthenticationSchemeOptions.EventsType"/>.
    /// </summary>
    /// <value>The default value is an instance without any delegate set.</value>
    public new LatchkeyBearerEvents Events
    {
        get => (LatchkeyBearerEvents)base.Events!;
        set => base.Events = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Where tokens are validated. When <see langword="null"/>, against the keys of the Latchkey server named by
    /// <see cref="Authority"/> (its discovery document and JWKS) and, with a revocation client, its revocation
    /// feed. The Latchkey server sets its own, over its in-process key ring and revocation list; then
    /// <see cref="Authority"/> and the fetch settings are not used.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (the authority's JWKS).</value>
    public IBearerTokenValidation? Validation { get; set; }

    /// <summary>
    /// The Latchkey server's URL, for example <c>https://auth.example.com</c>. It is the expected <c>iss</c>
    /// of every token, and the discovery document is read from
    /// <c>{Authority}/.well-known/oauth-authorization-server</c>. A trailing slash is ignored. Required unless
    /// <see cref="Validation"/> is set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Authority { get; set; }

    /// <summary>
    /// The audience that a token's <c>aud</c> must contain. When unset, the <see cref="Authority"/> without
    /// a trailing slash, which is the audience Latchkey puts in its tokens unless <c>Latchkey:Tokens:Audience</c>
    /// says otherwise.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (the authority).</value>
    public string? Audience { get; set; }

    /// <summary>How far this server's clock may disagree with Latchkey's when checking <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time between two fetches of the keys caused by a token whose <c>kid</c> is unknown. Tokens
    /// with unknown key ids cannot make this server call Latchkey more often than this.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RefreshCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long fetched keys are used before the discovery document and the JWKS are fetched again in the
    /// background. Latchkey publishes a new key well ahead of signing with it, so a refresh at this pace
    /// knows the key before the first token it signs arrives.
    /// </summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan MetadataMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long each request for the discovery document or the JWKS may take.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the discovery document and the JWKS must be fetched over HTTPS. Plain HTTP is always allowed
    /// for a loopback host (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>), which suits development.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tokens longer than this many characters are refused before any parsing.</summary>
    /// <value>The default value is 8192.</value>
    public int MaxTokenLength { get; set; } = 8192;

    /// <summary>
    /// How many validated tokens to remember, so that a token presented again skips the signature check;
    /// expiry, revocation (with a revocation feed) and the key are still checked on every request. Each
    /// remembered token costs about 2 KB. Zero turns the cache off.
    /// </summary>
    /// <value>The default value is 10000.</value>
    public int ValidatedTokenCacheSize { get; set; } = 10_000;

    /// <summary>
    /// A client id registered at Latchkey. With <see cref="RevocationClientSecret"/>, the handler subscribes
    /// to Latchkey's revocation feed (<c>GET /oauth/revocations</c>) and refuses revoked tokens before they
    /// expire, as Latchkey's own nodes do. Without them, a revoked token is accepted here until it expires.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no subscription).</value>
    public string? RevocationClientId { get; set; }

    /// <summary>The secret of <see cref="RevocationClientId"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RevocationClientSecret { get; set; }
}
