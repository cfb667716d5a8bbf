using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Clients;
using Latchkey.Grants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.OAuth;

/// <summary><c>POST /oauth/token</c>, <c>/oauth/revoke</c> (RFC 7009) and <c>/oauth/introspect</c> (RFC 7662).</summary>
internal static class OAuthEndpoints
{
    public static void Map(IEndpointRouteBuilder oauth)
    {
        var cors = oauth.ServiceProvider.GetRequiredService<BrowserClientCors>().ClientEndpoints;
        oauth.MapPost("/token", TokenAsync).WithMetadata(cors).WithTags("OAuth").Credentials(EndpointCredentials.Client | EndpointCredentials.Optional)
            .Documented(
                "token", "Get tokens: authorization code, refresh token, client credentials or password grant",
                "RFC 6749 §3.2. A confidential client authenticates (HTTP Basic or the form); a spent refresh token presented again revokes its whole family.")
            .AcceptsOAuthParameters<TokenRequest>().Produces<TokenResponse>()
            .RefusesOAuth(
                OAuthErrors.InvalidRequest, OAuthErrors.InvalidGrant, OAuthErrors.InvalidScope, OAuthErrors.UnsupportedGrantType, OAuthErrors.UnauthorizedClient,
                OAuthErrors.InvalidClient, OAuthErrors.SlowDown, OAuthErrors.TemporarilyUnavailable);
        AuthorizeEndpoint.Map(oauth);
        UserInfoEndpoint.Map(oauth).WithMetadata(cors);
        LogoutEndpoint.Map(oauth);
        oauth.MapPost("/revoke", RevokeAsync).WithMetadata(cors).WithTags("OAuth").Credentials(EndpointCredentials.Client | EndpointCredentials.Optional)
            .Documented("revokeToken", "Revoke an access or refresh token", "RFC 7009: 200 for any token value, unknown or already revoked included.")
            .AcceptsOAuthParameters<RevocationRequest>().Answers(StatusCodes.Status200OK, "Revoked, or nothing to revoke; the body is `{}`.")
            .RefusesOAuth(OAuthErrors.InvalidRequest, OAuthErrors.InvalidClient, OAuthErrors.SlowDown);
        oauth.MapPost("/introspect", IntrospectAsync).WithTags("OAuth").Credentials(EndpointCredentials.Client)
            .Documented(
                "introspectToken", "Introspect a token",
                "RFC 7662; any registered client may. Unknown, expired, revoked and foreign tokens are `{\"active\":false}`.")
            .AcceptsOAuthParameters<IntrospectionRequest>().Produces<IntrospectionResponse>()
            .RefusesOAuth(OAuthErrors.InvalidRequest, OAuthErrors.InvalidClient, OAuthErrors.SlowDown);
    }

    private static async Task<IResult> TokenAsync(
        HttpContext context, TokenService tokens, ClientAuthenticator clients, Latchkey.Authorization.AuthorizationCodeService codes, IOptions<LatchkeyOptions> options)
    {
        var (request, client, error) = await ReadAsync(context, clients, options);
        if (error is not null)
        {
            return error;
        }

        var grantType = request["grant_type"];
        TokenResult result;
        switch (grantType)
        {
            case null:
                return OAuthResponses.Error(OAuthErrors.InvalidRequest, "The grant_type parameter is required.");
            case "password":
                if (client is null && request.ClientId is { } publicId && publicId != tokens.DefaultClientId)
                {
                    return OAuthResponses.Error(OAuthErrors.InvalidClient, "This client must authenticate.");
                }

                var clientId = client?.ClientId ?? tokens.DefaultClientId;
                result = await tokens.PasswordGrantAsync(
                    request["username"], request["password"], request["scope"], client, context.GetRequestOrigin(), request["device_token"], context.RequestAborted,
                    account => LatchkeyEventsDispatcher.For(context).SigningInAsync(context, account, "password", clientId));
                break;
            case "authorization_code":
                result = await codes.ExchangeAsync(
                    request["code"], request["redirect_uri"], request["code_verifier"], client, request.ClientId, context.GetRequestOrigin(), context.RequestAborted);
                break;
            case "refresh_token":
                result = await tokens.RefreshGrantAsync(request["refresh_token"], client, request.ClientId, context.GetRequestOrigin(), context.RequestAborted);
                break;
            case "client_credentials":
                if (client is null)
                {
                    return OAuthResponses.Error(OAuthErrors.InvalidClient, "The client_credentials grant needs client authentication.", basicChallenge: true);
                }

                result = tokens.ClientCredentialsGrant(client, request["scope"]);
                break;
            default:
                return OAuthResponses.Error(OAuthErrors.UnsupportedGrantType, "Supported grant types: authorization_code, refresh_token, client_credentials, password.");
        }

        return result.Error is not null
            ? OAuthResponses.Error(result.Error, result.ErrorDescription, result.RetryAfter)
            : OAuthResponses.Token(result);
    }

    private static async Task<IResult> RevokeAsync(
        HttpContext context, ClientAuthenticator clients, TokenInspector inspector, IOptions<LatchkeyOptions> options)
    {
        var (request, _, error) = await ReadAsync(context, clients, options);
        if (error is not null)
        {
            return error;
        }

        var token = request["token"];
        if (token is null)
        {
            return OAuthResponses.Error(OAuthErrors.InvalidRequest, "The token parameter is required.");
        }

        // RFC 7009 §2.2: the answer is 200 whether or not the token was known; the hint only orders the lookups.
        await inspector.RevokeAsync(token, context.GetRequestOrigin(), context.RequestAborted);
        return OAuthResponses.Json(StatusCodes.Status200OK, _ => { });
    }

    private static async Task<IResult> IntrospectAsync(
        HttpContext context, ClientAuthenticator clients, TokenInspector inspector, IOptions<LatchkeyOptions> options)
    {
        var (request, client, error) = await ReadAsync(context, clients, options);
        if (error is not null)
        {
            return error;
        }

        if (client is null)
        {
            return OAuthResponses.Error(OAuthErrors.InvalidClient, "Introspection needs client authentication.", basicChallenge: true);
        }

        var token = request["token"];
        if (token is null)
        {
            return OAuthResponses.Error(OAuthErrors.InvalidRequest, "The token parameter is required.");
        }

        var introspection = await inspector.IntrospectAsync(token, context.RequestAborted);
        return OAuthResponses.Json(StatusCodes.Status200OK, introspection.Write);
    }

    // Every OAuth endpoint starts alike: read the form, then authenticate the client if it sent credentials.
    private static async Task<(OAuthRequest Request, RegisteredClient? Client, IResult? Error)> ReadAsync(
        HttpContext context, ClientAuthenticator clients, IOptions<LatchkeyOptions> options)
    {
        var (request, error) = await OAuthRequest.ReadAsync(context, options.Value.MaxRequestBodyBytes);
        if (request is null)
        {
            return (null!, null, error!);
        }

        var (client, clientError) = await request.AuthenticateClientAsync(clients, context);
        return (request, client, clientError);
    }
}
