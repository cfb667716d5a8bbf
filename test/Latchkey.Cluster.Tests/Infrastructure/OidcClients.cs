namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>
/// The OpenID Connect clients every shared cluster declares: a confidential first-party web app (no consent
/// screen) and a public third-party app that needs the user's consent.
/// </summary>
public static class OidcClients
{
    public const string Web = "web";
    public const string WebSecret = "web-secret-of-sixteen-plus";
    public const string WebRedirect = "https://web.example/callback";
    public const string WebPostLogout = "https://web.example/signed-out";
    public const string Spa = "spa";
    public const string SpaRedirect = "http://127.0.0.1:8765/cb";

    /// <summary>The switches that declare the clients (indexes 0 and 1 of <c>Latchkey:Clients</c>).</summary>
    public static string[] Arguments() =>
    [
        $"--Latchkey:Clients:0:ClientId={Web}",
        $"--Latchkey:Clients:0:ClientSecret={WebSecret}",
        "--Latchkey:Clients:0:Scopes=openid profile email offline_access",
        $"--Latchkey:Clients:0:RedirectUris:0={WebRedirect}",
        $"--Latchkey:Clients:0:PostLogoutRedirectUris:0={WebPostLogout}",
        "--Latchkey:Clients:0:RequireConsent=false",
        $"--Latchkey:Clients:1:ClientId={Spa}",
        "--Latchkey:Clients:1:Scopes=openid profile email",
        $"--Latchkey:Clients:1:RedirectUris:0={SpaRedirect}",

        // Stored clients (the clients command) reach every node within a second.
        "--Latchkey:ClientRefreshInterval=00:00:01",
    ];
}
