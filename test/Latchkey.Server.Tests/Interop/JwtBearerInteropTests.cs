using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Latchkey.Keys;
using Latchkey.Server.Tests.Tokens;
using Latchkey.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.Tests.Interop;

/// <summary>
/// A second, ordinary ASP.NET Core service protected by Microsoft.AspNetCore.Authentication.JwtBearer,
/// pointed at Latchkey's issuer URL: it discovers the JWKS through the discovery document and must accept
/// Latchkey's tokens, and refuse tampered ones. Beyond <c>Authority</c>, it needs
/// <c>RequireHttpsMetadata = false</c> (the test issuer is plain http) and <c>Audience</c> (JwtBearer
/// validates <c>aud</c> and has no default; Latchkey's default audience is its issuer). <c>ValidTypes</c>
/// is not needed to accept the tokens, but without it JwtBearer accepts any <c>typ</c>, so it is set
/// here as RFC 9068 §4 asks of resource servers. EdDSA is left out: Microsoft.IdentityModel (8.19) ignores
/// OKP keys in a JWKS, so JwtBearer cannot verify Latchkey's EdDSA tokens (IDX10500, no security keys).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class JwtBearerInteropTests(InteropServers servers)
{
    public static TheoryData<string> Algorithms => new() { SigningAlgorithms.ES256, SigningAlgorithms.RS256, SigningAlgorithms.PS256 };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task JwtBearer_PointedAtIssuerUrl_AcceptsLatchkeyToken(string algorithm)
    {
        var latchkey = await servers.ForAsync(algorithm);
        var issuer = await DiscoveredIssuerAsync(latchkey);
        await using var api = await ResourceApi.StartAsync(issuer, validTypes: ["at+jwt"]);
        using var client = latchkey.CreateClient();
        var (userId, token) = await client.SignUpForTokenAsync();

        using var response = await api.Http.GetWithBearerAsync("whoami", token);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"JwtBearer answered {(int)response.StatusCode}: {body} {api.Failures()}");
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(userId, json["sub"]!.GetValue<string>());
        Assert.Equal(issuer, json["iss"]!.GetValue<string>());
        Assert.Equal(algorithm, json["alg"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task JwtBearer_PointedAtIssuerUrl_RefusesTamperedToken(string algorithm)
    {
        var latchkey = await servers.ForAsync(algorithm);
        await using var api = await ResourceApi.StartAsync(await DiscoveredIssuerAsync(latchkey), validTypes: ["at+jwt"]);
        using var client = latchkey.CreateClient();
        var (_, token) = await client.SignUpForTokenAsync();
        var forged = CompactJws.WithPayload(token, p => p["sub"] = "someone-else");

        using var response = await api.Http.GetWithBearerAsync("whoami", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.IsType<SecurityTokenInvalidSignatureException>(Assert.Single(api.FailureExceptions()));
    }

    [Fact]
    public async Task JwtBearer_WithValidTypes_RefusesGenuinelySignedTokenOfAnotherTyp()
    {
        // Signed with Latchkey's own key, so only typ can refuse it.
        var latchkey = await servers.ForAsync(SigningAlgorithms.ES256);
        var issuer = await DiscoveredIssuerAsync(latchkey);
        await using var strict = await ResourceApi.StartAsync(issuer, validTypes: ["at+jwt"]);
        await using var lenient = await ResourceApi.StartAsync(issuer, validTypes: null);
        using var client = latchkey.CreateClient();
        var (_, token) = await client.SignUpForTokenAsync();
        var idTokenLike = ResignWithLatchkeyKey(latchkey, token, header => header["typ"] = "JWT");

        using var refused = await strict.Http.GetWithBearerAsync("whoami", idTokenLike);
        using var accepted = await lenient.Http.GetWithBearerAsync("whoami", idTokenLike);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.IsType<SecurityTokenInvalidTypeException>(Assert.Single(strict.FailureExceptions()));
        // Why ValidTypes is set: JwtBearer's defaults take any typ.
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task JwtBearer_TokenOfAnotherLatchkey_IsRefused()
    {
        var latchkey = await servers.ForAsync(SigningAlgorithms.ES256);
        var other = await servers.ForAsync(SigningAlgorithms.RS256);
        await using var api = await ResourceApi.StartAsync(await DiscoveredIssuerAsync(latchkey), validTypes: ["at+jwt"]);
        using var client = other.CreateClient();
        var (_, token) = await client.SignUpForTokenAsync();

        using var response = await api.Http.GetWithBearerAsync("whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }


    private static async Task<string> DiscoveredIssuerAsync(LatchkeyTestServer latchkey)
    {
        using var client = latchkey.CreateClient();
        using var response = await client.GetAsync(".well-known/openid-configuration");
        var issuer = (await response.ReadJsonObjectAsync())["issuer"]!.GetValue<string>();
        Assert.Equal(latchkey.Origin, issuer);
        return issuer;
    }

    private static string ResignWithLatchkeyKey(LatchkeyTestServer latchkey, string token, Action<JsonObject> editHeader)
    {
        var ring = latchkey.App.Services.GetRequiredService<SigningKeyRing>();
        var kid = CompactJws.Header(token)["kid"]!.GetValue<string>();
        var key = ring.Keys.Single(k => k.Kid == kid).Material;
        var header = CompactJws.Header(token);
        editHeader(header);
        var input = CompactJws.EncodeText(header.ToJsonString()) + "." + CompactJws.Segments(token)[1];
        var signature = new byte[key.SignatureSize];
        var written = key.Sign(Encoding.ASCII.GetBytes(input), signature);
        return input + "." + CompactJws.Encode(signature.AsSpan(0, written));
    }

    /// <summary>The resource server: JwtBearer with the issuer URL as authority, one protected endpoint.</summary>
    private sealed class ResourceApi : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Exception> _failures;

        private ResourceApi(WebApplication app, Uri address, ConcurrentQueue<Exception> failures)
        {
            _app = app;
            _failures = failures;
            Http = new HttpClient { BaseAddress = address };
        }

        public HttpClient Http { get; }

        public static async Task<ResourceApi> StartAsync(string issuer, string[]? validTypes)
        {
            var failures = new ConcurrentQueue<Exception>();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddAuthorization();
            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
            {
                o.Authority = issuer;
                o.RequireHttpsMetadata = false;
                o.Audience = issuer;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.ValidTypes = validTypes;
                o.Events = new JwtBearerEvents
                {
                    OnAuthenticationFailed = context =>
                    {
                        failures.Enqueue(context.Exception);
                        return Task.CompletedTask;
                    },
                };
            });

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/whoami", (HttpContext context) =>
            {
                var user = context.User;
                var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
                var alg = CompactJws.Header(token)["alg"]!.GetValue<string>();
                return Results.Json(new { sub = user.FindFirstValue("sub"), iss = user.FindFirstValue("iss"), alg });
            }).RequireAuthorization();

            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ResourceApi(app, new Uri(address + "/"), failures);
        }

        public IReadOnlyList<Exception> FailureExceptions() => [.. _failures];

        public string Failures() => string.Join(" | ", _failures.Select(e => e.Message));

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
