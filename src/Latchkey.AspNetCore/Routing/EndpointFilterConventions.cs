using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Csrf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Routing;

/// <summary>
/// Adds Latchkey's endpoint filters together with a marker each: filters are not endpoint metadata, and the OpenAPI
/// document states the CSRF token and the recent sign-in exactly where the filters run.
/// </summary>
internal static class EndpointFilterConventions
{
    /// <summary>Adds <see cref="CsrfTokenFilter"/>: a cookie-authenticated unsafe request needs <c>X-CSRF-Token</c>.</summary>
    public static TBuilder RequireCsrfToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, CsrfTokenFilter>().WithMetadata(CsrfTokenRequired.Instance);

    /// <summary>Adds <see cref="RecentAuthenticationFilter"/>: the sign-in behind the request must be recent.</summary>
    public static TBuilder RequireRecentAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, RecentAuthenticationFilter>().WithMetadata(RecentAuthenticationRequired.Instance);
}

/// <summary>Marks an endpoint that runs <see cref="CsrfTokenFilter"/>.</summary>
internal sealed class CsrfTokenRequired
{
    public static readonly CsrfTokenRequired Instance = new();

    private CsrfTokenRequired()
    {
    }
}

/// <summary>Marks an endpoint that runs <see cref="RecentAuthenticationFilter"/>.</summary>
internal sealed class RecentAuthenticationRequired
{
    public static readonly RecentAuthenticationRequired Instance = new();

    private RecentAuthenticationRequired()
    {
    }
}
