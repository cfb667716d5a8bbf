using System.Security.Claims;
using Latchkey.Accounts;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Events;

/// <summary>
/// Raises <see cref="LatchkeyEvents"/> where Latchkey's code reaches each point, with the configured
/// instance or, when <see cref="LatchkeyEventsOptions.EventsType"/> is set, one from the request's services.
/// Builds no context when the events would do nothing, so that the request path stays as it was.
/// </summary>
internal sealed class LatchkeyEventsDispatcher(
    IOptions<LatchkeyEventsOptions> options, IServiceScopeFactory scopes, ILogger<LatchkeyEventsDispatcher> logger) : IRefreshTokenReuseListener
{
    /// <summary>The dispatcher of the request's application (the authentication handlers are created per request by ASP.NET Core).</summary>
    public static LatchkeyEventsDispatcher For(HttpContext httpContext) => httpContext.RequestServices.GetRequiredService<LatchkeyEventsDispatcher>();

    /// <summary>Asks <see cref="LatchkeyEvents.SigningIn"/>; returns the denial's detail, or null to go on.</summary>
    public async Task<string?> SigningInAsync(HttpContext httpContext, Account account, string method, string? clientId)
    {
        if (Resolve(httpContext.RequestServices, LatchkeyEventKind.SigningIn) is not { } events)
        {
            return null;
        }

        var context = new LatchkeySigningInContext(httpContext, account, method, clientId);
        await events.SigningIn(context);
        return context.IsDenied ? context.DenialDetail ?? "Sign-in was denied." : null;
    }

    /// <summary>Runs <see cref="LatchkeyEvents.SessionValidated"/>; returns the principal to use, or null when rejected.</summary>
    public async ValueTask<ClaimsPrincipal?> SessionValidatedAsync(HttpContext httpContext, Session session, ClaimsPrincipal principal)
    {
        if (Resolve(httpContext.RequestServices, LatchkeyEventKind.SessionValidated) is not { } events)
        {
            return principal;
        }

        var context = new LatchkeySessionValidatedContext(httpContext, session, principal);
        await events.SessionValidated(context);
        return context.IsRejected ? null : context.Principal;
    }

    /// <summary>Runs <see cref="LatchkeyEvents.TokenValidated"/>; returns the principal to use, or null when rejected.</summary>
    public async Task<ClaimsPrincipal?> TokenValidatedAsync(HttpContext httpContext, ClaimsPrincipal principal)
    {
        if (Resolve(httpContext.RequestServices, LatchkeyEventKind.TokenValidated) is not { } events)
        {
            return principal;
        }

        var context = new LatchkeyTokenValidatedContext(httpContext, principal);
        await events.TokenValidated(context);
        return context.IsRejected ? null : context.Principal;
    }

    /// <summary>Whether <see cref="LatchkeyEvents.TokenValidated"/> may do anything, so that the bearer scheme hooks it only then.</summary>
    public bool ListensToTokenValidated => options.Value is { } configured && (configured.EventsType is not null || configured.Events.Handles(LatchkeyEventKind.TokenValidated));

    /// <inheritdoc />
    public async Task RefreshTokenReusedAsync(RefreshTokenFamily family, RequestOrigin origin, CancellationToken cancellationToken)
    {
        // A notification from deep inside the refresh grant, after the family is revoked: its own scope,
        // and a failure is logged rather than turned into the refresh's answer.
        await using var scope = scopes.CreateAsyncScope();
        if (Resolve(scope.ServiceProvider, LatchkeyEventKind.RefreshTokenReused) is not { } events)
        {
            return;
        }

        try
        {
            await events.RefreshTokenReused(new LatchkeyRefreshTokenReusedContext(scope.ServiceProvider, family, origin));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.EventFailed(logger, nameof(LatchkeyEvents.OnRefreshTokenReused), exception);
        }
    }

    private LatchkeyEvents? Resolve(IServiceProvider services, LatchkeyEventKind kind)
    {
        var configured = options.Value;
        var events = configured.EventsType is { } type ? (LatchkeyEvents)services.GetRequiredService(type) : configured.Events;
        return events.Handles(kind) ? events : null;
    }
}
