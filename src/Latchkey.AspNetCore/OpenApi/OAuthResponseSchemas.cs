using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Latchkey.AspNetCore.OpenApi;

// The answers of the OAuth, OpenID Connect and discovery endpoints, for the OpenAPI document only: the endpoints write
// them with a Utf8JsonWriter (OAuthResponses, DiscoveryEndpoints), never from these types.

[Description("A token response (RFC 6749 §5.1).")]
internal sealed class TokenResponse
{
    [Description("An RFC 9068 JWT.")]
    [JsonPropertyName("access_token")]
    public required string AccessToken { get; init; }

    [Description("Always `Bearer`.")]
    [JsonPropertyName("token_type")]
    public required string TokenType { get; init; }

    [Description("Seconds until the access token expires.")]
    [JsonPropertyName("expires_in")]
    public required int ExpiresIn { get; init; }

    [Description("The granted scopes, space-separated.")]
    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    [Description("A single-use refresh token; not for `client_credentials`.")]
    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }

    [Description("The ID token, for an `authorization_code` grant with the `openid` scope.")]
    [JsonPropertyName("id_token")]
    public string? IdToken { get; init; }

    [Description("`password` grant: the device token to send with the next password grant from this device.")]
    [JsonPropertyName("device_token")]
    public string? DeviceToken { get; init; }
}

[Description("An introspection response (RFC 7662 §2.2): only `active` when the token is not active.")]
internal sealed class IntrospectionResponse
{
    [Description("Whether the token is known, unexpired, unrevoked and issued here.")]
    [JsonPropertyName("active")]
    public required bool Active { get; init; }

    [Description("`access_token` or `refresh_token`.")]
    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    [Description("The account id, or the client id of a client-credentials token.")]
    [JsonPropertyName("sub")]
    public string? Subject { get; init; }

    [Description("The client the token was issued to.")]
    [JsonPropertyName("client_id")]
    public string? ClientId { get; init; }

    [Description("The token's scopes, space-separated.")]
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    [Description("The issuer.")]
    [JsonPropertyName("iss")]
    public string? Issuer { get; init; }

    [Description("The audience.")]
    [JsonPropertyName("aud")]
    public string? Audience { get; init; }

    [Description("The token's id.")]
    [JsonPropertyName("jti")]
    public string? JwtId { get; init; }

    [Description("The session the token was minted from, if any.")]
    [JsonPropertyName("sid")]
    public string? SessionId { get; init; }

    [Description("Issued at, in seconds since the epoch.")]
    [JsonPropertyName("iat")]
    public long? IssuedAt { get; init; }

    [Description("Expires at, in seconds since the epoch.")]
    [JsonPropertyName("exp")]
    public long? ExpiresAt { get; init; }
}

[Description("The UserInfo response (OIDC Core §5.3.2): the claims of the token's scopes.")]
internal sealed class UserInfoResponse
{
    [Description("The account id.")]
    [JsonPropertyName("sub")]
    public required string Subject { get; init; }

    [Description("With the `email` scope.")]
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [Description("With the `email` scope.")]
    [JsonPropertyName("email_verified")]
    public bool? EmailVerified { get; init; }

    [Description("With the `profile` scope: the email address, an account's only handle.")]
    [JsonPropertyName("preferred_username")]
    public string? PreferredUsername { get; init; }
}

[Description("Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3); the main members.")]
internal sealed class AuthorizationServerMetadata
{
    [Description("The configured `Latchkey:Issuer`; every URL below starts with it.")]
    [JsonPropertyName("issuer")]
    public required string Issuer { get; init; }

    [Description("The authorization endpoint.")]
    [JsonPropertyName("authorization_endpoint")]
    public required string AuthorizationEndpoint { get; init; }

    [Description("The token endpoint.")]
    [JsonPropertyName("token_endpoint")]
    public required string TokenEndpoint { get; init; }

    [Description("The UserInfo endpoint.")]
    [JsonPropertyName("userinfo_endpoint")]
    public required string UserInfoEndpoint { get; init; }

    [Description("The JWKS.")]
    [JsonPropertyName("jwks_uri")]
    public required string JwksUri { get; init; }

    [Description("The RP-initiated logout endpoint.")]
    [JsonPropertyName("end_session_endpoint")]
    public required string EndSessionEndpoint { get; init; }

    [Description("The revocation endpoint.")]
    [JsonPropertyName("revocation_endpoint")]
    public required string RevocationEndpoint { get; init; }

    [Description("The introspection endpoint.")]
    [JsonPropertyName("introspection_endpoint")]
    public required string IntrospectionEndpoint { get; init; }

    [Description("The standard scopes, then those of the code-flow clients.")]
    [JsonPropertyName("scopes_supported")]
    public required IReadOnlyList<string> ScopesSupported { get; init; }

    [Description("The grants the token endpoint takes.")]
    [JsonPropertyName("grant_types_supported")]
    public required IReadOnlyList<string> GrantTypesSupported { get; init; }

    [Description("How clients authenticate at the token endpoint.")]
    [JsonPropertyName("token_endpoint_auth_methods_supported")]
    public required IReadOnlyList<string> TokenEndpointAuthMethodsSupported { get; init; }

    [Description("Only `S256`.")]
    [JsonPropertyName("code_challenge_methods_supported")]
    public required IReadOnlyList<string> CodeChallengeMethodsSupported { get; init; }

    [Description("The algorithms ID tokens may be signed with.")]
    [JsonPropertyName("id_token_signing_alg_values_supported")]
    public required IReadOnlyList<string> IdTokenSigningAlgValuesSupported { get; init; }
}

[Description("A JWK Set (RFC 7517 §5): the public signing keys; during a rotation, old and new.")]
internal sealed class JsonWebKeySet
{
    [Description("The keys.")]
    [JsonPropertyName("keys")]
    public required IReadOnlyList<JsonWebKey> Keys { get; init; }
}

[Description("A public signing key (RFC 7517 §4); the members of its key type only.")]
internal sealed class JsonWebKey
{
    [Description("`EC`, `RSA` or `OKP`.")]
    [JsonPropertyName("kty")]
    public required string KeyType { get; init; }

    [Description("The key id that tokens name in their header.")]
    [JsonPropertyName("kid")]
    public required string KeyId { get; init; }

    [Description("`ES256`, `RS256`, `PS256` or `EdDSA`.")]
    [JsonPropertyName("alg")]
    public required string Algorithm { get; init; }

    [Description("Always `sig`.")]
    [JsonPropertyName("use")]
    public required string Use { get; init; }

    [Description("EC and OKP: `P-256` or `Ed25519`.")]
    [JsonPropertyName("crv")]
    public string? Curve { get; init; }

    [Description("EC and OKP: the public point's x (base64url).")]
    [JsonPropertyName("x")]
    public string? X { get; init; }

    [Description("EC: the public point's y (base64url).")]
    [JsonPropertyName("y")]
    public string? Y { get; init; }

    [Description("RSA: the modulus (base64url).")]
    [JsonPropertyName("n")]
    public string? Modulus { get; init; }

    [Description("RSA: the exponent (base64url).")]
    [JsonPropertyName("e")]
    public string? Exponent { get; init; }
}
