using Latchkey.Clients;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// Cross-origin access for applications that run in a browser (single-page apps, public clients): the token,
/// revocation and userinfo endpoints answer scripts of the origins the public clients allow
/// (<see cref="RegisteredClient.CorsOrigins"/>); the discovery documents and the JWKS, which are public, answer every
/// origin. None of them reads a cookie, so no answer allows credentials.
/// </summary>
public sealed class BrowserClientCors
{
    /// <summary>Creates the policy source over the client registry.</summary>
    public BrowserClientCors(IClientRegistry clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ClientEndpoints = new PolicyMetadata(new CorsPolicyBuilder()
            .SetIsOriginAllowed(clients.AllowsCorsOrigin)
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders("Authorization", "Content-Type")
            .WithExposedHeaders("WWW-Authenticate", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build());
    }

    /// <summary>The endpoint metadata of the token, revocation and userinfo endpoints' policy.</summary>
    public ICorsPolicyMetadata ClientEndpoints { get; }

    /// <summary>The endpoint metadata of the public documents' policy: any origin, <c>GET</c> only.</summary>
    public static ICorsPolicyMetadata PublicDocuments { get; } =
        new PolicyMetadata(new CorsPolicyBuilder().AllowAnyOrigin().WithMethods(HttpMethods.Get).Build());

    // The policy itself on the endpoint, so that it reads the live registry instead of a name resolved at start.
    private sealed class PolicyMetadata(CorsPolicy policy) : ICorsPolicyMetadata
    {
        public CorsPolicy Policy { get; } = policy;
    }
}
