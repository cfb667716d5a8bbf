namespace Latchkey.Sessions;

/// <summary>A session just created, with the raw id that goes into the cookie and nowhere else.</summary>
/// <param name="Session">The stored record.</param>
/// <param name="RawId">The session id; the caller sends it to the client and forgets it.</param>
/// <param name="CsrfToken">The session's CSRF token.</param>
public sealed record NewSession(Session Session, string RawId, string CsrfToken);
