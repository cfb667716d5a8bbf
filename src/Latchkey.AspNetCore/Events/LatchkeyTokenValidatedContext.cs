using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Events;

/// <summary>The context of <see cref="LatchkeyEvents.OnTokenValidated"/>.</summary>
public sealed class LatchkeyTokenValidatedContext
{
    /// <summary>Creates the context.</summary>
    public LatchkeyTokenValidatedContext(HttpContext httpContext, ClaimsPrincipal principal)
    {
        HttpContext = httpContext;
        Principal = principal;
    }

    /// <summary>The request the token came with.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The principal built from the token's claims (<c>sub</c>, <c>client_id</c>, <c>scope</c>, <c>sid</c>); add claims or replace it.</summary>
    public ClaimsPrincipal Principal { get; set; }

    /// <summary>Whether <see cref="Reject"/> was called.</summary>
    public bool IsRejected { get; private set; }

    /// <summary>Refuses the token: the request is answered as one with an invalid token (401 <c>invalid_token</c>).</summary>
    public void Reject() => IsRejected = true;
}
