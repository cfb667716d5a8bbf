using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// Clients registered in the store with the <c>clients</c> command (the server process itself), next to a running
/// server on the same data directory: the server serves a new client within <c>Latchkey:ClientRefreshInterval</c>,
/// a rotated secret replaces the old one, a removed client is gone; the secret is shown once and stored only hashed.
/// </summary>
public sealed class StoredClientTests
{
    private const string RedirectUri = "https://shop.example/callback";
    private static readonly TimeSpan RefreshBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ClientsCommand_AddRotateRemove_TakeEffectOnTheRunningServer()
    {
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            var options = new TestServerOptions { DataDirectory = dataDirectory };
            options.Settings["Latchkey:ClientRefreshInterval"] = "00:00:01";
            Oidc.AddClients(options.Settings);
            await using var server = await LatchkeyTestServer.StartAsync(options);

            var add = await RunAsync(dataDirectory, "add", "shop", "--scopes", "openid email offline_access", "--redirect-uri", RedirectUri, "--first-party", "--json");
            Assert.True(add.ExitCode == 0, add.Output);
            var added = Json(add.Output);
            Assert.Equal("done", added["result"]!.GetValue<string>());
            var secret = added["secret"]!.GetValue<string>();
            Assert.True(secret.Length >= 43, "A generated secret carries 256 bits.");
            server.Secrets.Add("stored client secret", secret);

            // The running server picks the client up, and the whole code flow works with the shown secret.
            var (browser, _, userId) = await Oidc.SignedInAsync(server);
            using var _1 = browser;
            var (verifier, challenge) = Oidc.NewPkce();
            var code = await PollForCodeAsync(server, browser, challenge);
            string refreshToken;
            using (var exchange = await browser.ExchangeAsync(code, verifier, "shop", RedirectUri, secret))
            {
                var tokens = await TokenPair.ReadAsync(exchange);
                refreshToken = tokens.RefreshToken!;
                var idToken = await Oidc.ValidateIdTokenAsync(server, tokens.Body["id_token"]!.GetValue<string>(), "shop");
                Assert.Equal(userId, idToken.Subject);
                Assert.Equal("RS256", idToken.Alg);
                Assert.NotNull(tokens.RefreshToken);
            }

            // Only the hash is kept: the secret appears nowhere in the database.
            Assert.DoesNotContain(new LatchkeyDatabase(dataDirectory).AllValues(), v => v.Value is string s && s.Contains(secret, StringComparison.Ordinal));

            var rotate = await RunAsync(dataDirectory, "rotate-secret", "shop", "--json");
            Assert.True(rotate.ExitCode == 0, rotate.Output);
            var newSecret = Json(rotate.Output)["secret"]!.GetValue<string>();
            server.Secrets.Add("rotated client secret", newSecret);
            Assert.NotEqual(secret, newSecret);
            await Poll.UntilAsync(async () => await ClientCredentialsStatusAsync(server, secret) == HttpStatusCode.Unauthorized, RefreshBound, "the old secret refused");
            Assert.Equal(HttpStatusCode.BadRequest, await ClientCredentialsStatusAsync(server, newSecret)); // authenticated: the grant is not the client's

            var remove = await RunAsync(dataDirectory, "remove", "shop");
            Assert.True(remove.ExitCode == 0, remove.Output);
            await Poll.UntilAsync(async () => await AuthorizeStatusAsync(browser, challenge) == HttpStatusCode.BadRequest, RefreshBound, "the removed client refused");
            Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsStatusAsync(server, newSecret));

