using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// The OpenID Connect code flow without sticky routing, on both shared topologies: what one node issues (a code,
/// a consent, an ID token) is honoured, spent or revoked on the others. The embedded topology runs the same flow
/// in Latchkey.Server.Tests (Oidc/).
/// </summary>
public abstract class OidcClusterScenarios
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(10);

    protected abstract LatchkeyCluster Cluster { get; }

    private IReadOnlyList<ClusterNode> Nodes => Cluster.Nodes;

    private ClusterNode A => Nodes[0];

    private ClusterNode B => Nodes[1];

    private ClusterNode C => Nodes[2];

    [Fact]
    public async Task Code_IssuedOnA_IsRedeemedOnB_AndItsReplayOnC_RevokesWhatItIssued()
    {
        var session = await A.SignUpAndLoginAsync();
        var (verifier, challenge) = NewPkce();

        var code = await CodeAsync(A, session, OidcClients.Web, OidcClients.WebRedirect, challenge, "openid profile email offline_access");
        using var exchange = await ExchangeAsync(B, code, verifier);
        var tokens = await ReadAsync(exchange, HttpStatusCode.OK, "code redeemed on B");
        var idToken = Payload(tokens["id_token"]!.GetValue<string>());
        Assert.Equal(LatchkeyCluster.Issuer, idToken["iss"]!.GetValue<string>());
        Assert.Equal(OidcClients.Web, idToken["aud"]!.GetValue<string>());
        Assert.Equal(session.UserId, idToken["sub"]!.GetValue<string>());
        Assert.Equal("n-456", idToken["nonce"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(idToken["sid"]?.GetValue<string>()));
        var accessToken = tokens["access_token"]!.GetValue<string>();
        var refreshToken = tokens["refresh_token"]!.GetValue<string>();

        // The access token minted on B is good for userinfo on C.
        using (var userInfo = await C.SendAsync(HttpMethod.Get, "oauth/userinfo", bearer: accessToken))
        {
            var claims = await ReadAsync(userInfo, HttpStatusCode.OK, "userinfo on C");
            Assert.Equal(session.UserId, claims["sub"]!.GetValue<string>());
            Assert.Equal(session.Email, claims["email"]!.GetValue<string>());
        }

        // Spent on B, refused on C and on A; the replay revokes the tokens the code issued, on every node.
        foreach (var node in new[] { C, A })
        {
            using var replay = await ExchangeAsync(node, code, verifier);
            Assert.Equal("invalid_grant", (await ReadAsync(replay, HttpStatusCode.BadRequest, $"code replayed on {node.Name}"))["error"]!.GetValue<string>());
        }

        foreach (var node in Nodes)
        {
            await Poll.UntilAsync(async () => await UserInfoStatusAsync(node, accessToken) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the access token of the replayed code refused on node {node.Name}");
        }

        using var refresh = await B.PostFormAsync("oauth/token",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", OidcClients.Web), ("client_secret", OidcClients.WebSecret));
        Assert.Equal("invalid_grant", (await ReadAsync(refresh, HttpStatusCode.BadRequest, "refresh after the replay"))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task CodeIssuedOnA_ForOneClient_IsRefusedOnB_ToAnother_AndWithTheWrongVerifier()
    {
        var session = await A.SignUpAndLoginAsync();
        var (verifier, challenge) = NewPkce();
        var code = await CodeAsync(A, session, OidcClients.Web, OidcClients.WebRedirect, challenge);

        using (var wrongVerifier = await ExchangeAsync(B, code, NewPkce().Verifier))
        {
            Assert.Equal("invalid_grant", (await ReadAsync(wrongVerifier, HttpStatusCode.BadRequest, "wrong verifier on B"))["error"]!.GetValue<string>());
        }

        // A failed redemption spends the code too: the right verifier afterwards is a replay.
        using var after = await ExchangeAsync(C, code, verifier);
        Assert.Equal("invalid_grant", (await ReadAsync(after, HttpStatusCode.BadRequest, "right verifier after a failed attempt"))["error"]!.GetValue<string>());

        var other = await CodeAsync(A, session, OidcClients.Web, OidcClients.WebRedirect, challenge);
        using var injected = await B.PostFormAsync("oauth/token",
            ("grant_type", "authorization_code"), ("code", other), ("redirect_uri", OidcClients.SpaRedirect), ("code_verifier", verifier), ("client_id", OidcClients.Spa));
        Assert.Equal("invalid_grant", (await ReadAsync(injected, HttpStatusCode.BadRequest, "another client's code on B"))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Consent_GivenOnA_IsRememberedOnB_AndRevokedOnC()
    {
        var session = await A.SignUpAndLoginAsync();
        var (verifier, challenge) = NewPkce();
        var url = AuthorizeUrl(OidcClients.Spa, OidcClients.SpaRedirect, challenge);

        using (var ask = await A.SendAsync(HttpMethod.Get, url, session))
        {
            Assert.Equal(HttpStatusCode.Redirect, ask.StatusCode);
            Assert.StartsWith("/consent?returnTo=", ask.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        using (var consent = await A.SendAsync(HttpMethod.Post, "api/consent", session, json: new { clientId = OidcClients.Spa, scope = "openid profile email", allow = true }))
        {
            Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        }

        var code = await CodeAsync(B, session, OidcClients.Spa, OidcClients.SpaRedirect, challenge);
        using (var exchange = await C.PostFormAsync("oauth/token",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OidcClients.SpaRedirect), ("code_verifier", verifier), ("client_id", OidcClients.Spa)))
        {
            await ReadAsync(exchange, HttpStatusCode.OK, "the public client's code redeemed on C");
        }

        using (var revoke = await C.SendAsync(HttpMethod.Delete, "api/apps/" + OidcClients.Spa, session))
        {
            Assert.True(revoke.IsSuccessStatusCode, $"DELETE /api/apps on C answered {(int)revoke.StatusCode}");
        }

        using var again = await B.SendAsync(HttpMethod.Get, url, session);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/consent?", again.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RpInitiatedLogout_OnB_WithTheIdTokenFromA_EndsTheSessionOnEveryNode()
    {
        var session = await A.SignUpAndLoginAsync();
        var (verifier, challenge) = NewPkce();
        var code = await CodeAsync(A, session, OidcClients.Web, OidcClients.WebRedirect, challenge);
        using var exchange = await ExchangeAsync(A, code, verifier);
        var idToken = (await ReadAsync(exchange, HttpStatusCode.OK, "code redeemed on A"))["id_token"]!.GetValue<string>();
        foreach (var node in Nodes)
        {
            Assert.Equal(HttpStatusCode.OK, await node.MeStatusAsync(session));
        }

        var logoutUrl = "oauth/logout?id_token_hint=" + Uri.EscapeDataString(idToken)
            + "&post_logout_redirect_uri=" + Uri.EscapeDataString(OidcClients.WebPostLogout) + "&state=bye";
        using (var logout = await B.SendAsync(HttpMethod.Get, logoutUrl, session))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
            Assert.Equal(OidcClients.WebPostLogout + "?state=bye", logout.Headers.Location!.OriginalString);
        }

        foreach (var node in Nodes)
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(session) == HttpStatusCode.Unauthorized,
                PropagationBound, $"the session refused on node {node.Name} after logout on B");
        }

        // With the session gone everywhere, prompt=none on C answers login_required to the client.
        using var silent = await C.SendAsync(HttpMethod.Get, AuthorizeUrl(OidcClients.Web, OidcClients.WebRedirect, challenge) + "&prompt=none", session);
        Assert.Equal(HttpStatusCode.Redirect, silent.StatusCode);
        var location = silent.Headers.Location!.ToString();
        Assert.StartsWith(OidcClients.WebRedirect + "?", location, StringComparison.Ordinal);
        Assert.Contains("error=login_required", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientStoredByTheCommand_IsServedOnEveryNode_AndItsRemovalReachesEveryNode()
    {
        var clientId = "stored-" + Guid.NewGuid().ToString("N")[..8];
        const string redirect = "https://stored.example/cb";
        var (exit, output) = await Cluster.RunCommandAsync("clients", "add", clientId, "--scopes", "openid email", "--redirect-uri", redirect, "--first-party", "--json");
        Assert.True(exit == 0, output);
        var secret = JsonNode.Parse(output.Split('\n').First(l => l.StartsWith('{')))!["secret"]!.GetValue<string>();

        var session = await A.SignUpAndLoginAsync();
        var (verifier, challenge) = NewPkce();
        foreach (var node in Nodes)
        {
            await Poll.UntilAsync(async () => await AuthorizeStatusAsync(node, session, clientId, redirect, challenge) == HttpStatusCode.Redirect,
                PropagationBound, $"the stored client served on node {node.Name}");
        }

        var code = await CodeAsync(B, session, clientId, redirect, challenge, "openid email");
        using (var exchange = await C.PostFormAsync("oauth/token",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier), ("client_id", clientId), ("client_secret", secret)))
        {
            var idToken = Payload((await ReadAsync(exchange, HttpStatusCode.OK, "the stored client's code redeemed on C"))["id_token"]!.GetValue<string>());
            Assert.Equal(clientId, idToken["aud"]!.GetValue<string>());
        }

        (exit, output) = await Cluster.RunCommandAsync("clients", "remove", clientId);
        Assert.True(exit == 0, output);
        foreach (var node in Nodes)
        {
            await Poll.UntilAsync(async () => await AuthorizeStatusAsync(node, session, clientId, redirect, challenge) == HttpStatusCode.BadRequest,
                PropagationBound, $"the removed client refused on node {node.Name}");
        }
    }

    private static async Task<HttpStatusCode> AuthorizeStatusAsync(ClusterNode node, BrowserSession session, string clientId, string redirect, string challenge)
    {
        using var response = await node.SendAsync(HttpMethod.Get, AuthorizeUrl(clientId, redirect, challenge, "openid email"), session);
        return response.StatusCode;
    }

    private static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    private static string AuthorizeUrl(string clientId, string redirectUri, string challenge, string scope = "openid profile email") =>
        $"oauth/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(redirectUri)}"
        + $"&scope={Uri.EscapeDataString(scope)}&state=st-123&nonce=n-456&code_challenge={challenge}&code_challenge_method=S256";

    /// <summary>The code a signed-in browser gets on <paramref name="node"/>; checks state and the RFC 9207 iss.</summary>
    private static async Task<string> CodeAsync(
        ClusterNode node, BrowserSession session, string clientId, string redirectUri, string challenge, string scope = "openid profile email")
    {
        using var response = await node.SendAsync(HttpMethod.Get, AuthorizeUrl(clientId, redirectUri, challenge, scope), session);
        var location = response.Headers.Location?.ToString() ?? "";
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && location.StartsWith(redirectUri + "?", StringComparison.Ordinal),
            $"authorization on node {node.Name} answered {(int)response.StatusCode} {location}");
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(location).Query);
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(LatchkeyCluster.Issuer, query["iss"]);
        return query["code"]!;
    }

    private static async Task<HttpResponseMessage> ExchangeAsync(ClusterNode node, string code, string verifier) =>
        await node.PostFormAsync("oauth/token",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OidcClients.WebRedirect), ("code_verifier", verifier),
            ("client_id", OidcClients.Web), ("client_secret", OidcClients.WebSecret));

    private static async Task<HttpStatusCode> UserInfoStatusAsync(ClusterNode node, string accessToken)
    {
        using var response = await node.SendAsync(HttpMethod.Get, "oauth/userinfo", bearer: accessToken);
        return response.StatusCode;
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static JsonObject Payload(string jwt) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]))!.AsObject();
}

/// <summary>The scenarios on PostgreSQL + Redis.</summary>
[Collection(ThreeNodeClusterCollection.Name)]
public sealed class OidcClusterTests(ThreeNodeCluster cluster) : OidcClusterScenarios
{
    protected override LatchkeyCluster Cluster => cluster.Cluster;
}

/// <summary>The scenarios on PostgreSQL alone (sessions in PostgreSQL, revocations over LISTEN/NOTIFY).</summary>
public sealed class PostgreSqlOnlyOidcClusterTests(PostgreSqlOnlyClusterTests.Nodes fixture)
    : OidcClusterScenarios, IClassFixture<PostgreSqlOnlyClusterTests.Nodes>
{
    protected override LatchkeyCluster Cluster => fixture.Cluster;
}
