using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Latchkey.AspNetCore.OpenApi;

// The parameters of the OAuth and OpenID Connect endpoints, for the OpenAPI document only: the endpoints read them from
// the form (or the query) by hand (OAuthRequest, AuthorizeEndpoint.ReadAsync), as RFC 6749 §3.2 wants.

[Description("Client authentication in the form (`client_secret_post`); HTTP Basic (`client_secret_basic`) instead, never both.")]
internal abstract class ClientAuthenticationForm
{
    [Description("The client's id; with `client_secret`, or alone for a public client.")]
    [JsonPropertyName("client_id")]
    public string? ClientId { get; init; }

    [Description("The client's secret, when the client does not authenticate with HTTP Basic.")]
    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; init; }
}

[Description("The form of `POST /oauth/token` (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6; RFC 7636 §4.5).")]
internal sealed class TokenRequest : ClientAuthenticationForm
{
    [Description("Which grant: each takes the parameters named beside it.")]
    [JsonPropertyName("grant_type")]
    [AllowedValues("authorization_code", "refresh_token", "client_credentials", "password")]
    public required string GrantType { get; init; }

    [Description("`authorization_code`: the code the authorization endpoint issued.")]
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    [Description("`authorization_code`: the `redirect_uri` of the authorization request.")]
    [JsonPropertyName("redirect_uri")]
    public string? RedirectUri { get; init; }

    [Description("`authorization_code`: the PKCE verifier of the request's S256 `code_challenge`.")]
    [JsonPropertyName("code_verifier")]
    public string? CodeVerifier { get; init; }

    [Description("`refresh_token`: the refresh token to spend.")]
    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }

    [Description("`password`: the account's email address.")]
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [Description("`password`: the account's password.")]
    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [Description("`password`, `client_credentials`: the space-separated scopes asked for.")]
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    [Description("`password`: the device token of an earlier answer, so that throttling judges this device by its own failures.")]
    [JsonPropertyName("device_token")]
    public string? DeviceToken { get; init; }
}

[Description("The token a revocation or introspection request is about (RFC 7009 §2.1, RFC 7662 §2.1).")]
internal abstract class TokenForm : ClientAuthenticationForm
{
    [Description("The access or refresh token.")]
    [JsonPropertyName("token")]
    public required string Token { get; init; }

    [Description("Which kind of token it is; only orders the lookups.")]
    [JsonPropertyName("token_type_hint")]
    [AllowedValues("access_token", "refresh_token")]
    public string? TokenTypeHint { get; init; }
}

[Description("The form of `POST /oauth/revoke` (RFC 7009 §2.1).")]
internal sealed class RevocationRequest : TokenForm;

[Description("The form of `POST /oauth/introspect` (RFC 7662 §2.1); the client must authenticate.")]
internal sealed class IntrospectionRequest : TokenForm;

[Description("The parameters of `/oauth/authorize` (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1): the query of a GET or the form of a POST.")]
internal sealed class AuthorizationRequest
{
    [Description("A registered client that may use the authorization code flow.")]
    [JsonPropertyName("client_id")]
    public required string ClientId { get; init; }

    [Description("Exactly one of the client's registered redirect URIs.")]
    [JsonPropertyName("redirect_uri")]
    public required string RedirectUri { get; init; }

    [Description("Only the code flow is supported.")]
    [JsonPropertyName("response_type")]
    [AllowedValues("code")]
    public required string ResponseType { get; init; }

    [Description("Space-separated scopes within the client's.")]
    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    [Description("The S256 PKCE challenge: 43 base64url characters.")]
    [JsonPropertyName("code_challenge")]
    public required string CodeChallenge { get; init; }

    [Description("Only S256; a missing method means plain, which is refused.")]
    [JsonPropertyName("code_challenge_method")]
    [AllowedValues("S256")]
    public required string CodeChallengeMethod { get; init; }

    [Description("Returned unchanged with the answer; at most 2048 characters.")]
    [JsonPropertyName("state")]
    public string? State { get; init; }

    [Description("Put into the ID token; at most 512 characters.")]
    [JsonPropertyName("nonce")]
    public string? Nonce { get; init; }

    [Description("How the answer travels: a redirect with a query (the default) or an auto-submitted form.")]
    [JsonPropertyName("response_mode")]
    [AllowedValues("query", "form_post")]
    public string? ResponseMode { get; init; }

    [Description("Space-separated: `none` (alone), `login`, `consent`, `select_account`.")]
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    [Description("Seconds since sign-in beyond which the user must sign in again.")]
    [JsonPropertyName("max_age")]
    public long? MaxAge { get; init; }

    [Description("The email address to put in the sign-in form.")]
    [JsonPropertyName("login_hint")]
    public string? LoginHint { get; init; }
}

[Description("The parameters of `/oauth/logout` (OpenID Connect RP-Initiated Logout 1.0 §2): the query of a GET or the form of a POST.")]
internal sealed class LogoutRequest
{
    [Description("An ID token this server issued (expired or not); when it names the browser's session, that session ends without asking.")]
    [JsonPropertyName("id_token_hint")]
    public string? IdTokenHint { get; init; }

    [Description("The client asking; must be the hint's `aud` when both are sent.")]
    [JsonPropertyName("client_id")]
    public string? ClientId { get; init; }

    [Description("Where to go afterwards: only exactly one of the client's registered post-logout redirect URIs.")]
    [JsonPropertyName("post_logout_redirect_uri")]
    public string? PostLogoutRedirectUri { get; init; }

    [Description("Returned with the redirect; at most 2048 characters.")]
    [JsonPropertyName("state")]
    public string? State { get; init; }
}
