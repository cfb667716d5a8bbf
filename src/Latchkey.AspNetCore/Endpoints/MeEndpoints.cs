using Latchkey.Accounts;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary><c>GET /api/me</c>: who is calling, by session cookie or bearer token.</summary>
internal static class MeEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/me", GetAsync).RequireAuthorization().WithTags("Sessions")
            .Documented("getMe", "Who is calling, by session cookie or bearer token").Produces<MeResponse>();

    private static async Task<IResult> GetAsync(HttpContext context, AccountService accounts)
    {
        var method = context.User.FindFirst(LatchkeyDefaults.AuthMethodClaim)?.Value ?? "session";
        if (context.Features.Get<LatchkeyAccessTokenFeature>() is { Token.IsClientToken: true } client)
        {
            return new JsonAnswer<MeResponse>(new MeResponse(client.Token.Subject, null, method), LatchkeyJsonContext.Default.MeResponse);
        }

        var subject = context.GetSubject()!;
        var email = await accounts.FindEmailAsync(subject, context.RequestAborted);
        if (email is null)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        return new JsonAnswer<MeResponse>(new MeResponse(subject, email, method), LatchkeyJsonContext.Default.MeResponse);
    }
}
