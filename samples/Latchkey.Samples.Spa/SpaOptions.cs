namespace Latchkey.Samples.Spa;

/// <summary>The <c>Spa</c> configuration section, handed to the page as <c>/config.json</c>.</summary>
public sealed class SpaOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Spa";

    /// <summary>Latchkey's issuer; the page reads everything else from its discovery document.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5080</c>.</value>
    public string Authority { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The public client's id, registered in Latchkey without a secret.</summary>
    /// <value>The default value is <c>spa-sample</c>.</value>
    public string ClientId { get; set; } = "spa-sample";

    /// <summary>The scopes to ask for, space-separated; <c>offline_access</c> gets a refresh token.</summary>
    /// <value>The default value is <c>openid profile email offline_access</c>.</value>
    public string Scopes { get; set; } = "openid profile email offline_access";
}
