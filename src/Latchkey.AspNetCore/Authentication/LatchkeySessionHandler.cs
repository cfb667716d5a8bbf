using System.Security.Claims;
using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Authenticates requests by the server-side session named in the session cookie. Registered twice: as
/// <see cref="LatchkeyDefaults.SessionScheme"/>, and as the default <see cref="LatchkeyDefaults.AuthenticationScheme"/>,
/// which hands a request carrying a bearer credential (authenticate, challenge and forbid alike) to
/// <see cref="LatchkeyDefaults.BearerScheme"/>. Either way the principal and ticket name the session scheme.
/// </summary>
/// <remarks>
/// A plain <see cref="IAuthenticationHandler"/> rather than an <see cref="AuthenticationHandler{TOptions}"/>: ASP.NET Core
/// creates the handler for every request, and the base class would take a logger from the factory (a lock), look up
/// its options and events, and put three awaited layers around a lookup that, for a cached session, is synchronous.
/// The framework around it is unchanged: the authentication service, claims transformation and authorization.
/// A store fault propagates, as it does from the base class, so that the request fails closed (503), never anonymous.
/// </remarks>
internal sealed class LatchkeySessionHandler(SessionManager sessions, LatchkeyEventsDispatcher events) : IAuthenticationHandler
{
    private static readonly Task<AuthenticateResult> NoResult = Task.FromResult(AuthenticateResult.NoResult());

    private HttpContext _context = null!;
    private bool _forwardsBearer;
    private Task<AuthenticateResult>? _result;

    /// <inheritdoc />
    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _forwardsBearer = scheme.Name == LatchkeyDefaults.AuthenticationScheme;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Asked twice in one request (a policy naming the scheme), it answers the first result again.</remarks>
    public Task<AuthenticateResult> AuthenticateAsync() =>
        PresentsBearer() ? _context.AuthenticateAsync(LatchkeyDefaults.BearerScheme) : _result ??= AuthenticateSessionAsync();

    /// <inheritdoc />
    public Task ChallengeAsync(AuthenticationProperties? properties) =>
        PresentsBearer() ? _context.ChallengeAsync(LatchkeyDefaults.BearerScheme, properties) : LatchkeyProblems.Write(_context, LatchkeyErrors.Unauthenticated);

    /// <inheritdoc />
    public Task ForbidAsync(AuthenticationProperties? properties) =>
        PresentsBearer() ? _context.ForbidAsync(LatchkeyDefaults.BearerScheme, properties) : LatchkeyProblems.Write(_context, LatchkeyErrors.Forbidden);

    // One endpoint, two credentials: on the default scheme, a Bearer Authorization header is the bearer scheme's.
    private bool PresentsBearer()
    {
        if (!_forwardsBearer)
        {
            return false;
        }

        var authorization = _context.Request.Headers.Authorization;
        return authorization.Count > 0 && LatchkeyBearerDefaults.IsBearerCredential(authorization[0]);
    }

    private Task<AuthenticateResult> AuthenticateSessionAsync()
    {
        var request = _context.Request;
        var credentials = SessionCredentials.Read(request);
        if (credentials is null)
        {
            return NoResult;
        }

        // An unsafe request without the right CSRF token will be refused; it must not slide the idle timeout either.
        var activity = !OriginCheckMiddleware.IsUnsafe(request.Method) || credentials.PresentsCsrfToken(request);
        var validating = sessions.ValidateAsync(credentials.RawId, activity, _context.RequestAborted);
        return validating.IsCompletedSuccessfully
            ? Authenticated(credentials, validating.Result)
            : AuthenticatedAsync(credentials, validating);
    }

    private async Task<AuthenticateResult> AuthenticatedAsync(SessionCredentials credentials, ValueTask<Session?> validating) =>
        await Authenticated(credentials, await validating);

    private Task<AuthenticateResult> Authenticated(SessionCredentials credentials, Session? session)
    {
        if (session is null)
        {
            return NoResult;
        }

        _context.Features.Set(new LatchkeySessionFeature(session, credentials));

        // Claims created with their identity as subject are added as they are; others would be cloned.
        var identity = new ClaimsIdentity(LatchkeyDefaults.SessionScheme, LatchkeyDefaults.SubjectClaim, null);
        identity.AddClaim(SessionClaim(identity, LatchkeyDefaults.SubjectClaim, session.UserId));
        identity.AddClaim(SessionClaim(identity, LatchkeyDefaults.SessionIdClaim, session.PublicId));
        identity.AddClaim(SessionClaim(identity, LatchkeyDefaults.AuthMethodClaim, "session"));
        var validated = events.SessionValidatedAsync(_context, session, new ClaimsPrincipal(identity));
        return validated.IsCompletedSuccessfully ? Task.FromResult(Result(validated.Result)) : ResultAsync(validated);
    }

    private async Task<AuthenticateResult> ResultAsync(ValueTask<ClaimsPrincipal?> validated) => Result(await validated);

    private AuthenticateResult Result(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            // Refused by the application: the request must not pass for a session anywhere.
            _context.Features.Set<LatchkeySessionFeature>(null);
            return AuthenticateResult.NoResult();
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, LatchkeyDefaults.SessionScheme));
    }

    private static Claim SessionClaim(ClaimsIdentity identity, string type, string value) =>
        new(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity);
}
