namespace Latchkey.Samples.OidcWebApp;

/// <summary>The relying party's settings, bound from the <c>Oidc</c> section (<c>--Oidc:Authority=…</c>, <c>Oidc__Authority</c>).</summary>
public sealed class OidcWebAppOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Oidc";

    /// <summary>Latchkey's issuer URL; everything else is read from its discovery document.</summary>
    public string Authority { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The client id this application is registered with at Latchkey.</summary>
    public string ClientId { get; set; } = "oidc-web-app";

    /// <summary>The client secret (a confidential client); null for a public client, which PKCE alone protects.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes asked for, space-separated.</summary>
    public string Scopes { get; set; } = "openid profile email api";

    /// <summary>
    /// Whether the authority must be HTTPS. Leave it true; only a local run or a test against a plain-HTTP
    /// Latchkey sets it false, which also lets the sign-in cookies travel over plain HTTP.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The protected API the application calls with the user's access token (the ResourceApi sample).</summary>
    public Uri ApiBaseAddress { get; set; } = new("http://127.0.0.1:5090/");

    /// <summary>How long a local sign-in lasts (the cookie's lifetime, not sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}
