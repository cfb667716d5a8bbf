using Latchkey.Sessions;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Set on the request by the session handler when a session cookie authenticated it: the session and
/// its CSRF token. Absent for bearer-authenticated and anonymous requests.
/// </summary>
/// <param name="Session">The live session.</param>
/// <param name="CsrfToken">The session's CSRF token.</param>
public sealed record LatchkeySessionFeature(Session Session, string CsrfToken);
