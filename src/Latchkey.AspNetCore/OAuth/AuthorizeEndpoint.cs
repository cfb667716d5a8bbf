using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Latchkey.AccessTokens;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Authorization;
using Latchkey.Clients;
using Latchkey.Grants;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// <c>GET|POST /oauth/authorize</c> (RFC 6749 §4.1, OIDC Core §3.1.2): the authorization code flow with PKCE S256 only.
/// Until the client and its redirect URI are known and registered, errors are an HTML page (never a redirect, so the
/// endpoint is no open redirector); after that they go to the redirect URI with <c>state</c> and <c>iss</c> (RFC 9207).
/// A browser without a session (or that must sign in again) is sent to <c>/signin</c>, a consent-requiring client
/// without consent to <c>/consent</c>, each with a <c>returnTo</c> back here.
/// </summary>
internal static class AuthorizeEndpoint
{
    private const int MaxStateLength = 2048;
    private const int MaxNonceLength = 512;
    private const int MaxParameters = 32;

    private static readonly string[] PromptValues = ["none", "login", "consent", "select_account"];

    public static void Map(IEndpointRouteBuilder oauth) =>
        oauth.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).WithTags("OAuth")
            .Credentials(EndpointCredentials.Session | EndpointCredentials.Optional)
            .Documented(
                "authorize", "Start the authorization code flow (PKCE S256 only)",
                "RFC 6749 §4.1, OpenID Connect Core §3.1.2. A browser without a session, or that must sign in again, is sent to `/signin`; "
                + "a client that needs consent, to `/consent`; each with a `returnTo` back here.")
            .AcceptsOAuthParameters<AuthorizationRequest>()
            .Answers(
                StatusCodes.Status302Found,
                "To the client's redirect URI with `code`, `state` and `iss` (RFC 9207), or with `error` and `error_description` "
                + "(docs/errors.md#authorization-endpoint-errors); or to `/signin` or `/consent`.")
            .Answers(StatusCodes.Status200OK, "With `response_mode=form_post`: a page that posts the same answer to the redirect URI.", "text/html")
            .Answers(StatusCodes.Status400BadRequest, "An unknown client or redirect URI: an HTML error page, never a redirect.", "text/html");

    private static async Task<IResult> AuthorizeAsync(
        HttpContext context, IClientRegistry clients, ConsentService consents, AuthorizationCodeService codes, IIssuerProvider issuer,
        TimeProvider time, IOptions<LatchkeyOptions> options)
    {
        var parameters = await ReadAsync(context, options.Value.MaxRequestBodyBytes);
        if (parameters is null)
        {
            return ErrorPage("invalid_request", "The request could not be read: send the parameters in the query (GET) or as a form (POST).");
        }

        if (Repeated(parameters, "client_id") || Repeated(parameters, "redirect_uri"))
        {
            return ErrorPage("invalid_request", "client_id and redirect_uri may each be given once.");
        }

        var client = clients.Find(Single(parameters, "client_id"));
        if (client is null)
        {
            return ErrorPage("invalid_client", "The client_id is missing or names no registered client.");
        }

        var redirectUri = Single(parameters, "redirect_uri");
        if (!client.HasRedirectUri(redirectUri))
        {
            // RFC 6749 §4.1.2.1: a missing or unregistered redirect URI is never redirected to.
            return ErrorPage("invalid_request", "The redirect_uri is missing or is not exactly one of the client's registered redirect URIs.");
        }

        var state = Repeated(parameters, "state") ? null : Single(parameters, "state");

        // OAuth 2.0 Form Post Response Mode: answers go as an auto-submitted form when asked (ASP.NET Core's default).
        var formPost = !Repeated(parameters, "response_mode") && Single(parameters, "response_mode") == "form_post";
        var reply = new Reply(redirectUri!, state is { Length: <= MaxStateLength } ? state : null, issuer.Issuer, formPost);
        if (Repeated(parameters, "state") || state is { Length: > MaxStateLength })
        {
            return reply.Error("invalid_request", "The state parameter is repeated or too long.");
        }

        if (parameters.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated })
        {
            return reply.Error("invalid_request", $"The parameter '{repeated}' is repeated.");
        }

        if (Single(parameters, "request") is not null)
        {
            return reply.Error("request_not_supported", "Request objects are not supported.");
        }

        if (Single(parameters, "request_uri") is not null)
        {
            return reply.Error("request_uri_not_supported", "request_uri is not supported.");
        }

        var responseType = Single(parameters, "response_type");
        if (responseType is null)
        {
            return reply.Error("invalid_request", "The response_type parameter is required.");
        }

        if (responseType != "code")
        {
            return reply.Error("unsupported_response_type", "Only response_type=code is supported.");
        }

        if (Single(parameters, "response_mode") is { } mode && mode is not ("query" or "form_post"))
        {
            return reply.Error("invalid_request", "response_mode may be query or form_post.");
        }

        if (!client.Allows("authorization_code"))
        {
            return reply.Error(OAuthErrors.UnauthorizedClient, "This client may not use the authorization code flow.");
        }

        if (!Scopes.TryParse(Single(parameters, "scope"), out var scopes) || scopes.Count == 0)
        {
            return reply.Error(OAuthErrors.InvalidScope, "A well-formed scope is required.");
        }

        if (!scopes.All(client.Scopes.Contains))
        {
            return reply.Error(OAuthErrors.InvalidScope, "The requested scope exceeds what the client may have.");
        }

        var challenge = Single(parameters, "code_challenge");
        if (challenge is null)
        {
            return reply.Error("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256.");
        }

        // RFC 7636 §4.3: a missing method means plain, which is refused like an explicit plain.
        if (Single(parameters, "code_challenge_method") != "S256")
        {
            return reply.Error("invalid_request", "code_challenge_method must be S256; plain is not supported.");
        }

        if (!Pkce.IsValidS256Challenge(challenge))
        {
            return reply.Error("invalid_request", "The code_challenge must be 43 base64url characters (an S256 challenge).");
        }

        var nonce = Single(parameters, "nonce");
        if (nonce is { Length: > MaxNonceLength })
        {
            return reply.Error("invalid_request", "The nonce is too long.");
        }

        var prompt = (Single(parameters, "prompt") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (prompt.Any(p => !PromptValues.Contains(p, StringComparer.Ordinal)) || (prompt.Contains("none") && prompt.Length > 1))
        {
            return reply.Error("invalid_request", "prompt may be none (alone), login, consent or select_account.");
        }

        long? maxAge = null;
        if (Single(parameters, "max_age") is { } maxAgeText)
        {
            if (!long.TryParse(maxAgeText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > int.MaxValue)
            {
                return reply.Error("invalid_request", "max_age must be a non-negative number of seconds.");
            }

            maxAge = seconds;
        }

        var promptNone = prompt.Contains("none");
        var session = context.GetCookieSession();
        var now = time.GetUtcNow();
        var tooOld = session is not null && maxAge is { } age && now - session.CreatedAt > TimeSpan.FromSeconds(age);
        if (session is null || prompt.Contains("login") || tooOld)
        {
            if (promptNone)
            {
                return reply.Error("login_required", "The user is not signed in (or must sign in again) and prompt=none forbids asking.");
            }

            // Back here after sign-in, without what asked for it: the new session is fresh, and the ID token's auth_time
            // lets the client check max_age itself.
            var returnTo = ReturnTo(context, parameters, "login", dropMaxAge: true);
            var signIn = context.Request.PathBase + "/signin?returnTo=" + Uri.EscapeDataString(returnTo);
            if (Single(parameters, "login_hint") is { Length: <= 256 } hint)
            {
                signIn += "&login_hint=" + Uri.EscapeDataString(hint);
            }

            return Results.Redirect(signIn);
        }

        if (client.RequireMfa && !AuthenticationMethodNames.IsMultiFactor(session.Methods))
        {
            return reply.Error(promptNone ? "interaction_required" : "access_denied", "This client requires a multi-factor sign-in.");
        }

        var origin = context.GetRequestOrigin();
        if (client.RequireConsent)
        {
            if (prompt.Contains("consent") || !await consents.CoversAsync(session.UserId, client.ClientId, scopes, context.RequestAborted))
            {
                if (promptNone)
                {
                    return reply.Error("consent_required", "The user has not consented to this client's scopes and prompt=none forbids asking.");
                }

                var returnTo = ReturnTo(context, parameters, "consent", dropMaxAge: false);
                return Results.Redirect(context.Request.PathBase + "/consent?returnTo=" + Uri.EscapeDataString(returnTo));
            }
        }
        else
        {
            // A first-party client asks nobody, but the grant is recorded, so that GET /api/apps lists it and it can be revoked.
            await consents.GrantAsync(session.UserId, client.ClientId, scopes, origin, context.RequestAborted);
        }

        var code = await codes.IssueAsync(client, session, redirectUri!, string.Join(' ', scopes), challenge, nonce, context.RequestAborted);
        return reply.Success(code);
    }

    /// <summary>Whether <paramref name="clientId"/> and <paramref name="redirectUri"/> name a registered client and one of its redirect URIs; for the consent API.</summary>
    internal static bool TryReadReply(IClientRegistry clients, IIssuerProvider issuer, string? clientId, string? redirectUri, string? state, out Reply? reply)
    {
        reply = null;
        if (clients.Find(clientId) is not { } client || !client.HasRedirectUri(redirectUri))
        {
            return false;
        }

        reply = new Reply(redirectUri!, state is { Length: <= MaxStateLength } ? state : null, issuer.Issuer, formPost: false);
        return true;
    }

    /// <summary>The parameters of a GET (query) or form POST; null when the request cannot be read. Shared with the logout endpoint.</summary>
    internal static async Task<Dictionary<string, StringValues>?> ReadAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method))
        {
            return request.Query.Count > MaxParameters ? null : request.Query.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) || request.ContentLength > maxBytes)
        {
            return null;
        }

        try
        {
            using var reader = new FormReader(request.Body, Encoding.UTF8) { ValueCountLimit = MaxParameters, KeyLengthLimit = 64, ValueLengthLimit = maxBytes };
            return new Dictionary<string, StringValues>(await reader.ReadFormAsync(context.RequestAborted), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    internal static bool Repeated(Dictionary<string, StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count > 1;

    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    internal static string? Single(Dictionary<string, StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    // This request as a relative GET URL, without the prompt value that sent the browser away (so that it does not ask
    // again on the way back) and, after a forced sign-in, without max_age.
    private static string ReturnTo(HttpContext context, Dictionary<string, StringValues> parameters, string promptDone, bool dropMaxAge)
    {
        var query = new List<KeyValuePair<string, string?>>();
        foreach (var (key, values) in parameters)
        {
            if (dropMaxAge && key == "max_age")
            {
                continue;
            }

            var value = values.Count == 1 ? values[0] : null;
            if (key == "prompt" && value is not null)
            {
                value = string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != promptDone));
                if (value.Length == 0)
                {
                    continue;
                }
            }

            query.Add(new(key, value));
        }

        return QueryHelpers.AddQueryString((context.Request.PathBase + context.Request.Path).ToString(), query);
    }

    private static ErrorPageResult ErrorPage(string error, string description) => new(error, description);

    /// <summary>Answers to a checked redirect URI: a code or an error, with <c>state</c> and <c>iss</c>.</summary>
    internal sealed class Reply(string redirectUri, string? state, string issuer, bool formPost)
    {
        public IResult Success(string code) => Send([new("code", code)]);

        public IResult Error(string error, string description) => Send([new("error", error), new("error_description", description)]);

        public string ErrorLocation(string error, string description) =>
            QueryHelpers.AddQueryString(redirectUri, WithStateAndIssuer([new("error", error), new("error_description", description)]));

        private IResult Send(List<KeyValuePair<string, string?>> values) => formPost
            ? new FormPostResult(redirectUri, WithStateAndIssuer(values))
            : Results.Redirect(QueryHelpers.AddQueryString(redirectUri, WithStateAndIssuer(values)));

        private List<KeyValuePair<string, string?>> WithStateAndIssuer(List<KeyValuePair<string, string?>> values)
        {
            if (state is not null)
            {
                values.Add(new("state", state));
            }

            values.Add(new("iss", issuer));
            return values;
        }
    }

    // A page whose only content is a form to the registered redirect URI, submitted by a static script (no inline
    // script under the CSP); its form-action allows that one origin and nothing else.
    private sealed class FormPostResult(string redirectUri, List<KeyValuePair<string, string?>> values) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var target = new Uri(redirectUri);
            var formAction = target.IsAbsoluteUri && target.Scheme is "http" or "https" ? target.GetLeftPart(UriPartial.Authority) : target.Scheme + ":";
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'self'; style-src 'self'; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.XFrameOptions = "DENY";
            response.Headers["Referrer-Policy"] = "no-referrer";
            var html = HtmlEncoder.Default;
            var page = new StringBuilder()
                .Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Signing you in · Latchkey</title>\n")
                .Append("<script type=\"module\" src=\"/assets/form-post.js\"></script>\n</head>\n<body>\n")
                .Append("<form method=\"post\" id=\"response\" action=\"").Append(html.Encode(redirectUri)).Append("\">\n");
            foreach (var (name, value) in values)
            {
                page.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(value ?? string.Empty)).Append("\">\n");
            }

            page.Append("<noscript><button type=\"submit\">Continue</button></noscript>\n</form>\n</body>\n</html>\n");
            await response.WriteAsync(page.ToString(), httpContext.RequestAborted);
        }
    }

    /// <summary>An HTML error page (400) that never redirects and encodes what it shows; the logout endpoint words it for logout.</summary>
    internal sealed class ErrorPageResult(
        string error, string description, string title = "Sign-in request refused", string heading = "This sign-in request cannot be completed",
        string explanation = "The application that sent you here made a request Latchkey cannot accept, so you were not sent back to it.") : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = Pages.PageEndpoints.ContentSecurityPolicy;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.XFrameOptions = "DENY";
            response.Headers["Referrer-Policy"] = "no-referrer";
            var html = HtmlEncoder.Default;
            await response.WriteAsync(
                "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + $"<title>{html.Encode(title)} · Latchkey</title>\n<link rel=\"stylesheet\" href=\"/assets/latchkey.css\">\n</head>\n<body>\n<main id=\"main\">\n"
                + $"<section class=\"card\">\n<h1>{html.Encode(heading)}</h1>\n"
                + $"<p>{html.Encode(explanation)}</p>\n"
                + $"<p class=\"mono\" id=\"error\">{html.Encode(error)}</p>\n<p id=\"error-description\">{html.Encode(description)}</p>\n"
                + "</section>\n</main>\n</body>\n</html>\n",
                httpContext.RequestAborted);
        }
    }
}
