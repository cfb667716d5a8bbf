using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Met when the caller's <c>scope</c> claims hold every required scope. It handles itself (a requirement that
/// is also its handler), so no handler registration is needed.
/// </summary>
internal sealed class ScopeRequirement(IReadOnlyList<string> scopes) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public IReadOnlyList<string> Scopes { get; } = scopes;

    /// <summary>Checks the scope names at registration, so that a typo fails at start and not at the first request.</summary>
    public static ScopeRequirement Create(string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Length == 0)
        {
            throw new ArgumentException("Name at least one scope.", nameof(scopes));
        }

        foreach (var scope in scopes)
        {
            if (string.IsNullOrEmpty(scope) || scope.Contains(' ', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{scope}' is not a scope name: scopes are non-empty and have no spaces.", nameof(scopes));
            }
        }

        return new ScopeRequirement([.. scopes]);
    }

    public override string ToString() => $"ScopeRequirement: the caller must hold the scopes '{string.Join(' ', Scopes)}'.";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (requirement.Scopes.All(scope => HasScope(context.User, scope)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool HasScope(ClaimsPrincipal user, string scope)
    {
        foreach (var claim in user.FindAll(LatchkeyBearerDefaults.ScopeClaim))
        {
            foreach (var range in claim.Value.AsSpan().Split(' '))
            {
                if (claim.Value.AsSpan()[range].SequenceEqual(scope))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
