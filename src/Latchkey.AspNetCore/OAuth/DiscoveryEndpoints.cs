using System.Globalization;
using System.Text.Json;
using Latchkey.AccessTokens;
using Latchkey.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// The discovery documents (RFC 8414, and its OpenID Connect twin) and the JWKS (RFC 7517). They are
/// public and cacheable: <c>max-age</c> is <see cref="KeyOptions.JwksCacheMaxAge"/>, which key
/// rotation waits out before a new key signs.
/// </summary>
internal static class DiscoveryEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var wellKnown = endpoints.MapGroup("/.well-known").AllowAnonymous();
        wellKnown.MapGet("/openid-configuration", Metadata);
        wellKnown.MapGet("/oauth-authorization-server", Metadata);
        wellKnown.MapGet("/jwks.json", Jwks);
    }

    private static CachedJson Metadata(IIssuerProvider issuer, IOptions<KeyOptions> keys) => new CachedJson(keys.Value.JwksCacheMaxAge, writer =>
    {
        var iss = issuer.Issuer;
        writer.WriteString("issuer", iss);
        writer.WriteString("token_endpoint", iss + "/oauth/token");
        writer.WriteString("jwks_uri", iss + "/.well-known/jwks.json");
        writer.WriteString("revocation_endpoint", iss + "/oauth/revoke");
        writer.WriteString("introspection_endpoint", iss + "/oauth/introspect");
        WriteArray(writer, "grant_types_supported", ["password", "refresh_token", "client_credentials"]);
        WriteArray(writer, "token_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post"]);
        WriteArray(writer, "revocation_endpoint_auth_methods_supported", ["none", "client_secret_basic", "client_secret_post"]);
        WriteArray(writer, "introspection_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post"]);
        WriteArray(writer, "response_types_supported", []);
        WriteArray(writer, "access_token_signing_alg_values_supported", SigningAlgorithms.All);
    });

    private static CachedJson Jwks(SigningKeyRing ring, IOptions<KeyOptions> keys) => new CachedJson(keys.Value.JwksCacheMaxAge, writer =>
    {
        writer.WriteStartArray("keys");
        foreach (var key in ring.Keys)
        {
            key.Material.WritePublishedJwk(writer, key.Kid);
        }

        writer.WriteEndArray();
    });

    private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private sealed class CachedJson(TimeSpan maxAge, Action<Utf8JsonWriter> body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = "application/json";
            response.Headers.CacheControl = "public, max-age=" + ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await using var writer = new Utf8JsonWriter(response.Body);
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
