using System.Security.Claims;
using Latchkey.AspNetCore.Authentication;
using Latchkey.Security;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Http;

/// <summary>Small accessors for what authentication left on the request.</summary>
public static class HttpContextExtensions
{
    /// <summary>The authenticated subject (account id, or client id for service tokens).</summary>
    public static string? GetSubject(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.FindFirstValue(LatchkeyDefaults.SubjectClaim);
    }

    /// <summary>The request's TCP peer address and <c>User-Agent</c>, for sessions and the audit trail.</summary>
    public static RequestOrigin GetRequestOrigin(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var userAgent = context.Request.Headers.UserAgent;
        return new RequestOrigin(context.Connection.RemoteIpAddress, userAgent.Count > 0 ? userAgent.ToString() : null);
    }

    /// <summary>The session that authenticated the request through its cookie, if any.</summary>
    public static Session? GetCookieSession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<LatchkeySessionFeature>()?.Session;
    }
}
