using Latchkey.Sessions;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Set on the request by the session handler when a session cookie authenticated it: the session and
/// its CSRF token. Absent for bearer-authenticated and anonymous requests. Not a record: its text form
/// must never show the token.
/// </summary>
public sealed class LatchkeySessionFeature
{
    private readonly SessionCredentials? _credentials;
    private readonly string? _csrfToken;

    /// <summary>Creates the feature for <paramref name="session"/>, whose CSRF token is <paramref name="csrfToken"/>.</summary>
    public LatchkeySessionFeature(Session session, string csrfToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(csrfToken);
        Session = session;
        _csrfToken = csrfToken;
    }

    // The token is derived from the cookie only when something asks for it (an unsafe request, GET /api/session).
    internal LatchkeySessionFeature(Session session, SessionCredentials credentials)
    {
        Session = session;
        _credentials = credentials;
    }

    /// <summary>The live session.</summary>
    public Session Session { get; }

    /// <summary>The session's CSRF token.</summary>
    public string CsrfToken => _csrfToken ?? _credentials!.CsrfToken;
}
