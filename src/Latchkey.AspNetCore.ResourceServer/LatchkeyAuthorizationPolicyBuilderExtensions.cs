using Latchkey.AspNetCore.ResourceServer;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Scope checks for authorization policies.</summary>
public static class LatchkeyAuthorizationPolicyBuilderExtensions
{
    /// <summary>
    /// Requires the caller's token to grant every one of <paramref name="scopes"/> (its space-separated
    /// <c>scope</c> claim). An anonymous caller is challenged (401); an authenticated one without the scopes is
    /// forbidden (403).
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="scopes">One or more scope names, each without spaces.</param>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = ScopeRequirement.Create(scopes);
        return builder.RequireAuthenticatedUser().AddRequirements(requirement);
    }
}