            // Its refresh tokens die with it: with its old credentials, and without any.
            using var client = server.CreateClient();
            using (var refresh = await client.PostFormAsync("oauth/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)], ("shop", newSecret)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
            }

            using var anonymous = await client.PostFormAsync("oauth/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]);
            Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
            Assert.Equal("invalid_grant", (await anonymous.ReadJsonObjectAsync())["error"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task ClientsCommand_Refusals_ExitWithTheirCodes_AndChangeNothing()
    {
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        try
        {
            var configured = $"--Latchkey:Clients:0:ClientId={Oidc.WebClient}";
            var add = await RunAsync(dataDirectory, "add", "spa", "--public", "--scopes", "openid", "--redirect-uri", "https://spa.example/", "--cors-origin", "https://app.example");
            Assert.True(add.ExitCode == 0, add.Output);
            Assert.DoesNotContain("secret", add.Output, StringComparison.OrdinalIgnoreCase);

            var twice = await RunAsync(dataDirectory, "add", "spa", "--public", "--redirect-uri", "https://spa.example/", "--json");
            Assert.Equal(4, twice.ExitCode);
            Assert.Equal("conflict", Json(twice.Output)["result"]!.GetValue<string>());

            var configuredId = await RunAsync(dataDirectory, "add", Oidc.WebClient, "--redirect-uri", "https://x.example/cb",
                configured, $"--Latchkey:Clients:0:ClientSecret={Oidc.WebSecret}", "--Latchkey:Clients:0:RedirectUris:0=https://web.example/cb");
            Assert.Equal(4, configuredId.ExitCode);

            var invalid = await RunAsync(dataDirectory, "add", "bad", "--public", "--redirect-uri", "https://bad.example/cb#frag", "--json");
            Assert.Equal(2, invalid.ExitCode);
            Assert.Contains("RedirectUris:0", Json(invalid.Output)["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);

            var corsOnConfidential = await RunAsync(dataDirectory, "add", "bad2", "--redirect-uri", "https://bad.example/cb", "--cors-origin", "https://bad.example");
            Assert.Equal(2, corsOnConfidential.ExitCode);
            Assert.Contains("AllowedCorsOrigins", corsOnConfidential.Output, StringComparison.Ordinal);

            var rotatePublic = await RunAsync(dataDirectory, "rotate-secret", "spa");
            Assert.Equal(2, rotatePublic.ExitCode);

            Assert.Equal(3, (await RunAsync(dataDirectory, "remove", "nobody")).ExitCode);
            Assert.Equal(3, (await RunAsync(dataDirectory, "rotate-secret", "nobody")).ExitCode);
            Assert.Equal(2, (await RunAsync(dataDirectory, "add", "x", "--no-such-option")).ExitCode);
            Assert.Equal(2, (await ServerProcess.RunCommandAsync("clients", "add")).ExitCode);

            // Only the one good client was stored; the configured one is listed beside it, never with a secret.
            var list = await RunAsync(dataDirectory, "list", "--json", configured, $"--Latchkey:Clients:0:ClientSecret={Oidc.WebSecret}",
                "--Latchkey:Clients:0:RedirectUris:0=https://web.example/cb");
            Assert.True(list.ExitCode == 0, list.Output);
            var clients = JsonNode.Parse(list.Output.Split('\n').First(l => l.StartsWith('[')))!.AsArray();
            Assert.Equal([Oidc.WebClient, "spa"], clients.Select(c => c!["clientId"]!.GetValue<string>()));
            Assert.Equal(["configuration", "store"], clients.Select(c => c!["source"]!.GetValue<string>()));
            Assert.Equal(["https://app.example"], clients[1]!["allowedCorsOrigins"]!.AsArray().Select(o => o!.GetValue<string>()));
            Assert.DoesNotContain(Oidc.WebSecret, list.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string dataDirectory, string action, params string[] rest) =>
        ServerProcess.RunCommandAsync(["clients", action, .. rest, $"--Latchkey:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning"]);

    // The command's answer: the one JSON object on standard output (logs go to standard error).
    private static JsonObject Json(string output) => JsonNode.Parse(output.Split('\n').First(l => l.StartsWith('{')))!.AsObject();

    private static async Task<string> PollForCodeAsync(LatchkeyTestServer server, LatchkeyTestClient browser, string challenge)
    {
        string? code = null;
        await Poll.UntilAsync(async () =>
        {
            using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl("shop", RedirectUri, challenge, "openid email offline_access"));
            if (response.StatusCode != HttpStatusCode.Redirect)
            {
                return false;
            }

            var query = Oidc.RedirectParameters(response, RedirectUri);
            Assert.Equal(server.Origin, query["iss"]);
            code = query["code"];
            return true;
        }, RefreshBound, "the stored client served by the running server");
        return code!;
    }

    private static async Task<HttpStatusCode> AuthorizeStatusAsync(LatchkeyTestClient browser, string challenge)
    {
        using var response = await browser.AuthorizeAsync(Oidc.AuthorizeUrl("shop", RedirectUri, challenge, "openid email offline_access"));
        return response.StatusCode;
    }

    // The client-credentials grant authenticates the client first: 401 for a wrong secret or an unknown client; with
    // the right secret, 400 unauthorized_client (the client is a web application, not a service).
    private static async Task<HttpStatusCode> ClientCredentialsStatusAsync(LatchkeyTestServer server, string secret)
    {
        using var client = server.CreateClient();
        using var response = await client.PostFormAsync("oauth/token", [("grant_type", "client_credentials")], ("shop", secret));
        return response.StatusCode;
    }
}
