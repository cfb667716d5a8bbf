using Latchkey.AccessTokens;
using Latchkey.Accounts;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Latchkey.AspNetCore.OAuth;
using Latchkey.Authorization;
using Latchkey.Clients;
using Latchkey.Grants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary>
/// Consent and the applications a user has let in: <c>POST /api/consent</c> (the consent page's decision, from a
/// browser session only), <c>GET /api/apps</c> and <c>DELETE /api/apps/{clientId}</c> (removes the consent and ends
/// the application's refresh tokens and the access tokens minted from them).
/// </summary>
internal static class AppEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/consent", ConsentAsync).RequireAuthorization().RequireCsrfToken().WithTags("Applications")
            .Credentials(EndpointCredentials.Session)
            .Documented(
                "giveConsent", "Allow or deny an application's scopes",
                "The consent page's decision, from a browser session only. After a denial, `redirectTo` sends the browser back to the client with `error=access_denied`.")
            .AcceptsJson<ConsentRequest>().Produces<ConsentResponse>().Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.Forbidden);
        var apps = api.MapGroup("/apps").RequireAuthorization().RequireCsrfToken().WithTags("Applications");
        apps.MapGet("/", ListAsync).Documented("listApps", "The applications one has let in").Produces<AppItem[]>();
        apps.MapDelete("/{clientId}", RevokeAsync)
            .Documented("revokeApp", "Remove an application's consent", "Ends its refresh tokens and the access tokens minted from them.")
            .Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.NotFound);
    }

    private static async Task<IResult> ConsentAsync(
        HttpContext context, ConsentService consents, IClientRegistry clients, IIssuerProvider issuer, IOptions<LatchkeyOptions> options)
    {
        // Consent is the user's own act in a browser: a bearer token, which an application holds, cannot give it.
        if (context.GetCookieSession() is not { } session)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Forbidden, "Consent is given from a signed-in browser session.");
        }

        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.ConsentRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var client = clients.Find(body!.ClientId);
        var errors = new ValidationErrors();
        errors.AddIfPresent("clientId", client is null ? "A registered client id is required." : null);
        var scopeValid = Scopes.TryParse(body.Scope, out var scopes) && scopes.Count > 0;
        errors.AddIfPresent("scope", !scopeValid ? "A scope is required."
            : client is not null && !scopes.All(client.Scopes.Contains) ? "The scope exceeds what the client may have." : null);
        errors.AddIfPresent("allow", body.Allow is null ? "allow (true or false) is required." : null);
        if (errors.Count > 0)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: errors);
        }

        var scope = string.Join(' ', scopes);
        if (body.Allow == true)
        {
            await consents.GrantAsync(session.UserId, client!.ClientId, scopes, context.GetRequestOrigin(), context.RequestAborted);
            return TypedResults.Json(new ConsentResponse(client.ClientId, scope, true, null), LatchkeyJsonContext.Default.ConsentResponse);
        }

        // A denial goes back to the client as access_denied, to a registered redirect URI only (never an open redirect).
        var redirectTo = AuthorizeEndpoint.TryReadReply(clients, issuer, client!.ClientId, body.RedirectUri, body.State, out var reply)
            ? reply!.ErrorLocation("access_denied", "The user denied the request.")
            : null;
        return TypedResults.Json(new ConsentResponse(client.ClientId, scope, false, redirectTo), LatchkeyJsonContext.Default.ConsentResponse);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ConsentService consents, IClientRegistry clients)
    {
        var list = await consents.ListAsync(context.GetSubject()!, context.RequestAborted);
        var items = list.Select(c => new AppItem(c.ClientId, c.Scope, clients.Find(c.ClientId) is { RequireConsent: false }, c.GrantedAt, c.UpdatedAt)).ToArray();
        return TypedResults.Json(items, LatchkeyJsonContext.Default.AppItemArray);
    }

    private static async Task<IResult> RevokeAsync(string clientId, HttpContext context, ConsentService consents)
    {
        if (clientId.Length > 128)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.NotFound, "No such application.");
        }

        return await consents.RevokeAsync(context.GetSubject()!, clientId, context.GetRequestOrigin(), context.RequestAborted)
            ? TypedResults.NoContent()
            : LatchkeyProblems.Result(LatchkeyErrors.NotFound, "You have not let this application in, or it holds nothing to revoke.");
    }
}
