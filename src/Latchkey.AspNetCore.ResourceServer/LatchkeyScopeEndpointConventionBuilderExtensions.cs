using Latchkey.AspNetCore.ResourceServer;
using Microsoft.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Scope checks on endpoints.</summary>
public static class LatchkeyScopeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated caller whose token grants every one of <paramref name="scopes"/>:
    /// <c>app.MapGet("/reports", ...).RequireScope("reports:read")</c>.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="scopes">One or more scope names, each without spaces.</param>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = ScopeRequirement.Create(scopes);
        return builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().AddRequirements(requirement));
    }
}
