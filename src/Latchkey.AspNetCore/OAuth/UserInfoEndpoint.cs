using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// <c>GET|POST /oauth/userinfo</c> (OIDC Core §5.3): the claims of the granted scopes, for an access token with the
/// <c>openid</c> scope presented as <c>Authorization: Bearer</c> (RFC 6750 §2.1). Errors follow RFC 6750 §3.
/// </summary>
internal static class UserInfoEndpoint
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder oauth) =>
        oauth.MapMethods("/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).WithTags("OpenID Connect")
            .Credentials(EndpointCredentials.Bearer)
            .Documented("userInfo", "The claims of the access token's scopes", "OpenID Connect Core §5.3; the token needs the `openid` scope.")
            .Produces<UserInfoResponse>()
            .RefusesOAuth(StatusCodes.Status401Unauthorized, "No valid access token (RFC 6750 §3.1): `invalid_token`, with `WWW-Authenticate: Bearer`.")
            .RefusesOAuth(StatusCodes.Status403Forbidden, "`insufficient_scope`: the token was not granted `openid`.");

    private static async Task<IResult> UserInfoAsync(HttpContext context, AccountService accounts)
    {
        var result = await context.AuthenticateAsync(LatchkeyDefaults.BearerScheme);
        if (!result.Succeeded || context.Features.Get<LatchkeyAccessTokenFeature>() is not { } feature)
        {
            return Refuse(StatusCodes.Status401Unauthorized, result.None ? null : "invalid_token", "A valid access token is required as Authorization: Bearer.");
        }

        var token = feature.Token;
        var scopes = token.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (token.IsClientToken || !scopes.Contains("openid", StringComparer.Ordinal))
        {
            return Refuse(StatusCodes.Status403Forbidden, "insufficient_scope", "The access token was not granted the openid scope.");
        }

        var account = await accounts.FindByIdAsync(token.Subject, context.RequestAborted);
        if (account is null || account.DisabledAt is not null)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "invalid_token", "The account is disabled or no longer exists.");
        }

        return OAuthResponses.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteString("sub", account.Id);
            UserClaims.Write(writer, account, scopes);
        });
    }

    private static RefusalResult Refuse(int status, string? error, string description) => new(status, error, description);

    private sealed class RefusalResult(int status, string? error, string description) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var challenge = error is null ? "Bearer realm=\"latchkey\"" : $"Bearer realm=\"latchkey\", error=\"{error}\", error_description=\"{description}\"";
            httpContext.Response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
            return OAuthResponses.Json(status, writer =>
            {
                writer.WriteString("error", error ?? "invalid_token");
                writer.WriteString("error_description", description);
            }).ExecuteAsync(httpContext);
        }
    }
}
