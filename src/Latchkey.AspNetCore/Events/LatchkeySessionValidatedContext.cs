using System.Security.Claims;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Events;

/// <summary>The context of <see cref="LatchkeyEvents.OnSessionValidated"/>.</summary>
public sealed class LatchkeySessionValidatedContext
{
    /// <summary>Creates the context.</summary>
    public LatchkeySessionValidatedContext(HttpContext httpContext, Session session, ClaimsPrincipal principal)
    {
        HttpContext = httpContext;
        Session = session;
        Principal = principal;
    }

    /// <summary>The request the session cookie came with.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The live session.</summary>
    public Session Session { get; }

    /// <summary>The principal the request will carry; add claims to its identity or replace it.</summary>
    public ClaimsPrincipal Principal { get; set; }

    /// <summary>Whether <see cref="Reject"/> was called.</summary>
    public bool IsRejected { get; private set; }

    /// <summary>Treats the request as unauthenticated (401 where authentication is required); the session itself lives on.</summary>
    public void Reject() => IsRejected = true;
}
