using Latchkey.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Latchkey's HTTP endpoints.</summary>
public static class LatchkeyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the API under <c>/api</c>, the OAuth endpoints under <c>/oauth</c>, the discovery documents and JWKS under <c>/.well-known</c>, the probes <c>/healthz</c> and <c>/readyz</c>, and the end-user pages (<c>/signin</c>, <c>/signup</c>, <c>/account</c>, <c>/tokens</c>). Returns the API
    /// group so that the caller can add conventions (rate limiting, CORS, metadata).
    /// </summary>
    public static IEndpointConventionBuilder MapLatchkey(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ProbeEndpoints.Map(endpoints);
        var api = endpoints.MapGroup("/api");
        AccountEndpoints.Map(api);
        SessionEndpoints.Map(api);
        MeEndpoints.Map(api);
        SessionTokenEndpoints.Map(api);
        Latchkey.AspNetCore.OAuth.OAuthEndpoints.Map(endpoints);
        Latchkey.AspNetCore.OAuth.DiscoveryEndpoints.Map(endpoints);
        Latchkey.AspNetCore.OAuth.RevocationFeedEndpoints.Map(endpoints);
        Latchkey.AspNetCore.Pages.PageEndpoints.Map(endpoints);
        return api;
    }
}
