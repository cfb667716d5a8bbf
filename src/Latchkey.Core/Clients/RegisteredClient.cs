namespace Latchkey.Clients;

/// <summary>A client as held in memory: its secret only as a SHA-256 hash.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="SecretHash">SHA-256 of the secret; <see langword="null"/> for a public client.</param>
/// <param name="Scopes">The scopes it may be granted.</param>
/// <param name="RequireMfa">Whether user tokens for it need a multi-factor sign-in (<see cref="ClientOptions.RequireMfa"/>).</param>
public sealed record RegisteredClient(string ClientId, byte[]? SecretHash, IReadOnlySet<string> Scopes, bool RequireMfa = false)
{
    /// <summary>The grant types it may use (<see cref="ClientOptions.GrantTypes"/>).</summary>
    public IReadOnlySet<string> GrantTypes { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "client_credentials" };

    /// <summary>Its redirect URIs, compared exactly.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>Its post-logout redirect URIs, compared exactly.</summary>
    public IReadOnlyList<string> PostLogoutRedirectUris { get; init; } = [];

    /// <summary>Whether the user must consent (<see langword="false"/>: a first-party application).</summary>
    public bool RequireConsent { get; init; } = true;

    /// <summary>
    /// The web origins whose scripts may call the token, revocation and userinfo endpoints for it (public clients only;
    /// see <see cref="ClientOptions.AllowedCorsOrigins"/>), serialised as browsers send them in <c>Origin</c>.
    /// </summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Its back-channel logout endpoint, if any.</summary>
    public string? BackChannelLogoutUri { get; init; }

    /// <summary>The algorithm of its ID tokens.</summary>
    public string IdTokenSigningAlgorithm { get; init; } = Keys.SigningAlgorithms.RS256;

    /// <summary>Whether it authenticates with a secret.</summary>
    public bool IsConfidential => SecretHash is not null;

    /// <summary>Whether it may use <paramref name="grantType"/>.</summary>
    public bool Allows(string grantType) => GrantTypes.Contains(grantType);

    /// <summary>Whether <paramref name="redirectUri"/> is one of its redirect URIs, compared as exact strings (RFC 9700 §4.1.3).</summary>
    public bool HasRedirectUri(string? redirectUri) => redirectUri is not null && RedirectUris.Contains(redirectUri, StringComparer.Ordinal);
}
