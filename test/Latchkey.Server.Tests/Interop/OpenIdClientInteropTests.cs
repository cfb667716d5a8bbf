using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tests.Interop;

/// <summary>
/// The npm <c>openid-client</c> package (panva/openid-client), an independent relying party, signs a user in to
/// Latchkey: discovery, the code flow with PKCE S256, state and nonce, the ID token checked against the JWKS,
/// userinfo, and a refresh (<c>test/interop/openid-client/flow.mjs</c>, run with node). The test plays the browser:
/// it signs in over <c>POST /api/session</c>, consents over <c>POST /api/consent</c> when asked, and hands the
/// callback URL to the script. The module must be installed (<c>npm ci --prefix test/interop/openid-client</c>,
/// which <c>.ci/run</c> does); a missing module fails these tests, it never skips them.
/// </summary>
public sealed class OpenIdClientInteropTests(OpenIdClientInteropTests.Server server) : IClassFixture<OpenIdClientInteropTests.Server>
{
    private const string ConfidentialClient = "node-web";
    private const string ConfidentialSecret = "node-web-secret-of-some-length";
    private const string PublicClient = "node-native";
    private const string RedirectUri = "http://127.0.0.1:53682/callback";
    private const string Scope = "openid profile email offline_access api";
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(ConfidentialClient, ConfidentialSecret)]
    [InlineData(PublicClient, null)]
    public async Task OpenIdClient_CodeFlowWithPkce_SignsInAndRefreshes(string clientId, string? secret)
    {
        var latchkey = server.Latchkey;
        using var browser = latchkey.CreateClient();
        var email = TestData.NewEmail();
        var userId = (await browser.RegisterAsync(email))["id"]!.GetValue<string>();
        using (var login = await browser.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var (exitCode, result, errors) = await RunFlowAsync(browser, clientId, secret);

        Assert.True(exitCode == 0, $"openid-client failed (exit {exitCode}): {errors}");
        Assert.NotNull(result);
        Assert.Equal(latchkey.Origin, result["issuer"]!.GetValue<string>());
        var idToken = result["idToken"]!;
        Assert.Equal(userId, idToken["sub"]!.GetValue<string>());
        Assert.Equal(latchkey.Origin, idToken["iss"]!.GetValue<string>());
        Assert.Equal(clientId, Audience(idToken["aud"]!));
        Assert.False(string.IsNullOrEmpty(idToken["nonce"]?.GetValue<string>()), "The ID token has no nonce.");
        Assert.Equal(email, idToken["email"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(idToken["sid"]?.GetValue<string>()), "The ID token has no sid.");
        Assert.Equal("RS256", result["idTokenAlg"]!.GetValue<string>());
        Assert.Equal("bearer", result["tokenType"]!.GetValue<string>(), ignoreCase: true);

        var userinfo = result["userinfo"]!;
        Assert.Equal(userId, userinfo["sub"]!.GetValue<string>());
        Assert.Equal(email, userinfo["email"]!.GetValue<string>());
        Assert.Equal(email, userinfo["preferred_username"]!.GetValue<string>());

        var refresh = result["refresh"];
        Assert.True(refresh is not null, "No refresh token was issued for offline_access.");
        Assert.True(refresh["newAccessToken"]!.GetValue<bool>());
        Assert.True(refresh["rotated"]!.GetValue<bool>(), "The refresh token did not rotate.");
        Assert.Equal(userId, refresh["userinfoSub"]!.GetValue<string>());
        Assert.Equal("invalid_grant", refresh["spentTokenAgain"]!.GetValue<string>());
    }

    /// <summary>
    /// Mix-up and CSRF defences end to end: Latchkey publishes <c>authorization_response_iss_parameter_supported</c>
    /// and always sends <c>iss</c> (RFC 9207), so an independent client refuses a callback whose <c>iss</c> names
    /// another server or is missing, and one whose <c>state</c> is not the one it sent.
    /// </summary>
    [Theory]
    [InlineData("iss", "https://evil.example", "\"iss\"")]
    [InlineData("iss", null, "\"iss\"")]
    [InlineData("state", "forged-state", "\"state\"")]
    public async Task OpenIdClient_RefusesACallbackWithAnotherIssuerOrState(string parameter, string? value, string expectedInError)
    {
        using var browser = server.Latchkey.CreateClient();
        var email = TestData.NewEmail();
        await browser.RegisterAsync(email);
        using (var login = await browser.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var (exitCode, _, errors) = await RunFlowAsync(browser, ConfidentialClient, ConfidentialSecret, callback =>
        {
            var query = QueryHelpers.ParseQuery(new Uri(callback).Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString(), StringComparer.Ordinal);
            Assert.Equal(server.Latchkey.Origin, query["iss"]);
            query[parameter] = value;
            return QueryHelpers.AddQueryString(RedirectUri, query.Where(p => p.Value is not null));
        });

        Assert.True(exitCode == 1, $"openid-client accepted a callback with {parameter}={value ?? "(none)"} (exit {exitCode}): {errors}");
        Assert.True(errors.Contains(expectedInError, StringComparison.Ordinal), $"openid-client refused for another reason: {errors}");
    }

    // Runs flow.mjs: reads the authorization URL it prints, plays the browser, writes the callback URL (through
    // tamper, when given, as an attacker would alter it), and collects its answer. The node process is killed
    // whatever happens, so that a failure never leaves it waiting on stdin.
    private static async Task<(int ExitCode, JsonNode? Result, string Errors)> RunFlowAsync(
        LatchkeyTestClient browser, string clientId, string? secret, Func<string, string>? tamper = null)
    {
        using var node = StartNode("flow.mjs", browser.Http.BaseAddress!.GetLeftPart(UriPartial.Authority), clientId, secret ?? "-", RedirectUri, Scope);
        var errors = node.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(NodeTimeout);
            var first = await node.StandardOutput.ReadLineAsync(timeout.Token);
            if (first is null)
            {
                await node.WaitForExitAsync(timeout.Token);
                return (node.ExitCode, null, await errors);
            }

            var authorizationUrl = JsonNode.Parse(first)!["authorizationUrl"]!.GetValue<string>();
            Assert.StartsWith(browser.Http.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/oauth/authorize?", authorizationUrl, StringComparison.Ordinal);
            var request = QueryHelpers.ParseQuery(new Uri(authorizationUrl).Query);
            Assert.Equal("S256", request["code_challenge_method"].ToString());
            Assert.False(string.IsNullOrEmpty(request["state"]), "No state in the authorization request.");
            Assert.False(string.IsNullOrEmpty(request["nonce"]), "No nonce in the authorization request.");

            var callback = await AuthorizeAsync(browser, authorizationUrl, clientId);
            if (tamper is not null)
            {
                callback = tamper(callback);
            }

            await node.StandardInput.WriteLineAsync(callback);
            await node.StandardInput.FlushAsync();
            node.StandardInput.Close();

            var rest = await node.StandardOutput.ReadToEndAsync(timeout.Token);
            await node.WaitForExitAsync(timeout.Token);
            return (node.ExitCode, node.ExitCode == 0 ? JsonNode.Parse(rest.Trim()) : null, await errors);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    // Plays the browser: the authorization request with the session cookie, consent over the API when Latchkey asks
    // for it, then the request again; answers the URL Latchkey redirects to (the client's callback).
    private static async Task<string> AuthorizeAsync(LatchkeyTestClient browser, string authorizationUrl, string clientId)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await browser.GetAsync(authorizationUrl);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect,
                $"The authorization request answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var location = new Uri(new Uri(authorizationUrl), response.Headers.Location!).ToString();
            if (location.StartsWith(RedirectUri + "?", StringComparison.Ordinal))
            {
                Assert.DoesNotContain("error=", location, StringComparison.Ordinal);
                return location;
            }

            Assert.True(attempt == 0 && new Uri(location).AbsolutePath == "/consent", $"Unexpected redirect to {location}.");
            var request = QueryHelpers.ParseQuery(new Uri(authorizationUrl).Query);
            using var consent = await browser.PostJsonAsync("api/consent", new
            {
                clientId,
                scope = request["scope"].ToString(),
                allow = true,
                redirectUri = request["redirect_uri"].ToString(),
                state = request["state"].ToString(),
            });
            Assert.True(consent.IsSuccessStatusCode, $"Consent answered {(int)consent.StatusCode}: {await consent.Content.ReadAsStringAsync()}");
        }

        throw new InvalidOperationException("unreachable");
    }

    private static string Audience(JsonNode aud) => aud is JsonArray array ? Assert.Single(array)!.GetValue<string>() : aud.GetValue<string>();

    private static Process StartNode(params string[] arguments)
    {
        var directory = Path.Combine(RepositoryFolder.Root(), "test", "interop", "openid-client");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "openid-client")))
        {
            Assert.Fail($"The npm module 'openid-client' is not installed in {directory}. Run `npm ci --prefix test/interop/openid-client` from the repository root (.ci/run does this).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"Could not run node ({ex.Message}); the openid-client interoperability tests need node on PATH.");
            throw;
        }
    }

    /// <summary>Latchkey with the two clients the script signs in as: a confidential one and a public one, both asking for consent.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private LatchkeyTestServer? _latchkey;

        public LatchkeyTestServer Latchkey => _latchkey ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            var options = new TestServerOptions();
            options.Settings["Latchkey:Clients:0:ClientId"] = ConfidentialClient;
            options.Settings["Latchkey:Clients:0:ClientSecret"] = ConfidentialSecret;
            options.Settings["Latchkey:Clients:0:Scopes"] = Scope;
            options.Settings["Latchkey:Clients:0:RedirectUris:0"] = RedirectUri;
            options.Settings["Latchkey:Clients:1:ClientId"] = PublicClient;
            options.Settings["Latchkey:Clients:1:Scopes"] = Scope;
            options.Settings["Latchkey:Clients:1:RedirectUris:0"] = RedirectUri;
            _latchkey = await LatchkeyTestServer.StartAsync(options);
        }

        public async Task DisposeAsync()
        {
            if (_latchkey is not null)
            {
                await _latchkey.DisposeAsync();
            }
        }
    }
}
