namespace Latchkey.Clients;

/// <summary>
/// A client declared in configuration (<c>Latchkey:Clients:{n}</c>): a service client (a secret, no redirect URIs), a
/// confidential web application (a secret and redirect URIs) or a public application (redirect URIs, no secret).
/// </summary>
public sealed class ClientOptions
{
    /// <summary>The client id; also the <c>sub</c> of its client-credentials tokens.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>
    /// The client secret (at least 16 characters). Hashed when loaded; the plain value is dropped from
    /// the options object at start. Absent for a public client, which must use PKCE and may not use the
    /// client-credentials or password grants.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ClientSecret { get; set; }

    /// <summary>The scopes the client may be granted, space-separated.</summary>
    /// <value>The default value is empty.</value>
    public string Scopes { get; set; } = string.Empty;

    /// <summary>
    /// The grant types the client may use, space-separated: <c>authorization_code</c>, <c>refresh_token</c>,
    /// <c>client_credentials</c>, <c>password</c>.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: <c>authorization_code refresh_token</c> when the client has
    /// <see cref="RedirectUris"/>, else <c>client_credentials</c>. The password grant is only ever allowed when listed.
    /// </value>
    public string? GrantTypes { get; set; }

    /// <summary>The redirect URIs of the authorization code flow, matched exactly (no wildcard, no normalisation).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> RedirectUris { get; } = [];

    /// <summary>Where RP-initiated logout may send the browser afterwards, matched exactly.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> PostLogoutRedirectUris { get; } = [];

    /// <summary>
    /// Whether the user is asked to consent before the client gets a code. <see langword="false"/> marks a first-party
    /// application: no consent screen (the grant is still recorded and listed under <c>GET /api/apps</c>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireConsent { get; set; } = true;

    /// <summary>
    /// Further web origins (<c>https://app.example.com</c>: scheme, host and port, nothing else) from which this public
    /// client's scripts may call the token, revocation and userinfo endpoints. The origins of its <c>http</c> and
    /// <c>https</c> redirect URIs are allowed without being listed; a confidential client gets none, since a browser
    /// cannot keep its secret.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedCorsOrigins { get; } = [];

    /// <summary>The client's OpenID Connect Back-Channel Logout 1.0 endpoint, if any.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? BackChannelLogoutUri { get; set; }

    /// <summary>The JWS algorithm of the client's ID tokens: RS256, ES256, PS256 or EdDSA.</summary>
    /// <value>The default value is RS256 (OpenID Connect's registration default).</value>
    public string IdTokenSigningAlgorithm { get; set; } = Keys.SigningAlgorithms.RS256;

    /// <summary>
    /// Whether tokens for users may reach this client only from a multi-factor sign-in. The password grant, a
    /// password alone, is then refused for every account.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireMfa { get; set; }

    // Set by the registry when it hashes and drops the secret, so that validation run afterwards still knows the
    // client is confidential.
    internal bool SecretHashed { get; set; }

    /// <summary>Whether the client has (or had, before it was hashed) a secret.</summary>
    internal bool IsConfidential => ClientSecret is not null || SecretHashed;

    /// <summary>The grant types in effect, <see cref="GrantTypes"/> or its default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> EffectiveGrantTypes =>
        (GrantTypes ?? (RedirectUris.Count > 0 ? "authorization_code refresh_token" : "client_credentials"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
