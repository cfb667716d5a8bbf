using Latchkey.Sessions;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// What a request carries for cookie authentication: the session id from the cookie, and the CSRF token
/// that id implies. A function of the request alone (no store), so that it can be fuzzed on its own. Not a
/// record: its text form must never show the id.
/// </summary>
/// <remarks>
/// The CSRF token (an HMAC of the id) is derived on first use only: a safe request (<c>GET /api/me</c>)
/// never needs it, an unsafe one needs it for the check, and <c>GET /api/session</c> to answer it.
/// </remarks>
internal sealed class SessionCredentials
{
    private string? _csrfToken;

    private SessionCredentials(string rawId) => RawId = rawId;

    public string RawId { get; }

    public string CsrfToken => _csrfToken ??= CsrfTokens.For(RawId);

    /// <summary>Whether the request has exactly one <c>X-CSRF-Token</c> and it equals this session's token (constant time).</summary>
    public bool PresentsCsrfToken(HttpRequest request) => PresentsCsrfToken(request, CsrfToken);

    /// <summary>The request's credentials, or null when it has no cookie shaped like a session id.</summary>
    public static SessionCredentials? Read(HttpRequest request)
    {
        var rawId = SessionCookie.Read(request);

        // Check the shape before deriving anything from the value: the CSRF key buffer is sized by it.
        if (!SessionManager.IsWellFormed(rawId))
        {
            return null;
        }

        return new SessionCredentials(rawId!);
    }

    /// <summary>Whether the request has exactly one <c>X-CSRF-Token</c> and it equals <paramref name="expected"/> (constant time).</summary>
    public static bool PresentsCsrfToken(HttpRequest request, string expected) =>
        request.Headers[LatchkeyDefaults.CsrfHeaderName] is { Count: 1 } presented && CsrfTokens.Matches(expected, presented[0]);
}
