using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Csrf;

/// <summary>
/// Refuses, with 403 and before anything else runs, every unsafe request to the API (an endpoint whose
/// <see cref="LatchkeyEndpointMetadata.CheckOrigin"/> is set, wherever it is mapped) whose <c>Origin</c>
/// header names a foreign origin (<c>null</c> included). This is what stops login CSRF, where there is
/// no session token yet. Requests without <c>Origin</c> (curl, server-side clients) pass on to the
/// CSRF token check; safe methods are never refused for their origin.
/// </summary>
public sealed class OriginCheckMiddleware
{
    private readonly RequestDelegate _next;
    private readonly OriginPolicy _policy;

    /// <summary>Creates the middleware.</summary>
    public OriginCheckMiddleware(RequestDelegate next, OriginPolicy policy)
    {
        _next = next;
        _policy = policy;
    }

    /// <summary>Checks the request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (IsUnsafe(request.Method)
            && context.GetEndpoint()?.Metadata.GetMetadata<LatchkeyEndpointMetadata>() is { CheckOrigin: true }
            && request.Headers.Origin is { Count: > 0 } origin
            && (origin.Count > 1 || !_policy.IsAllowed(origin[0])))
        {
            return LatchkeyProblems.Write(context, LatchkeyErrors.OriginNotAllowed);
        }

        return _next(context);
    }

    /// <summary>Whether a method can change state (RFC 9110 §9.2.1).</summary>
    public static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
}
