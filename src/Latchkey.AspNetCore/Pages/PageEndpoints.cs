using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.Pages;

/// <summary>
/// The end-user pages: <c>/signin</c>, <c>/signup</c>, <c>/account</c>, <c>/security</c>, <c>/tokens</c>, the pages that emailed
/// links open (<c>/forgot-password</c>, <c>/reset-password</c>, <c>/verify-email</c>, <c>/confirm-email</c>,
/// <c>/undo-email-change</c>), and their scripts and styles under <c>/assets</c>. The pages are static; their
/// scripts talk to the API, so every page carries a strict Content-Security-Policy with no inline script or style.
/// </summary>
/// <remarks>
/// Emailed links carry their token in the fragment (<c>#token=…</c>), which browsers never send to the server
/// or in a Referer; the page script reads it and removes it from the address bar.
/// </remarks>
internal static class PageEndpoints
{
    /// <summary>The policy every page and asset is served with.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>The page names, each served at <c>/{name}</c> from <c>{name}.html</c>.</summary>
    public static readonly IReadOnlyList<string> Pages =
    [
        "signin", "signup", "account", "security", "tokens", "passkeys", "consent", "logout",
        "forgot-password", "reset-password", "verify-email", "confirm-email", "undo-email-change",
    ];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (Delegate)RedirectAsync).AllowAnonymous().ExcludeFromDescription();
        foreach (var page in Pages)
        {
            var file = page + ".html";
            endpoints.MapMethods("/" + page, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) => Serve(context, file))
                .AllowAnonymous().ExcludeFromDescription();
        }

        endpoints.MapMethods("/assets/{name}", [HttpMethods.Get, HttpMethods.Head], (string name, HttpContext context) => Serve(context, name))
            .AllowAnonymous().ExcludeFromDescription();
    }

    // "/" goes where a visitor most likely wants to be: their account when signed in, else sign-in.
    private static async Task<IResult> RedirectAsync(HttpContext context)
    {
        await context.AuthenticateAsync();
        AddSecurityHeaders(context.Response, context.Request.IsHttps);
        return TypedResults.Redirect(context.GetCookieSession() is null ? "/signin" : "/account");
    }

    /// <summary>Serves the embedded page or asset <paramref name="name"/> with the pages' security headers.</summary>
    internal static IResult Serve(HttpContext context, string name)
    {
        if (PageAssets.Find(name) is not { } asset)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.NotFound);
        }

        AddSecurityHeaders(context.Response, context.Request.IsHttps);
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static void AddSecurityHeaders(HttpResponse response, bool https)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (https)
        {
            // Browsers ignore HSTS received over plain HTTP (RFC 6797 §8.1), so it is only sent over HTTPS.
            headers.StrictTransportSecurity = "max-age=31536000";
        }
    }
}
