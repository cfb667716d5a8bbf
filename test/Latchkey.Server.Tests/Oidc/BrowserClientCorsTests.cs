using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// CORS for applications in a browser: a public client's origins (its redirect URIs' and the ones it lists) may call
/// the token, revocation and userinfo endpoints from scripts; nobody else may, and nothing cross-origin ever carries
/// credentials. The discovery documents and JWKS are readable from anywhere; the account API never is.
/// </summary>
public sealed class BrowserClientCorsTests(OidcServerFixture fixture) : IClassFixture<OidcServerFixture>
{
    private const string SpaOrigin = "http://127.0.0.1:8765";

    [Theory]
    [InlineData("oauth/token", "POST")]
    [InlineData("oauth/revoke", "POST")]
    [InlineData("oauth/userinfo", "GET")]
    [InlineData("oauth/userinfo", "POST")]
    public async Task Preflight_FromAPublicClientsOrigin_IsAllowed_WithoutCredentials(string path, string method)
    {
        using var response = await PreflightAsync(path, SpaOrigin, method, "authorization, content-type");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(SpaOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("authorization", Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://web.example")] // a confidential client's redirect origin: its secret never sits in a browser
    [InlineData("http://127.0.0.1:8766")]
    [InlineData("https://127.0.0.1:8765")]
    [InlineData("null")]
    public async Task Preflight_FromAnyOtherOrigin_GetsNoCorsHeaders(string origin)
    {
        using var response = await PreflightAsync("oauth/token", origin, "POST", "content-type");

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task TokenRequest_FromThePublicClientsOrigin_IsReadable_AndVariesByOrigin()
    {
        using var client = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "authorization_code"), new("code", "lk_ac_nothing"), new("client_id", Oidc.SpaClient)]),
        };
        request.Headers.Add("Origin", SpaOrigin);
        using var response = await client.SendAsync(request, csrf: false, cookie: false);

        // The script can read the OAuth error, so the application can tell its user what went wrong.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(SpaOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("Origin", response.Headers.Vary);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Userinfo_FromThePublicClientsOrigin_ExposesTheChallenge()
    {
        using var client = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "oauth/userinfo");
        request.Headers.Add("Origin", SpaOrigin);
        using var response = await client.SendAsync(request, csrf: false, bearer: "not-a-token", cookie: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SpaOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("WWW-Authenticate", Header(response, "Access-Control-Expose-Headers"), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(".well-known/openid-configuration")]
    [InlineData(".well-known/oauth-authorization-server")]
    [InlineData(".well-known/jwks.json")]
    public async Task PublicDocuments_AreReadableFromAnyOrigin(string path)
    {
        using var client = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", "https://anyone.example");
        using var response = await client.SendAsync(request, csrf: false, cookie: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("api/session", "POST")]
    [InlineData("api/me", "GET")]
    [InlineData("oauth/introspect", "POST")]
    [InlineData("oauth/authorize", "GET")]
    [InlineData("oauth/logout", "POST")]
    public async Task EndpointsForBrowsersOrServers_AnswerNoPreflight_EvenForAPublicClientsOrigin(string path, string method)
    {
        using var response = await PreflightAsync(path, SpaOrigin, method, "content-type");

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/spa")]
    [InlineData("HTTPS://app.example.com")]
    [InlineData("https://app.example.com:443")]
    [InlineData("https://user@app.example.com")]
    [InlineData("app.example.com")]
    [InlineData("*")]
    public async Task Start_WithAMalformedCorsOrigin_FailsNamingTheKey(string origin)
    {
        var message = await StartFailureAsync(settings =>
        {
            settings["Latchkey:Clients:0:ClientId"] = "spa";
            settings["Latchkey:Clients:0:RedirectUris:0"] = "https://app.example.com/cb";
            settings["Latchkey:Clients:0:AllowedCorsOrigins:0"] = origin;
        });

        Assert.Contains("Latchkey:Clients:0:AllowedCorsOrigins:0", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithCorsOriginsForAConfidentialClient_FailsNamingTheKey()
    {
        var message = await StartFailureAsync(settings =>
        {
            settings["Latchkey:Clients:0:ClientId"] = "web";
            settings["Latchkey:Clients:0:ClientSecret"] = "a-secret-of-sixteen-plus";
            settings["Latchkey:Clients:0:RedirectUris:0"] = "https://app.example.com/cb";
            settings["Latchkey:Clients:0:AllowedCorsOrigins:0"] = "https://app.example.com";
        });

        Assert.Contains("Latchkey:Clients:0:AllowedCorsOrigins", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListedOrigin_OfAPublicClient_IsAllowedBesideItsRedirectOrigin()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Clients:0:ClientId"] = "spa";
        options.Settings["Latchkey:Clients:0:RedirectUris:0"] = "https://login.example.com/cb";
        options.Settings["Latchkey:Clients:0:RedirectUris:1"] = "com.example.app:/cb";
        options.Settings["Latchkey:Clients:0:AllowedCorsOrigins:0"] = "https://app.example.com:8443";
        await using var server = await LatchkeyTestServer.StartAsync(options);

        foreach (var origin in new[] { "https://login.example.com", "https://app.example.com:8443" })
        {
            using var allowed = await PreflightAsync(server, "oauth/token", origin, "POST", "content-type");
            Assert.Equal(origin, Header(allowed, "Access-Control-Allow-Origin"));
        }

        using var other = await PreflightAsync(server, "oauth/token", "https://app.example.com", "POST", "content-type");
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
    }

    private Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method, string headers) =>
        PreflightAsync(fixture.Server, path, origin, method, headers);

    private static async Task<HttpResponseMessage> PreflightAsync(LatchkeyTestServer server, string path, string origin, string method, string headers)
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await client.SendAsync(request, csrf: false, cookie: false);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static async Task<string> StartFailureAsync(Action<IDictionary<string, string>> configure)
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        var options = new TestServerOptions { DataDirectory = directory };
        configure(options.Settings);
        try
        {
            return await StartFailure.MessagesAsync(options);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
