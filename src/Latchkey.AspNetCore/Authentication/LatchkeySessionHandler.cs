using System.Security.Claims;
using System.Text.Encodings.Web;
using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Authenticates requests by the server-side session named in the session cookie. Registered twice: as
/// <see cref="LatchkeyDefaults.SessionScheme"/>, and as the default <see cref="LatchkeyDefaults.AuthenticationScheme"/>
/// whose options forward bearer credentials to <see cref="LatchkeyDefaults.BearerScheme"/>. Either way the
/// principal and ticket name the session scheme.
/// </summary>
internal sealed class LatchkeySessionHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly SessionManager _sessions;
    private readonly LatchkeyEventsDispatcher _events;

    /// <summary>Creates the handler.</summary>
    public LatchkeySessionHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SessionManager sessions, LatchkeyEventsDispatcher events)
        : base(options, logger, encoder)
    {
        _sessions = sessions;
        _events = events;
    }

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credentials = SessionCredentials.Read(Request);
        if (credentials is null)
        {
            return AuthenticateResult.NoResult();
        }

        // An unsafe request without the right CSRF token will be refused; it must not slide the idle timeout either.
        var activity = !OriginCheckMiddleware.IsUnsafe(Request.Method) || credentials.PresentsCsrfToken(Request);
        var session = await _sessions.ValidateAsync(credentials.RawId, activity, Context.RequestAborted);
        if (session is null)
        {
            return AuthenticateResult.NoResult();
        }

        Context.Features.Set(new LatchkeySessionFeature(session, credentials));

        // Claims created with their identity as subject are added as they are; others would be cloned.
        var identity = new ClaimsIdentity(LatchkeyDefaults.SessionScheme, LatchkeyDefaults.SubjectClaim, null);
        identity.AddClaim(SessionClaim(identity, LatchkeyDefaults.SubjectClaim, session.UserId));
        identity.AddClaim(SessionClaim(identity, LatchkeyDefaults.SessionIdClaim, session.PublicId));
        identity.AddClaim(SessionClaim(identity, LatchkeyDefaults.AuthMethodClaim, "session"));
        var principal = await _events.SessionValidatedAsync(Context, session, new ClaimsPrincipal(identity));
        if (principal is null)
        {
            // Refused by the application: the request must not pass for a session anywhere.
            Context.Features.Set<LatchkeySessionFeature>(null);
            return AuthenticateResult.NoResult();
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, LatchkeyDefaults.SessionScheme));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        LatchkeyProblems.Write(Context, LatchkeyErrors.Unauthenticated);

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        LatchkeyProblems.Write(Context, LatchkeyErrors.Forbidden);

    private static Claim SessionClaim(ClaimsIdentity identity, string type, string value) =>
        new(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity);
}
