using Latchkey.AccessTokens;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Clients;
using Latchkey.Diagnostics;
using Latchkey.Keys;
using Latchkey.Logout;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// <c>GET|POST /oauth/logout</c>, the <c>end_session_endpoint</c> (OpenID Connect RP-Initiated Logout 1.0). The browser
/// session the cookie names ends at once only when the <c>id_token_hint</c> (an ID token of this server, expired or not)
/// names that very session (<c>sid</c> and <c>sub</c>); otherwise, since a logout request without a hint can be forged
/// by any site (§6), the user is asked on the static <c>/logout</c> page. Afterwards the browser goes to the
/// <c>post_logout_redirect_uri</c> with <c>state</c> only when it is exactly one the client registered; otherwise it gets
/// a signed-out page: never an open redirect.
/// </summary>
internal static class LogoutEndpoint
{
    private const int MaxStateLength = 2048;
    private const string SignedOutPage = "signed-out.html";

    public static void Map(IEndpointRouteBuilder oauth) =>
        oauth.MapMethods("/logout", [HttpMethods.Get, HttpMethods.Post], LogoutAsync).WithTags("OpenID Connect")
            .Credentials(EndpointCredentials.Session | EndpointCredentials.Optional)
            .Documented(
                "endSession", "RP-initiated logout: end the browser's session",
                "OpenID Connect RP-Initiated Logout 1.0. The session ends at once only when `id_token_hint` names it; otherwise the user is asked on `/logout`.")
            .AcceptsOAuthParameters<LogoutRequest>()
            .Answers(StatusCodes.Status302Found, "To the registered `post_logout_redirect_uri` with `state`, or to `/logout` to ask the user.")
            .Answers(StatusCodes.Status200OK, "The signed-out page, when there is no registered URI to go back to.", "text/html")
            .Answers(
                StatusCodes.Status400BadRequest,
                "A request that cannot be accepted: an HTML page naming the error (docs/errors.md#logout-endpoint-errors); the session stays.", "text/html");

    private static async Task<IResult> LogoutAsync(
        HttpContext context, IClientRegistry clients, SigningKeyRing keys, IIssuerProvider issuer, SessionManager sessions, SecurityAudit audit,
        IOptions<LatchkeyOptions> options)
    {
        var parameters = await AuthorizeEndpoint.ReadAsync(context, options.Value.MaxRequestBodyBytes);
        if (parameters is null)
        {
            return Error("invalid_request", "The request could not be read: send the parameters in the query (GET) or as a form (POST).");
        }

        if (parameters.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated })
        {
            return Error("invalid_request", $"The parameter '{repeated}' is repeated.");
        }

        var state = AuthorizeEndpoint.Single(parameters, "state");
        if (state is { Length: > MaxStateLength })
        {
            return Error("invalid_request", "The state parameter is too long.");
        }

        // §2: the hint must be an ID token this server issued; its aud names the client.
        IdTokenHint? hint = null;
        if (AuthorizeEndpoint.Single(parameters, "id_token_hint") is { } hintText)
        {
            hint = IdTokenHint.Validate(hintText, keys, issuer.Issuer);
            if (hint is null)
            {
                return Error("invalid_request", "The id_token_hint is not an ID token issued by this server.");
            }
        }

        var clientId = AuthorizeEndpoint.Single(parameters, "client_id");
        if (clientId is not null && hint is not null && !string.Equals(clientId, hint.ClientId, StringComparison.Ordinal))
        {
            return Error("invalid_request", "The client_id is not the audience of the id_token_hint.");
        }

        var client = clients.Find(clientId ?? hint?.ClientId);
        if (clientId is not null && client is null)
        {
            return Error("invalid_client", "The client_id names no registered client.");
        }

        // §3: only an exactly registered URI of the identified client is redirected to; anything else gets no redirect.
        var postLogoutUri = AuthorizeEndpoint.Single(parameters, "post_logout_redirect_uri");
        var redirectUri = postLogoutUri is not null && client is not null && client.PostLogoutRedirectUris.Contains(postLogoutUri, StringComparer.Ordinal)
            ? postLogoutUri
            : null;

        var session = context.GetCookieSession();
        if (session is null)
        {
            return Done(context, redirectUri, state);
        }

        if (hint is not null && string.Equals(hint.SessionId, session.PublicId, StringComparison.Ordinal) && string.Equals(hint.Subject, session.UserId, StringComparison.Ordinal))
        {
            await sessions.EndAsync(session, context.GetRequestOrigin(), context.RequestAborted);
            SessionCookie.Clear(context);
            audit.RpInitiatedLogout(session.PublicId, session.UserId, hint.ClientId, context.GetRequestOrigin().ClientIp);
            return Done(context, redirectUri, state);
        }

        // No hint, or a hint for another session: ask the user (§6). The page ends the session through DELETE /api/session
        // (session cookie and CSRF token) and comes back here without a session, carrying only what was checked above.
        var query = new List<KeyValuePair<string, string?>>();
        if (client is not null)
        {
            query.Add(new("client_id", client.ClientId));
        }

        if (redirectUri is not null)
        {
            query.Add(new("post_logout_redirect_uri", redirectUri));
            if (state is not null)
            {
                query.Add(new("state", state));
            }
        }

        return Results.Redirect(QueryHelpers.AddQueryString(context.Request.PathBase + "/logout", query));
    }

    private static IResult Done(HttpContext context, string? redirectUri, string? state)
    {
        if (redirectUri is null)
        {
            return Pages.PageEndpoints.Serve(context, SignedOutPage);
        }

        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Redirect(state is null ? redirectUri : QueryHelpers.AddQueryString(redirectUri, "state", state));
    }

    private static AuthorizeEndpoint.ErrorPageResult Error(string error, string description) => new(
        error, description, "Sign-out request refused", "This sign-out request cannot be completed",
        "The application that sent you here made a sign-out request Latchkey cannot accept, so you were not signed out or sent back to it.");
}
