using Latchkey.AspNetCore.Admin;
using Latchkey.AspNetCore.Csrf;
using Microsoft.AspNetCore.Http;
using Latchkey.AspNetCore.Endpoints;
using Latchkey.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Latchkey's HTTP endpoints.</summary>
public static class LatchkeyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the API under <c>/api</c>, the OAuth endpoints under <c>/oauth</c>, the discovery documents and JWKS under <c>/.well-known</c>, the probes <c>/healthz</c> and <c>/readyz</c>, and the end-user pages (<c>/signin</c>, <c>/signup</c>, <c>/account</c>, <c>/tokens</c>). Returns the API
    /// group so that the caller can add conventions (rate limiting, CORS, metadata).
    /// </summary>
    /// <remarks>
    /// Every endpoint carries a <see cref="LatchkeyEndpointMetadata"/>, which is what <c>UseLatchkey</c>'s
    /// origin check, <c>no-store</c> and error answers key on; so <paramref name="endpoints"/> may be a
    /// route group of the host (<c>app.MapGroup("/auth").MapLatchkey()</c>) and the protections follow.
    /// The API and OAuth groups answer their own unknown paths and wrong methods (404, 405) for the same reason.
    /// </remarks>
    public static IEndpointConventionBuilder MapLatchkey(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var root = endpoints.MapGroup(string.Empty).WithMetadata(LatchkeyEndpointMetadata.ForOther());
        ProbeEndpoints.Map(root);

        var apiMarker = LatchkeyEndpointMetadata.ForApi();
        var api = root.MapGroup("/api").WithMetadata(apiMarker);
        AccountEndpoints.Map(api);
        AccountRecoveryEndpoints.Map(api);
        SessionEndpoints.Map(api);
        MfaEndpoints.Map(api);
        PasskeyEndpoints.Map(api);
        MeEndpoints.Map(api);
        SessionTokenEndpoints.Map(api);
        AppEndpoints.Map(api);
        GroupFallback.Map(api, apiMarker);

        var oauthMarker = LatchkeyEndpointMetadata.ForOAuth();
        var oauth = root.MapGroup("/oauth").WithMetadata(oauthMarker).AllowAnonymous();
        Latchkey.AspNetCore.OAuth.OAuthEndpoints.Map(oauth);
        Latchkey.AspNetCore.OAuth.RevocationFeedEndpoints.Map(oauth);
        GroupFallback.Map(oauth, oauthMarker);

        Latchkey.AspNetCore.OAuth.DiscoveryEndpoints.Map(root);
        Latchkey.AspNetCore.Pages.PageEndpoints.Map(root);
        return api;
    }

    /// <summary>
    /// Maps the admin API under <paramref name="prefix"/> (<c>/admin</c> by default): accounts, their sessions, clients and
    /// signing keys (docs/admin.md). Only operators get past its filter: an account with the admin role by its session (with
    /// the CSRF token on unsafe methods), or a service client by a client-credentials token with the <c>admin</c> scope.
    /// Every call is audited with the operator's id. Not part of <see cref="MapLatchkey"/>: a host opts in.
    /// </summary>
    public static IEndpointConventionBuilder MapLatchkeyAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var marker = LatchkeyEndpointMetadata.ForApi();
        var admin = endpoints.MapGroup(prefix).WithMetadata(marker);
        var guarded = admin.MapGroup(string.Empty)
            .RequireAuthorization()
            .RequireCsrfToken()
            .AddEndpointFilter<RouteGroupBuilder, AdminAuthorizationFilter>();
        AdminAccountEndpoints.Map(guarded);
        AdminClientEndpoints.Map(guarded);
        AdminKeyEndpoints.Map(guarded);
        GroupFallback.Map(admin, marker);
        return admin;
    }
}
