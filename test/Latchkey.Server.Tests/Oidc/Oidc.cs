using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>The code flow driven over HTTP, step by step, as a relying party and a browser would.</summary>
public static class Oidc
{
    public const string WebClient = "web";
    public const string WebSecret = "web-secret-of-sixteen-plus";
    public const string WebRedirect = "https://web.example/callback";
    public const string SpaClient = "spa";
    public const string SpaRedirect = "http://127.0.0.1:8765/cb";
    public const string Scopes = "openid profile email offline_access api";
    public const string StrictClient = "strict-rp";

    /// <summary>Declares the clients of <see cref="OidcServerFixture"/> after the service client.</summary>
    public static void AddClients(IDictionary<string, string> settings)
    {
        OAuth.AddClient(settings);
        settings["Latchkey:Clients:1:ClientId"] = WebClient;
        settings["Latchkey:Clients:1:ClientSecret"] = WebSecret;
        settings["Latchkey:Clients:1:Scopes"] = Scopes;
        settings["Latchkey:Clients:1:RedirectUris:0"] = WebRedirect;
        settings["Latchkey:Clients:1:RedirectUris:1"] = "https://web.example/other?tenant=1";
        settings["Latchkey:Clients:1:RequireConsent"] = "false";
        settings["Latchkey:Clients:2:ClientId"] = SpaClient;
        settings["Latchkey:Clients:2:Scopes"] = "openid profile email offline_access";
        settings["Latchkey:Clients:2:RedirectUris:0"] = SpaRedirect;
        settings["Latchkey:Clients:3:ClientId"] = StrictClient;
        settings["Latchkey:Clients:3:ClientSecret"] = WebSecret;
        settings["Latchkey:Clients:3:Scopes"] = "openid";
        settings["Latchkey:Clients:3:RedirectUris:0"] = WebRedirect;
        settings["Latchkey:Clients:3:RequireConsent"] = "false";
        settings["Latchkey:Clients:3:RequireMfa"] = "true";
    }

    /// <summary>A PKCE pair: a 43-character verifier and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>An authorization request URL (relative); <paramref name="extra"/> adds or replaces parameters, a null value removes one.</summary>
    public static string AuthorizeUrl(string clientId, string redirectUri, string challenge, string scope = "openid profile email", string? state = "st-123",
        string? nonce = "n-456", params (string Name, string? Value)[] extra)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        foreach (var (name, value) in extra)
        {
            parameters[name] = value;
        }

        return QueryHelpers.AddQueryString("oauth/authorize", parameters.Where(p => p.Value is not null));
    }

    /// <summary>GET of an authorization URL with the client's cookie, without following the redirect.</summary>
    public static async Task<HttpResponseMessage> AuthorizeAsync(this LatchkeyTestClient browser, string url) => await browser.GetAsync(url);

    /// <summary>The parameters of a redirect's Location (query).</summary>
    public static Dictionary<string, string> RedirectParameters(HttpResponseMessage response, string expectedTarget)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Expected a 302, got {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(expectedTarget + "?", location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
    }

    /// <summary>Follows the code flow for a signed-in browser up to the code; asserts state and iss.</summary>
    public static async Task<string> CodeAsync(LatchkeyTestServer server, LatchkeyTestClient browser, string clientId, string redirectUri, string challenge,
        string scope = "openid profile email", string? nonce = "n-456")
    {
        using var response = await browser.AuthorizeAsync(AuthorizeUrl(clientId, redirectUri, challenge, scope, nonce: nonce));
        var query = RedirectParameters(response, redirectUri);
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(server.BaseAddress.ToString().TrimEnd('/'), query["iss"]);
        return query["code"];
    }

    /// <summary>Redeems a code at the token endpoint: by HTTP Basic for the web client, with client_id for a public one.</summary>
    public static Task<HttpResponseMessage> ExchangeAsync(
        this LatchkeyTestClient client, string code, string verifier, string clientId = WebClient, string redirectUri = WebRedirect, string? secret = WebSecret)
    {
        var form = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri), ("code_verifier", verifier) };
        if (secret is null)
        {
            form.Add(("client_id", clientId));
            return client.PostFormAsync("oauth/token", form);
        }

        return client.PostFormAsync("oauth/token", form, (clientId, secret));
    }

    /// <summary>A signed-in browser of a new account: its client (with cookie and CSRF token) and email.</summary>
    public static async Task<(LatchkeyTestClient Browser, string Email, string UserId)> SignedInAsync(LatchkeyTestServer server)
    {
        var browser = server.CreateClient();
        var email = TestData.NewEmail();
        var account = await browser.RegisterAsync(email);
        using var login = await browser.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (browser, email, account["id"]!.GetValue<string>());
    }

    /// <summary>Validates an ID token with the server's JWKS (Microsoft.IdentityModel): signature, iss, aud, lifetime.</summary>
    public static async Task<JsonWebToken> ValidateIdTokenAsync(LatchkeyTestServer server, string idToken, string audience)
    {
        using var client = server.CreateClient();
        var jwks = new JsonWebKeySet(await client.Http.GetStringAsync(".well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = server.BaseAddress.ToString().TrimEnd('/'),
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["JWT"],
        });
        Assert.True(result.IsValid, $"ID token refused: {result.Exception}");
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The OIDC at_hash of an access token for a SHA-256 algorithm.</summary>
    public static string AtHash(string accessToken) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)).AsSpan(0, 16).ToArray());
}
