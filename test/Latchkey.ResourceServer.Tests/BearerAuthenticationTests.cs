using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Latchkey.AccessTokens;
using Latchkey.Grants;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.ResourceServer.Tests;

/// <summary>The sample API accepts the real server's tokens and refuses everything else with 401 invalid_token.</summary>
public sealed class BearerAuthenticationTests(LatchkeyFixture fixture) : IClassFixture<LatchkeyFixture>
{
    // Case name, and the reason the validator gives (logged at Debug, never with the token).
    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "Garbage", "Malformed" },
        { "TamperedPayload", "BadSignature" },
        { "StrippedSignature", "Malformed" },
        { "AlgNone", "AlgorithmMismatch" },
        { "UnknownKid", "UnknownKey" },
        { "WrongIssuer", "WrongIssuer" },
        { "WrongAudience", "WrongAudience" },
        { "WrongType", "WrongType" },
        { "FiveSegments", "Malformed" },
        { "Oversized", "TooLarge" },
    };

    [Fact]
    public async Task Hello_WithPasswordGrantToken_Returns200WithSubAndScopes()
    {
        var (token, accountId) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("hello", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(accountId, body["sub"]!.GetValue<string>());
        Assert.Equal("latchkey", body["clientId"]!.GetValue<string>());
        Assert.IsType<JsonArray>(body["scopes"]);
    }

    [Fact]
    public async Task Hello_WithClientToken_ReturnsClientAsSubAndItsScopes()
    {
        var token = await LatchkeyTokens.ClientCredentialsAsync(fixture.Server, LatchkeyTokens.ReporterId, LatchkeyTokens.ReporterSecret);
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("hello", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(LatchkeyTokens.ReporterId, body["sub"]!.GetValue<string>());
        Assert.Equal(LatchkeyTokens.ReporterId, body["clientId"]!.GetValue<string>());
        Assert.Equal(["reports:read", "reports:write"], body["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reports_WithClientTokenHoldingScope_Returns200()
    {
        var token = await LatchkeyTokens.ClientCredentialsAsync(fixture.Server, LatchkeyTokens.ReporterId, LatchkeyTokens.ReporterSecret, "reports:read");
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("reports", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.ReadJsonArrayAsync());
    }

    [Fact]
    public async Task Reports_WithClientTokenWithoutScope_Returns403()
    {
        var token = await LatchkeyTokens.ClientCredentialsAsync(fixture.Server, LatchkeyTokens.MailerId, LatchkeyTokens.MailerSecret);
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("reports", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Reports_WithScopeThatOnlyStartsLikeTheRequiredOne_Returns403()
    {
        // "reports:write" holds "reports:" but not the scope "reports:read": scopes compare whole.
        var token = await LatchkeyTokens.ClientCredentialsAsync(fixture.Server, LatchkeyTokens.ReporterId, LatchkeyTokens.ReporterSecret, "reports:write");
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("reports", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Reports_WithPasswordGrantTokenWithoutScope_Returns403()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("reports", token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("reports")]
    public async Task Endpoint_WithoutToken_Returns401WithBareBearerChallenge(string path)
    {
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Equal(0, api.Requests.Metadata);
    }

    [Fact]
    public async Task Hello_WithOtherSchemeCredential_Returns401WithBareBearerChallenge()
    {
        await using var api = await fixture.StartApiAsync();

        using var response = await api.SendAsync("hello", new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Hello_WithRefusedToken_Returns401InvalidToken(string name, string reason)
    {
        var token = await ForgeAsync(name);
        await using var api = await fixture.StartApiAsync();

        using var response = await api.GetAsync("hello", token);

        AssertInvalidToken(response);
        var refusal = Assert.Single(api.Logs.Entries, l => l.EventId.Name == "TokenRefused");
        Assert.StartsWith("Bearer token refused: " + reason + " ", refusal.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hello_WithEmptyBearer_Returns401InvalidToken()
    {
        await using var api = await fixture.StartApiAsync();

        using var response = await api.SendAsync("hello", new AuthenticationHeaderValue("Bearer"));

        AssertInvalidToken(response);
    }

    [Fact]
    public async Task Hello_AtExpiryEdge_AcceptedOneSecondBeforeSkewEndsThenRefused()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();
        var lastValid = Jwt.ExpiresAt(token) + TimeSpan.FromSeconds(30) - TimeSpan.FromSeconds(1);

        fixture.Time.SetUtcNow(lastValid);
        using (var before = await api.GetAsync("hello", token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        using var after = await api.GetAsync("hello", token);

        AssertInvalidToken(after);
    }

    [Fact]
    public async Task Hello_IssuerDiffersFromAuthorityHost_KeysRefusedAnd401()
    {
        // The server's issuer is http://127.0.0.1:port; an API told "localhost" must not trust its keys (RFC 8414 §3.3).
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        var localhost = $"http://localhost:{fixture.Server.BaseAddress.Port}";
        await using var api = await ResourceApiHost.StartAsync(localhost, fixture.Time);

        using var response = await api.GetAsync("hello", token);

        AssertInvalidToken(response);
        Assert.Equal(1, api.Requests.Metadata);
        Assert.Equal(0, api.Requests.Jwks);
        Assert.Contains(api.Logs.Entries, l => l.EventId.Name == "IssuerMismatch");
    }

    [Fact]
    public async Task Logs_OfAcceptedAndRefusedTokens_NeverContainTheToken()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        var tampered = Jwt.WithPayload(token, p => p["sub"] = "someone-else");
        await using var api = await fixture.StartApiAsync();

        using (await api.GetAsync("hello", token))
        using (await api.GetAsync("hello", tampered))
        using (await api.GetAsync("hello", Jwt.WithUnknownKid(token)))
        {
        }

        var signature = token.Split('.')[2];
        var lines = api.Logs.Entries.Select(l => l.Text + l.Scopes).ToList();
        Assert.Contains(api.Logs.Entries, l => l.EventId.Name == "TokenRefused");
        Assert.DoesNotContain(lines, m => m.Contains(signature, StringComparison.Ordinal) || m.Contains(token.Split('.')[1], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_FetchedOnceForManyRequests()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var api = await fixture.StartApiAsync();

        for (var i = 0; i < 5; i++)
        {
            using var response = await api.GetAsync("hello", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, api.Requests.Metadata);
        Assert.Equal(1, api.Requests.Jwks);
    }

    private static void AssertInvalidToken(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    private async Task<string> ForgeAsync(string name)
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        var parts = token.Split('.');
        var issuer = fixture.Server.App.Services.GetRequiredService<AccessTokenIssuer>();
        var claims = new AccessTokenClaims("intruder", "latchkey", "reports:read", null, 0);
        return name switch
        {
            "Garbage" => "not-a-token",
            "TamperedPayload" => Jwt.WithPayload(token, p => p["sub"] = "someone-else"),
            "StrippedSignature" => parts[0] + "." + parts[1] + ".",
            "AlgNone" => Jwt.WithHeader(token, h => h["alg"] = "none"),
            "UnknownKid" => Jwt.WithUnknownKid(token),
            // Signed by the server's real key, but naming another issuer or audience.
            "WrongIssuer" => issuer.Issue(claims, "http://127.0.0.2:1", fixture.Authority, TimeSpan.FromMinutes(5)).Token,
            "WrongAudience" => issuer.Issue(claims, fixture.Authority, "http://other-api.example", TimeSpan.FromMinutes(5)).Token,
            "WrongType" => Jwt.WithHeader(token, h => h["typ"] = "JWT"),
            "FiveSegments" => token + ".AAAA.AAAA",
            "Oversized" => token + new string('A', 9000),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
