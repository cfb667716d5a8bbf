using Latchkey.Accounts;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Events;

/// <summary>The context of <see cref="LatchkeyEvents.OnSigningIn"/>: who is signing in, and how.</summary>
public sealed class LatchkeySigningInContext
{
    /// <summary>Creates the context.</summary>
    public LatchkeySigningInContext(HttpContext httpContext, Account account, string method, string? clientId)
    {
        HttpContext = httpContext;
        Account = account;
        Method = method;
        ClientId = clientId;
    }

    /// <summary>The sign-in request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The account whose password was just checked.</summary>
    public Account Account { get; }

    /// <summary><c>session</c> for a browser login, <c>password</c> for the OAuth password grant.</summary>
    public string Method { get; }

    /// <summary>The OAuth client of a password grant; <see langword="null"/> for a browser login.</summary>
    public string? ClientId { get; }

    /// <summary>Whether <see cref="Deny"/> was called.</summary>
    public bool IsDenied { get; private set; }

    /// <summary>A sentence for the client, given to <see cref="Deny"/>.</summary>
    public string? DenialDetail { get; private set; }

    /// <summary>
    /// Refuses the sign-in: a browser login answers 403 <c>sign_in_denied</c>, the password grant 400
    /// <c>invalid_grant</c>, and no session or token is created.
    /// </summary>
    /// <param name="detail">Shown to the client; never put a secret in it.</param>
    public void Deny(string? detail = null)
    {
        IsDenied = true;
        DenialDetail = detail;
    }
}
