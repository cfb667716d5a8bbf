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
    /// <remarks>
    /// Reads the <c>Cookie</c> header lines directly rather than through <see cref="HttpRequest.Cookies"/>,
    /// which parses every cookie into a dictionary on each request; the session path needs one value. As
    /// there, names match without regard to case, the first occurrence wins and surrounding quotes are
    /// removed; values are not percent-decoded (a session id never needs it, and one that does is malformed).
    /// </remarks>
    public static string? Read(HttpRequest request)
    {
        var name = NameFor(request);
        foreach (var line in request.Headers.Cookie)
        {
            if (line is not null && Find(line, name) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The value of the first cookie named <paramref name="name"/> in one <c>Cookie</c> header line.</summary>
    internal static string? Find(ReadOnlySpan<char> line, string name)
    {
        while (!line.IsEmpty)
        {
            var end = line.IndexOf(';');
            var pair = end < 0 ? line : line[..end];
            line = end < 0 ? default : line[(end + 1)..];

            var equals = pair.IndexOf('=');
            if (equals < 0 || !pair[..equals].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = pair[(equals + 1)..].Trim();
            if (value is ['"', .. var quoted, '"'])
            {
                value = quoted;
            }

            return value.ToString();
        }

        return null;
    }

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
