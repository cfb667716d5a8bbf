using Latchkey.Accounts;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.AspNetCore.Routing;
using Latchkey.Mfa;
using Latchkey.Security;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary>Login, logout, the current session, and the list of one's sessions.</summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/session", LoginAsync).AllowAnonymous().WithTags("Sessions")
            .Documented(
                "login", "Sign in with email and password",
                "Starts a session: its id arrives as an HttpOnly cookie, its CSRF token in the body. An account with a second factor "
                + "gets 401 `mfa_required` with the challenge for `POST /api/session/mfa` instead (docs/mfa.md).")
            .AcceptsJson<CredentialsRequest>().Produces<LoginResponse>()
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.EmailNotVerified, LatchkeyErrors.AccountDisabled, LatchkeyErrors.SignInDenied, LatchkeyErrors.TooManyAttempts)
            .Refuses<MfaChallengeProblem>(LatchkeyErrors.InvalidCredentials, LatchkeyErrors.MfaRequired, LatchkeyErrors.MfaEnrollmentRequired);

        var session = api.MapGroup("/session").RequireAuthorization().RequireCsrfToken().WithTags("Sessions").Credentials(EndpointCredentials.Session);
        session.MapGet("/", GetCurrentAsync)
            .Documented("getSession", "The current session, its times and its CSRF token").Produces<CurrentSessionResponse>();
        session.MapDelete("/", LogoutAsync)
            .Documented("logout", "Sign out: end the current session", "The cookie is cleared and its value is refused from then on.")
            .Produces(StatusCodes.Status204NoContent);

        var sessions = api.MapGroup("/sessions").RequireAuthorization().RequireCsrfToken().WithTags("Sessions");
        sessions.MapGet("/", ListAsync).Documented("listSessions", "One's sessions, the current one marked").Produces<SessionListItem[]>();
        sessions.MapDelete("/{id}", RevokeAsync).RequireRecentAuthentication()
            .Documented("endSession", "End one of one's sessions").Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.NotFound);
        sessions.MapDelete("/", RevokeAllAsync).RequireRecentAuthentication()
            .Documented(
                "endAllSessions", "Sign out everywhere",
                "Ends every session of the user, the caller's own included, every refresh token, and every access token issued before now.")
            .Produces(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, AccountService accounts, SessionManager sessions, MfaService mfa, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, LatchkeyJsonContext.Default.CredentialsRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        errors.AddIfPresent("email", string.IsNullOrWhiteSpace(body!.Email) ? "An email address is required." : null);
        errors.AddIfPresent("password", string.IsNullOrEmpty(body.Password) ? "A password is required." : null);
        if (errors.Count > 0)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: errors);
        }

        var ct = context.RequestAborted;
        var origin = context.GetRequestOrigin();
        var result = await accounts.SignInAsync(body.Email, body.Password, origin.Address, DeviceCookie.Read(context.Request), ct);
        switch (result.Status)
        {
            case SignInStatus.Throttled:
                return LatchkeyProblems.Result(LatchkeyErrors.TooManyAttempts, retryAfter: result.RetryAfter);
            case SignInStatus.InvalidCredentials:
                return LatchkeyProblems.Result(LatchkeyErrors.InvalidCredentials);
            case SignInStatus.EmailNotVerified:
                return LatchkeyProblems.Result(LatchkeyErrors.EmailNotVerified);
            case SignInStatus.Disabled:
                return LatchkeyProblems.Result(LatchkeyErrors.AccountDisabled);
        }

        var account = result.Account!;
        if (await LatchkeyEventsDispatcher.For(context).SigningInAsync(context, account, "session", clientId: null) is { } denial)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.SignInDenied, denial);
        }

        // The password was right; the device cookie only tells the throttle so, and grants nothing else.
        DeviceCookie.Write(context, result.Device!);
        if (await mfa.ChallengeAfterPasswordAsync(account, origin.Address, ct) is { } challenge)
        {
            return MfaChallengeProblem(challenge);
        }

        return await StartSessionAsync(context, account, AuthenticationMethods.Password, accounts, sessions, origin, ct);
    }

    /// <summary>
    /// Starts the session of a completed sign-in: the session the client brought ends (session fixation), the new one
    /// records how the user signed in, and a disable, reset or "log out everywhere" that overlapped the sign-in ends it.
    /// </summary>
    internal static async Task<IResult> StartSessionAsync(
        HttpContext context, Account account, AuthenticationMethods methods, AccountService accounts, SessionManager sessions, RequestOrigin origin,
        CancellationToken ct, Func<NewSession, IResult>? respond = null)
    {
        await sessions.EndByRawIdAsync(SessionCookie.Read(context.Request), origin, ct);
        var created = await sessions.CreateAsync(account.Id, origin, methods, ct);
        if (await accounts.RecheckAfterSignInAsync(account, ct) is not SignInStatus.Succeeded and var changed)
        {
            // Disabled, reset or signed out everywhere while the credentials were being checked: the new session goes too.
            await sessions.EndAsync(created.Session, origin, CancellationToken.None);
            return LatchkeyProblems.Result(changed == SignInStatus.Disabled ? LatchkeyErrors.AccountDisabled : LatchkeyErrors.InvalidCredentials);
        }

        SessionCookie.Write(context, created.RawId, created.Session.AbsoluteExpiresAt);
        return respond?.Invoke(created) ?? TypedResults.Json(
            new LoginResponse(UserResponse.For(account), created.CsrfToken, created.Session.ExpiresAt),
            LatchkeyJsonContext.Default.LoginResponse);
    }

    /// <summary>The 401 that stands for a session until the second factor (or enrolment) is done; the challenge rides as extension members.</summary>
    internal static IResult MfaChallengeProblem(MfaChallenge challenge) => LatchkeyProblems.Result(
        challenge.Kind == MfaChallengeKind.SecondFactor ? LatchkeyErrors.MfaRequired : LatchkeyErrors.MfaEnrollmentRequired,
        challenge.Kind == MfaChallengeKind.SecondFactor
            ? "Finish with this challenge and one of the methods: a code or recovery code at POST /api/session/mfa, or a passkey at POST /api/session/mfa/passkey."
            : "Set up an authenticator app with this challenge (POST /api/session/mfa/totp), then confirm it with a first code.",
        writer =>
        {
            writer.WriteString("challenge", challenge.Token);
            writer.WriteString("challengeExpiresAt", challenge.ExpiresAt);
            writer.WriteStartArray("methods");
            foreach (var method in challenge.Methods)
            {
                writer.WriteStringValue(method);
            }

            writer.WriteEndArray();
        });

    private static async Task<IResult> GetCurrentAsync(HttpContext context, AccountService accounts)
    {
        if (context.Features.Get<LatchkeySessionFeature>() is not { } feature)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated, "This endpoint needs a session cookie.");
        }

        var session = feature.Session;
        var account = await accounts.FindByIdAsync(session.UserId, context.RequestAborted);
        if (account is null)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated);
        }

        return TypedResults.Json(
            new CurrentSessionResponse(
                UserResponse.For(account),
                new SessionDetails(
                    session.PublicId, session.CreatedAt, session.LastSeenAt, session.IdleExpiresAt, session.AbsoluteExpiresAt,
                    AuthenticationMethodNames.Amr(session.Methods), AuthenticationMethodNames.Acr(session.Methods)),
                feature.CsrfToken),
            LatchkeyJsonContext.Default.CurrentSessionResponse);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, SessionManager sessions)
    {
        if (context.GetCookieSession() is not { } session)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.Unauthenticated, "This endpoint needs a session cookie.");
        }

        await sessions.EndAsync(session, context.GetRequestOrigin(), context.RequestAborted);
        SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListAsync(HttpContext context, SessionManager sessions)
    {
        // A token minted from a session names it in sid; either way the caller's session is "current".
        var current = context.GetCookieSession()?.PublicId ?? context.User.FindFirst(LatchkeyDefaults.SessionIdClaim)?.Value;
        var list = await sessions.ListAsync(context.GetSubject()!, context.RequestAborted);
        var items = new SessionListItem[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i];
            items[i] = new SessionListItem(s.PublicId, s.CreatedAt, s.LastSeenAt, s.UserAgent, s.IpAddress, s.PublicId == current);
        }

        return TypedResults.Json(items, LatchkeyJsonContext.Default.SessionListItemArray);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, SessionManager sessions)
    {
        var ended = await sessions.EndByPublicIdAsync(context.GetSubject()!, id, context.GetRequestOrigin(), context.RequestAborted);
        if (ended is null)
        {
            return LatchkeyProblems.Result(LatchkeyErrors.NotFound, "The caller has no session with this id.");
        }

        if (ended.PublicId == context.GetCookieSession()?.PublicId)
        {
            SessionCookie.Clear(context);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> RevokeAllAsync(HttpContext context, UserSignOutService signOut)
    {
        await signOut.SignOutEverywhereAsync(context.GetSubject()!, keep: null, context.GetRequestOrigin(), context.RequestAborted);
        if (context.GetCookieSession() is not null)
        {
            SessionCookie.Clear(context);
        }

        return TypedResults.NoContent();
    }
}
