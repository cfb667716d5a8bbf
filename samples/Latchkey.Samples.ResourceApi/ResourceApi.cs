using System.Security.Claims;

namespace Latchkey.Samples.ResourceApi;

/// <summary>
/// A service that trusts a Latchkey server and nothing else: it never sees a password or a database, only
/// signed access tokens, which it checks against the Latchkey server's published keys.
/// </summary>
public static class ResourceApi
{
    /// <summary>Builds the application; <c>Program</c> runs it, tests start it on a free port.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:5090 --Latchkey:Authority=http://127.0.0.1:5080</c>.</param>
    /// <param name="configure">An optional hook to adjust the builder, used by tests to replace the clock.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // This is all it takes: the issuer's URL. Keys come from its discovery document and JWKS.
        // Optionally a client of Latchkey's, to hear about revocations and refuse revoked tokens at once.
        builder.Services.AddAuthentication()
            .AddLatchkeyBearer(o =>
            {
                o.Authority = builder.Configuration["Latchkey:Authority"] ?? "http://127.0.0.1:5080";
                o.RevocationClientId = builder.Configuration["Latchkey:RevocationClientId"];
                o.RevocationClientSecret = builder.Configuration["Latchkey:RevocationClientSecret"];
            });
        builder.Services.AddAuthorization();

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/hello", (ClaimsPrincipal user) => new Hello(
            user.FindFirstValue("sub")!,
            user.FindFirstValue("client_id")!,
            (user.FindFirstValue("scope") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .RequireAuthorization();

        app.MapGet("/reports", () => new Report[]
            {
                new("2024-q4", "Quarterly sign-ins"),
                new("2025-q1", "Quarterly sign-ins"),
            })
            .RequireScope("reports:read");

        return app;
    }

    /// <summary>The answer of <c>GET /hello</c>.</summary>
    /// <param name="Sub">The caller: an account id, or a client id for service tokens.</param>
    /// <param name="ClientId">The client the token was issued to.</param>
    /// <param name="Scopes">The scopes the token grants.</param>
    public sealed record Hello(string Sub, string ClientId, string[] Scopes);

    /// <summary>One entry of <c>GET /reports</c>.</summary>
    /// <param name="Id">The report's id.</param>
    /// <param name="Title">Its title.</param>
    public sealed record Report(string Id, string Title);
}
