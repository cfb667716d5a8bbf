using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Reads and writes the session cookie. Over HTTPS the cookie is <c>__Host-</c>-prefixed and Secure,
/// and only that name is read, so a cookie planted over plain HTTP or by a sibling subdomain is ignored.
/// </summary>
public static class SessionCookie
{
    /// <summary>The cookie name for this request's scheme.</summary>
    public static string NameFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.IsHttps ? LatchkeyDefaults.SecureSessionCookieName : LatchkeyDefaults.SessionCookieName;
    }

    /// <summary>The session id the request carries, if any.</summary>
    public static string? Read(HttpRequest request) => request.Cookies[NameFor(request)];

    /// <summary>Sets the cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS, kept until the absolute expiry.</summary>
    public static void Write(HttpContext context, string rawSessionId, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(NameFor(context.Request), rawSessionId, Options(context.Request, expiresAt));
    }

    /// <summary>Clears the cookie in the browser.</summary>
    public static void Clear(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(NameFor(context.Request), string.Empty, Options(context.Request, DateTimeOffset.UnixEpoch));
    }

    private static CookieOptions Options(HttpRequest request, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Secure = request.IsHttps,
        Expires = expires,
        IsEssential = true,
    };
}
