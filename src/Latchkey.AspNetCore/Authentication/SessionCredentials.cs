using Latchkey.Sessions;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// What a request carries for cookie authentication: the session id from the cookie, the CSRF token that
/// id implies, and whether <c>X-CSRF-Token</c> presents that token. A function of the request alone (no
/// store), so that it can be fuzzed on its own. Not a record: its text form must never show the id.
/// </summary>
internal sealed class SessionCredentials
{
    private SessionCredentials(string rawId, string csrfToken, bool csrfTokenPresented)
    {
        RawId = rawId;
        CsrfToken = csrfToken;
        CsrfTokenPresented = csrfTokenPresented;
    }

    public string RawId { get; }

    public string CsrfToken { get; }

    public bool CsrfTokenPresented { get; }

    /// <summary>The request's credentials, or null when it has no cookie shaped like a session id.</summary>
    public static SessionCredentials? Read(HttpRequest request)
    {
        var rawId = SessionCookie.Read(request);

        // Check the shape before deriving anything from the value: the CSRF key buffer is sized by it.
        if (!SessionManager.IsWellFormed(rawId))
        {
            return null;
        }

        var csrfToken = CsrfTokens.For(rawId!);
        return new SessionCredentials(rawId!, csrfToken, PresentsCsrfToken(request, csrfToken));
    }

    /// <summary>Whether the request has exactly one <c>X-CSRF-Token</c> and it equals <paramref name="expected"/> (constant time).</summary>
    public static bool PresentsCsrfToken(HttpRequest request, string expected) =>
        request.Headers[LatchkeyDefaults.CsrfHeaderName] is { Count: 1 } presented && CsrfTokens.Matches(expected, presented[0]);
}
