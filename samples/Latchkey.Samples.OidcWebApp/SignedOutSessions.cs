using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Latchkey.Samples.OidcWebApp;

/// <summary>
/// What back-channel logout has ended: Latchkey session ids (<c>sid</c>), and users (<c>sub</c>) whose every sign-in
/// before a given time ended. The cookie handler asks it on every request, so a cookie of an ended session is refused
/// on its next use. The record is kept in memory for the cookie's lifetime: after that, the cookies it would refuse
/// have expired anyway. (An application on several servers would keep it in a shared cache.)
/// </summary>
public sealed class SignedOutSessions(TimeProvider time, TimeSpan retention)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _users = new(StringComparer.Ordinal);

    /// <summary>Records a logout: the session <paramref name="sid"/> when given, else every session of <paramref name="sub"/> so far.</summary>
    public void SignOut(string? sid, string? sub)
    {
        var now = time.GetUtcNow();
        if (sid is not null)
        {
            _sessions[sid] = now;
        }
        else if (sub is not null)
        {
            _users[sub] = now;
        }

        Prune(now);
    }

    /// <summary>Whether Latchkey has ended the session with this public id.</summary>
    public bool IsSessionSignedOut(string sid) => _sessions.ContainsKey(sid);

    /// <summary>Whether a local sign-in of <paramref name="principal"/>, made at <paramref name="signedInAt"/>, has been ended.</summary>
    public bool IsSignedOut(ClaimsPrincipal principal, DateTimeOffset? signedInAt)
    {
        if (principal.FindFirstValue(ClaimNames.SessionId) is { } sid && _sessions.ContainsKey(sid))
        {
            return true;
        }

        return principal.FindFirstValue(ClaimNames.Subject) is { } sub
            && _users.TryGetValue(sub, out var endedAt)
            && (signedInAt is null || signedInAt <= endedAt);
    }

    /// <summary>The cookie handler's hook: refuses and clears the cookie of an ended session.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SignedOutSessions>();
        if (context.Principal is { } principal && sessions.IsSignedOut(principal, context.Properties.IssuedUtc))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, at) in _sessions)
        {
            if (now - at > retention)
            {
                _sessions.TryRemove(key, out _);
            }
        }

        foreach (var (key, at) in _users)
        {
            if (now - at > retention)
            {
                _users.TryRemove(key, out _);
            }
        }
    }
}
