
namespace Latchkey.Clients;

/// <summary>A service client declared in configuration (<c>Latchkey:Clients:{n}</c>).</summary>
public sealed class ClientOptions
{
    /// <summary>The client id; also the <c>sub</c> of its client-credentials tokens.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>
    /// The client secret (at least 16 characters). Hashed when loaded; the plain value is dropped from
    /// the options object at start.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes the client may be granted, space-separated.</summary>
    /// <value>The default value is empty.</value>
    public string Scopes { get; set; } = string.Empty;

    /// <summary>
    /// Whether tokens for users may reach this client only from a multi-factor sign-in. The password grant, a
    /// password alone, is then refused for every account.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireMfa { get; set; }
}
