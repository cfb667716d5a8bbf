using System.Net;
using Latchkey.AccessTokens;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Latchkey.Testing;
using Latchkey.Tokens;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.ResourceServer.Tests;

/// <summary>
/// One set of bearer-handler behaviours, run against the Latchkey server (<c>GET /api/me</c>) and against a
/// resource server (<c>GET /hello</c>), so that the two cannot drift apart again: another scheme's header is
/// not the handler's, malformed, oversized, expired, revoked and unknown-key tokens are refused with the same
/// <c>WWW-Authenticate</c>, refusals are the same cached results, and an accepted token gives the same claims.
/// </summary>
public abstract class BearerHandlerBehaviourTests(BearerBehaviourFixture fixture)
{
    public static TheoryData<string, string, string> MalformedCredentials => new()
    {
        { "SchemeOnly", "Bearer", "Malformed" },
        { "SchemeAndSpaces", "Bearer   ", "Malformed" },
        { "Garbage", "Bearer garbage", "Malformed" },
        { "LowercaseScheme", "bearer a.b.c", "Malformed" },
        { "TwoSegments", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0", "Malformed" },
        { "FiveSegments", "Bearer a.b.c.d.e", "Malformed" },
        { "NonBase64Url", "Bearer ey+J/h==.ey+J.sig", "Malformed" },
        { "Oversized", "Bearer " + new string('A', 9000), "TooLarge" },
    };

    protected BearerBehaviourFixture Fixture { get; } = fixture;

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Digest username=\"a\"")]
    [InlineData("Bearerx abc")]
    public async Task OtherSchemeCredential_IsNoResult_And401WithoutError(string authorization)
    {
        await using var host = await StartHostAsync();

        var verdict = await host.ProbeAsync(authorization);
        using var response = await host.GetAsync(host.ProtectedPath, authorization);

        Assert.Equal("none", verdict.Outcome);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.ToString().Contains("error=", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(MalformedCredentials))]
    public async Task MalformedBearer_FailsWithReason_And401InvalidToken(string name, string authorization, string reason)
    {
        _ = name;
        await using var host = await StartHostAsync();

        var verdict = await host.ProbeAsync(authorization);
        using var response = await host.GetAsync(host.ProtectedPath, authorization);

        Assert.Equal("failure", verdict.Outcome);
        Assert.Equal(reason, verdict.Failure);
        AssertInvalidToken(response);
    }

    [Fact]
    public async Task SeveralAuthorizationHeaders_Fail()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(Fixture.Server);
        await using var host = await StartHostAsync();

        // Two header lines, as HttpClient would fold them into one.
        var probe = await host.SendRawAsync(BearerProbe.Path, BearerHost.Bearer(token), BearerHost.Bearer(token));
        var response = await host.SendRawAsync("/" + host.ProtectedPath, BearerHost.Bearer(token), BearerHost.Bearer(token));

        Assert.Contains("\"failure\":\"SeveralAuthorizationHeaders\"", probe.Body, StringComparison.Ordinal);
        Assert.Equal(401, response.Status);
        Assert.Contains("WWW-Authenticate: Bearer error=\"invalid_token\"", response.Head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExpiredToken_FailsExpired_And401InvalidToken()
    {
        var issuer = Fixture.Server.App.Services.GetRequiredService<AccessTokenIssuer>();
        var expired = issuer.Issue(
            new AccessTokenClaims("expired-user", "latchkey", string.Empty, null, 0), Fixture.Authority, Fixture.Authority, TimeSpan.FromMinutes(-5)).Token;
        await using var host = await StartHostAsync();

        var verdict = await host.ProbeAsync(BearerHost.Bearer(expired));
        using var response = await host.GetAsync(host.ProtectedPath, BearerHost.Bearer(expired));

        Assert.Equal(nameof(TokenValidationError.Expired), verdict.Failure);
        AssertInvalidToken(response);
    }

    [Fact]
    public async Task UnknownKid_FailsUnknownKey_And401InvalidToken()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(Fixture.Server);
        var forged = Jwt.WithUnknownKid(token);
        await using var host = await StartHostAsync();

        var verdict = await host.ProbeAsync(BearerHost.Bearer(forged));
        using var response = await host.GetAsync(host.ProtectedPath, BearerHost.Bearer(forged));

        Assert.Equal(nameof(TokenValidationError.UnknownKey), verdict.Failure);
        AssertInvalidToken(response);
    }

    [Fact]
    public async Task RevokedToken_FailsRevoked_And401InvalidToken()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(Fixture.Server);
        await using var host = await StartHostAsync();
        using (var before = await host.GetAsync(host.ProtectedPath, BearerHost.Bearer(token)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var client = Fixture.Server.CreateClient();
        using (var revoke = await client.Http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token })))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // The server knows at once; a resource server hears it on its revocation feed, moments later.
        var verdict = await host.ProbeAsync(BearerHost.Bearer(token));
        for (var attempt = 0; verdict.Outcome == "success" && attempt < 200; attempt++)
        {
            await Task.Delay(50);
            verdict = await host.ProbeAsync(BearerHost.Bearer(token));
        }

        using var response = await host.GetAsync(host.ProtectedPath, BearerHost.Bearer(token));
        Assert.Equal(nameof(TokenValidationError.Revoked), verdict.Failure);
        AssertInvalidToken(response);
    }

    [Fact]
    public async Task NoCredential_IsNoResult_And401WithoutError()
    {
        await using var host = await StartHostAsync();

        var verdict = await host.ProbeAsync();
        using var response = await host.GetAsync(host.ProtectedPath);

        Assert.Equal("none", verdict.Outcome);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.ToString().Contains("error=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepeatedRefusal_IsTheSameCachedResult()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(Fixture.Server);
        var tampered = Jwt.WithPayload(token, p => p["sub"] = "someone-else");
        await using var host = await StartHostAsync();

        await host.ProbeAsync("Bearer garbage");
        await host.ProbeAsync("Bearer other-garbage");
        await host.ProbeAsync(BearerHost.Bearer(tampered));

        var results = host.Probe.Results.TakeLast(3).ToList();
        Assert.All(results, r => Assert.NotNull(r.Failure));
        Assert.Same(results[0], results[1]);
        Assert.NotSame(results[0], results[2]);
        Assert.Equal(nameof(TokenValidationError.BadSignature), results[2].Failure!.Message);
    }

    [Fact]
    public async Task AcceptedToken_GivesTheSameClaims()
    {
        var (token, accountId) = await LatchkeyTokens.PasswordGrantAsync(Fixture.Server);
        await using var host = await StartHostAsync();

        var verdict = await host.ProbeAsync(BearerHost.Bearer(token));
        using var response = await host.GetAsync(host.ProtectedPath, BearerHost.Bearer(token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("success", verdict.Outcome);
        Assert.Equal(
            [
                AccessTokenClaimNames.Acr, AccessTokenClaimNames.Amr, AccessTokenClaimNames.AuthTime, AccessTokenClaimNames.ClientId,
                LatchkeyBearerDefaults.AuthMethodClaim, AccessTokenClaimNames.Scope, AccessTokenClaimNames.SessionId, AccessTokenClaimNames.Subject,
            ],
            verdict.Claims.Select(c => c.Type).Order(StringComparer.Ordinal));

        // A password grant: one factor, signed in when the grant began its refresh family.
        Assert.Equal("1", verdict.Claims.Single(c => c.Type == AccessTokenClaimNames.Acr).Value);
        Assert.Equal("pwd", verdict.Claims.Single(c => c.Type == AccessTokenClaimNames.Amr).Value);
        var authTime = long.Parse(verdict.Claims.Single(c => c.Type == AccessTokenClaimNames.AuthTime).Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(authTime, Jwt.Payload(token)["iat"]!.GetValue<long>() - 5, Jwt.Payload(token)["iat"]!.GetValue<long>());
        Assert.Equal(accountId, verdict.Claims.Single(c => c.Type == AccessTokenClaimNames.Subject).Value);
        Assert.Equal(LatchkeyBearerDefaults.AuthMethod, verdict.Claims.Single(c => c.Type == LatchkeyBearerDefaults.AuthMethodClaim).Value);
        Assert.All(verdict.Claims, c => Assert.Equal(Fixture.Authority, c.Issuer));
    }

    protected abstract Task<BearerHost> StartHostAsync();

    private static void AssertInvalidToken(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }
}

/// <summary>The shared cases against the Latchkey server's own bearer scheme.</summary>
public sealed class ServerBearerHandlerBehaviourTests(BearerBehaviourFixture fixture)
    : BearerHandlerBehaviourTests(fixture), IClassFixture<BearerBehaviourFixture>
{
    protected override Task<BearerHost> StartHostAsync() => Task.FromResult<BearerHost>(new ServerHost(Fixture));

    private sealed class ServerHost(BearerBehaviourFixture fixture) : BearerHost
    {
        private readonly HttpClient _http = new() { BaseAddress = fixture.Server.BaseAddress };

        public override string ProtectedPath => "api/me";

        public override BearerProbe Probe => fixture.ServerProbe;

        protected override HttpClient Http => _http;

        public override ValueTask DisposeAsync()
        {
            _http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The shared cases against a resource server (the sample API) subscribed to the revocation feed.</summary>
public sealed class ResourceServerBearerHandlerBehaviourTests(BearerBehaviourFixture fixture)
    : BearerHandlerBehaviourTests(fixture), IClassFixture<BearerBehaviourFixture>
{
    protected override async Task<BearerHost> StartHostAsync()
    {
        var probe = new BearerProbe(LatchkeyBearerDefaults.AuthenticationScheme);
        var api = await ResourceApiHost.StartAsync(Fixture.Authority, Fixture.Time, builder =>
        {
            builder.Configuration["Latchkey:RevocationClientId"] = LatchkeyTokens.ReporterId;
            builder.Configuration["Latchkey:RevocationClientSecret"] = LatchkeyTokens.ReporterSecret;
            builder.Services.AddSingleton<IStartupFilter>(probe);
        });
        return new ResourceApiBearerHost(api, probe);
    }
}

/// <summary>A Latchkey server whose bearer scheme can be probed (<see cref="BearerProbe"/>).</summary>
public sealed class BearerBehaviourFixture : LatchkeyFixture
{
    public BearerProbe ServerProbe { get; } = new(LatchkeyDefaults.BearerScheme);

    protected override void Configure(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConfigureBuilder = builder => builder.Services.AddSingleton<IStartupFilter>(ServerProbe);
    }
}
