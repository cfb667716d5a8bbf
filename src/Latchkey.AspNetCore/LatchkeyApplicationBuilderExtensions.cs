using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Latchkey's middleware to the request pipeline.</summary>
public static class LatchkeyApplicationBuilderExtensions
{
    /// <summary>
    /// Adds, in order: forwarded headers from trusted proxies (when <c>Latchkey:Network:TrustedProxies</c>
    /// names any), problem details for exceptions and empty error responses, <c>Cache-Control:
    /// no-store</c> on the API, the origin check for unsafe API requests, authentication and authorization.
    /// </summary>
    public static IApplicationBuilder UseLatchkey(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        UseTrustedForwardedHeaders(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => LatchkeyProblems.Write(context.HttpContext, LatchkeyProblems.CodeForStatus(context.HttpContext.Response.StatusCode)));
        app.Use(static (context, next) =>
        {
            // API answers carry credentials (cookies, CSRF tokens) or personal data: never cache them.
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.Pragma = "no-cache";
            }

            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseMiddleware<OriginCheckMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    // First in the pipeline, so that everything after it sees the client's address and scheme.
    private static void UseTrustedForwardedHeaders(IApplicationBuilder app)
    {
        var network = app.ApplicationServices.GetRequiredService<IOptions<NetworkOptions>>().Value;
        if (network.TrustedProxies.Count == 0)
        {
            return;
        }

        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,

            // No fixed hop count: the middleware walks X-Forwarded-For from the right and stops at the
            // first hop that is not a trusted proxy, so a client-written entry is never taken.
            ForwardLimit = null,
        };

        // The defaults trust loopback; only the configured proxies may be trusted.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in network.TrustedProxies)
        {
            if (NetworkOptions.TryParseProxy(entry, out var range))
            {
                forwarded.KnownIPNetworks.Add(range);
            }
        }

        app.UseForwardedHeaders(forwarded);
    }
}
