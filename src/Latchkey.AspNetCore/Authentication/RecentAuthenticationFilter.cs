using System.Globalization;
using Latchkey.AspNetCore.Http;
using Latchkey.Diagnostics;
using Latchkey.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Authentication;

/// <summary>
/// Step-up for sensitive actions: the sign-in behind the request must be within <see cref="SessionOptions.ReauthWindow"/>,
/// else the answer is <c>reauthentication_required</c> (403) and nothing changes. A session's sign-in is its creation
/// (signing in again starts a new session); a bearer token's is its <c>auth_time</c>, and a token without one never
/// passes. It runs after authorization and the CSRF check.
/// </summary>
public sealed class RecentAuthenticationFilter : IEndpointFilter
{
    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var services = http.RequestServices;
        var window = services.GetRequiredService<IOptions<SessionOptions>>().Value.ReauthWindow;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (AuthenticatedAt(http) is { } at && now - at <= window)
        {
            return next(context);
        }

        services.GetRequiredService<SecurityAudit>().ReauthenticationRequired(
            http.GetSubject() ?? "unknown", http.GetEndpoint()?.DisplayName ?? http.Request.Path.Value ?? "?", http.GetRequestOrigin().ClientIp);
        return ValueTask.FromResult<object?>(LatchkeyProblems.Result(
            LatchkeyErrors.ReauthenticationRequired, $"Sign in again (within the last {window.TotalMinutes:0.#} minutes) to do this."));
    }

    /// <summary>When the user behind the request signed in, or <see langword="null"/> when the request does not say.</summary>
    public static DateTimeOffset? AuthenticatedAt(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetCookieSession() is { } session)
        {
            return session.CreatedAt;
        }

        return context.User.FindFirst(LatchkeyDefaults.AuthTimeClaim)?.Value is { } text
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }
}
