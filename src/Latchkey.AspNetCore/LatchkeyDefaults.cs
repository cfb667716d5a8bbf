using Latchkey.AspNetCore.ResourceServer;

namespace Latchkey.AspNetCore;

/// <summary>Names used by Latchkey's ASP.NET Core integration.</summary>
public static class LatchkeyDefaults
{
    /// <summary>
    /// The default authentication scheme: it forwards to the bearer scheme when the request carries
    /// <c>Authorization: Bearer</c> and reads the session cookie itself otherwise (as the session scheme does),
    /// so one endpoint accepts both.
    /// </summary>
    public const string AuthenticationScheme = "Latchkey";

    /// <summary>The cookie-backed server-side session scheme.</summary>
    public const string SessionScheme = "Latchkey.Session";

    /// <summary>The JWT bearer scheme.</summary>
    public const string BearerScheme = "Latchkey.Bearer";

    /// <summary>The session cookie's name over plain HTTP.</summary>
    public const string SessionCookieName = "latchkey_session";

    /// <summary>The session cookie's name over HTTPS; the <c>__Host-</c> prefix pins it to this host, path / and Secure.</summary>
    public const string SecureSessionCookieName = "__Host-latchkey_session";

    /// <summary>The device cookie's name over plain HTTP (OWASP's device cookie: throttling by the device's own failures).</summary>
    public const string DeviceCookieName = "latchkey_device";

    /// <summary>The device cookie's name over HTTPS, <c>__Host-</c>-prefixed like the session cookie.</summary>
    public const string SecureDeviceCookieName = "__Host-latchkey_device";

    /// <summary>The request header that carries the CSRF token.</summary>
    public const string CsrfHeaderName = "X-CSRF-Token";

    /// <summary>The claim naming how the caller authenticated: <c>session</c> or <c>bearer</c>.</summary>
    public const string AuthMethodClaim = LatchkeyBearerDefaults.AuthMethodClaim;

    /// <summary>The claim carrying the session's public id.</summary>
    public const string SessionIdClaim = LatchkeyBearerDefaults.SessionIdClaim;

    /// <summary>The claim type of <c>auth_time</c> on a bearer-authenticated request.</summary>
    public const string AuthTimeClaim = LatchkeyBearerDefaults.AuthTimeClaim;

    /// <summary>The claim type of <c>amr</c> on a bearer-authenticated request (one claim per method).</summary>
    public const string AmrClaim = LatchkeyBearerDefaults.AmrClaim;

    /// <summary>The claim carrying the subject (account id or client id).</summary>
    public const string SubjectClaim = LatchkeyBearerDefaults.SubjectClaim;
}
