using System.Globalization;
using System.Text.Json;
using Latchkey.AccessTokens;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Authorization;
using Latchkey.Clients;
using Latchkey.Sessions;
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
        var wellKnown = endpoints.MapGroup("/.well-known").AllowAnonymous().WithMetadata(BrowserClientCors.PublicDocuments).WithTags("Discovery");
        wellKnown.MapGet("/openid-configuration", Metadata)
            .Documented("getOpenIdConfiguration", "OpenID Connect Discovery metadata").Produces<AuthorizationServerMetadata>();
        wellKnown.MapGet("/oauth-authorization-server", Metadata)
            .Documented("getAuthorizationServerMetadata", "OAuth 2.0 authorization server metadata (RFC 8414)").Produces<AuthorizationServerMetadata>();
        wellKnown.MapGet("/jwks.json", Jwks)
            .Documented("getJwks", "The public signing keys (RFC 7517)", "During a key rotation, the old and the new key.").Produces<JsonWebKeySet>();
    }

    // RS256 first: OpenID Connect's default, which every relying party supports.
    private static readonly string[] StandardScopes = ["openid", "profile", "email", "offline_access"];

    private static readonly string[] IdTokenAlgorithms = [SigningAlgorithms.RS256, SigningAlgorithms.ES256, SigningAlgorithms.PS256, SigningAlgorithms.EdDSA];

    private static CachedJson Metadata(IIssuerProvider issuer, IOptions<KeyOptions> keys, IClientRegistry clients) => new CachedJson(keys.Value.JwksCacheMaxAge, writer =>
    {
        var iss = issuer.Issuer;
        writer.WriteString("issuer", iss);
        writer.WriteString("authorization_endpoint", iss + "/oauth/authorize");
        writer.WriteString("token_endpoint", iss + "/oauth/token");
        writer.WriteString("userinfo_endpoint", iss + "/oauth/userinfo");
        writer.WriteString("jwks_uri", iss + "/.well-known/jwks.json");
        writer.WriteString("end_session_endpoint", iss + "/oauth/logout");
        writer.WriteString("revocation_endpoint", iss + "/oauth/revoke");
        writer.WriteString("introspection_endpoint", iss + "/oauth/introspect");
        WriteArray(writer, "scopes_supported", ScopesSupported(clients));
        WriteArray(writer, "response_types_supported", ["code"]);
        WriteArray(writer, "response_modes_supported", ["query", "form_post"]);
        WriteArray(writer, "grant_types_supported", ["authorization_code", "refresh_token", "client_credentials", "password"]);
        WriteArray(writer, "subject_types_supported", ["public"]);
        WriteArray(writer, "id_token_signing_alg_values_supported", IdTokenAlgorithms);
        WriteArray(writer, "token_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post", "none"]);
        WriteArray(writer, "revocation_endpoint_auth_methods_supported", ["none", "client_secret_basic", "client_secret_post"]);
        WriteArray(writer, "introspection_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post"]);
        WriteArray(writer, "code_challenge_methods_supported", ["S256"]);
        WriteArray(writer, "claims_supported", UserClaims.Supported);
        WriteArray(writer, "claim_types_supported", ["normal"]);
        WriteArray(writer, "prompt_values_supported", ["none", "login", "consent"]);
        WriteArray(writer, "acr_values_supported", [AuthenticationMethodNames.SingleFactor, AuthenticationMethodNames.MultiFactor]);
        WriteArray(writer, "access_token_signing_alg_values_supported", SigningAlgorithms.All);
        writer.WriteBoolean("authorization_response_iss_parameter_supported", true);
        writer.WriteBoolean("claims_parameter_supported", false);
        writer.WriteBoolean("request_parameter_supported", false);
        writer.WriteBoolean("request_uri_parameter_supported", false);
        writer.WriteBoolean("require_request_uri_registration", false);
        writer.WriteBoolean("backchannel_logout_supported", true);
        writer.WriteBoolean("backchannel_logout_session_supported", true);
        writer.WriteBoolean("frontchannel_logout_supported", false);
        writer.WriteBoolean("frontchannel_logout_session_supported", false);
    });

    // The standard scopes, then the other scopes that clients of the code flow may be granted (service clients' are not advertised).
    private static IEnumerable<string> ScopesSupported(IClientRegistry clients) =>
        StandardScopes.Concat(clients.All.Where(c => c.Allows("authorization_code")).SelectMany(c => c.Scopes).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal);

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
