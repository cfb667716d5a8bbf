using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.Tests.Oidc;

/// <summary>
/// A server whose clients take back-channel logouts at a <see cref="BackChannelReceiver"/>: <see cref="RpClient"/>
/// (RS256, a registered post-logout URI), <see cref="FlakyClient"/> (ES256; its endpoint answers 500 first) and
/// <see cref="OtherClient"/>; retries come within a second.
/// </summary>
public sealed class LogoutServerFixture : IAsyncLifetime
{
    public const string RpClient = "bc-rp";
    public const string RpRedirect = "https://rp.example/cb";
    public const string RpPostLogout = "https://rp.example/signed-out";
    public const string FlakyClient = "bc-flaky";
    public const string FlakyRedirect = "https://flaky.example/cb";
    public const string OtherClient = "bc-other";
    public const string OtherRedirect = "https://other.example/cb";
    public const string Secret = "logout-client-secret-0123";

    public LatchkeyTestServer Server { get; private set; } = null!;

    public BackChannelReceiver Receiver { get; private set; } = null!;

    public string Issuer => Server.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Receiver = await BackChannelReceiver.StartAsync();
        var options = new TestServerOptions();
        var settings = options.Settings;
        settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        settings["Latchkey:BackChannelLogout:RetryDelay"] = "00:00:00.2";
        settings["Latchkey:BackChannelLogout:MaxRetryDelay"] = "00:00:01";
        settings["Latchkey:BackChannelLogout:PollInterval"] = "00:00:00.2";
        OAuth.AddClient(settings);
        AddClient(settings, 1, RpClient, RpRedirect, "rp");
        settings["Latchkey:Clients:1:PostLogoutRedirectUris:0"] = RpPostLogout;
        AddClient(settings, 2, FlakyClient, FlakyRedirect, "flaky");
        settings["Latchkey:Clients:2:IdTokenSigningAlgorithm"] = "ES256";
        AddClient(settings, 3, OtherClient, OtherRedirect, "other");
        Server = await LatchkeyTestServer.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>Runs the code flow for <paramref name="clientId"/> in the signed-in <paramref name="browser"/>; answers the ID token.</summary>
    public async Task<string> SignInToAsync(LatchkeyTestClient browser, string clientId, string redirectUri)
    {
        var (verifier, challenge) = Oidc.NewPkce();
        var code = await Oidc.CodeAsync(Server, browser, clientId, redirectUri, challenge, "openid");
        using var exchange = await browser.ExchangeAsync(code, verifier, clientId, redirectUri, Secret);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var body = JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!;
        return body["id_token"]!.GetValue<string>();
    }

    /// <summary>
    /// Checks a logout token as Back-Channel Logout 1.0 §2.6 asks, with the server's JWKS: signature, <c>typ</c>
    /// <c>logout+jwt</c>, iss, aud, iat, a short exp, jti, sub, sid, the event, and no nonce.
    /// </summary>
    public async Task<JsonWebToken> ValidateLogoutTokenAsync(string token, string audience, string subject, string sessionId)
    {
        using var client = Server.CreateClient();
        var jwks = new JsonWebKeySet(await client.Http.GetStringAsync(".well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["logout+jwt"],
            RequireExpirationTime = true,
        });
        Assert.True(result.IsValid, $"Logout token refused: {result.Exception}");
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("logout+jwt", jwt.Typ);
        Assert.Equal(subject, jwt.Subject);
        Assert.Equal(sessionId, jwt.GetClaim("sid").Value);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.False(jwt.TryGetPayloadValue<object>("nonce", out _));
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));
        Assert.InRange(jwt.IssuedAt, TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-1), TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(1));
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[1])).RootElement;
        var events = payload.GetProperty("events");
        Assert.Equal(JsonValueKind.Object, events.GetProperty("http://schemas.openid.net/event/backchannel-logout").ValueKind);
        Assert.Equal(JsonValueKind.String, payload.GetProperty("aud").ValueKind);
        return jwt;
    }

    private void AddClient(Dictionary<string, string> settings, int index, string clientId, string redirectUri, string endpoint)
    {
        var prefix = $"Latchkey:Clients:{index}:";
        settings[prefix + "ClientId"] = clientId;
        settings[prefix + "ClientSecret"] = Secret;
        settings[prefix + "Scopes"] = "openid profile email";
        settings[prefix + "RedirectUris:0"] = redirectUri;
        settings[prefix + "RequireConsent"] = "false";
        settings[prefix + "BackChannelLogoutUri"] = Receiver.Origin + "/" + endpoint;
    }
}
