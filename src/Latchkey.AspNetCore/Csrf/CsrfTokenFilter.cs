using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Csrf;

/// <summary>
/// Requires the session's CSRF token in <c>X-CSRF-Token</c> on every cookie-authenticated unsafe
/// request; it runs before the endpoint, so a refused request changes nothing. Bearer-authenticated
/// requests carry no ambient credential and need no token.
/// </summary>
public sealed class CsrfTokenFilter : IEndpointFilter
{
    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (OriginCheckMiddleware.IsUnsafe(http.Request.Method)
            && http.Features.Get<LatchkeySessionFeature>() is { } session)
        {
            if (!SessionCredentials.PresentsCsrfToken(http.Request, session.CsrfToken))
            {
                return ValueTask.FromResult<object?>(LatchkeyProblems.Result(LatchkeyErrors.CsrfTokenInvalid));
            }
        }

        return next(context);
    }
}
