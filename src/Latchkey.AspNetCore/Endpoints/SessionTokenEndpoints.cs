using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Latchkey.Grants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary>
/// <c>POST /api/session/token</c>: a short-lived access token minted from the live session, so that a
/// browser app can call other services without ever holding a refresh token or long-lived token.
/// </summary>
internal static class SessionTokenEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/session/token", MintAsync).RequireAuthorization().RequireCsrfToken().WithTags("Sessions")
            .Credentials(EndpointCredentials.Session)
            .Documented("mintSessionToken", "Mint a short-lived access token from the session", "For calling other services; no refresh token.")
            .Produces<SessionTokenResponse>();

    private static async Task<IResult> MintAsync(HttpContext context, TokenService tokens)
    {
        if (context.GetCookieSession() is not { } session)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated, "Minting a token needs a live session cookie.");
        }

        var issued = await tokens.ForSessionAsync(session, context.RequestAborted);
        if (issued is null)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        return TypedResults.Json(new SessionTokenResponse(issued.Token, "Bearer", issued.ExpiresIn), LatchkeyJsonContext.Default.SessionTokenResponse);
    }
}
