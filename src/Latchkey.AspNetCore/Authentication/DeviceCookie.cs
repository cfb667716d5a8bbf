using Latchkey.Throttling;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Reads and writes the device cookie, which carries the device token a successful login issues
/// (<see cref="DeviceTokens"/>). HttpOnly, SameSite=Strict (only the sign-in page's own requests need
/// it), Path=/; over HTTPS <c>__Host-</c>-prefixed and Secure, and only that name is read there.
/// </summary>
public static class DeviceCookie
{
    /// <summary>The cookie name for this request's scheme.</summary>
    public static string NameFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.IsHttps ? LatchkeyDefaults.SecureDeviceCookieName : LatchkeyDefaults.DeviceCookieName;
    }

    /// <summary>The device token the request carries, if any.</summary>
    public static string? Read(HttpRequest request) => request.Cookies[NameFor(request)];

    /// <summary>Sets the cookie to <paramref name="token"/>, kept until the token expires.</summary>
    public static void Write(HttpContext context, IssuedDeviceToken token)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(token);
        context.Response.Cookies.Append(NameFor(context.Request), token.Token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = context.Request.IsHttps,
            Expires = token.ExpiresAt,
            IsEssential = true,
        });
    }
}
