using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Latchkey's middleware to the request pipeline.</summary>
public static class LatchkeyApplicationBuilderExtensions
{
    /// <summary>
    /// Adds, in order: forwarded headers from trusted proxies (when <c>Latchkey:Network:TrustedProxies</c>
    /// names any), problem details for exceptions and empty error responses, <c>Cache-Control:
    /// no-store</c> on the API and OAuth endpoints, <c>Strict-Transport-Security</c> over HTTPS, the origin
    /// check for unsafe API requests, authentication and authorization.
    /// </summary>
    public static IApplicationBuilder UseLatchkey(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        UseTrustedForwardedHeaders(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => LatchkeyProblems.Write(context.HttpContext, LatchkeyProblems.CodeForStatus(context.HttpContext.Response.StatusCode)));
        app.Use(static (context, next) =>
        {
            // Set as the answer starts, so that an answer the exception handler rewrites (it clears the
            // headers) still carries them.
            context.Response.OnStarting(static state => AddSecurityHeaders((HttpContext)state), context);
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
        // ASP.NET Core's own switch adds a forwarded-headers middleware that trusts every peer, so a client
        // could pick the address that throttling and the audit trail count. Refuse to start rather than run so.
        var configuration = app.ApplicationServices.GetService<IConfiguration>();
        if (string.Equals(configuration?["ForwardedHeaders_Enabled"], "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "ForwardedHeaders_Enabled (ASPNETCORE_FORWARDEDHEADERS_ENABLED) makes ASP.NET Core trust X-Forwarded-For from any peer. "
                + "Remove it and list the proxies to trust in Latchkey:Network:TrustedProxies.");
        }

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

    private static Task AddSecurityHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;

        // API and OAuth answers carry credentials (cookies, CSRF tokens, tokens) or personal data: never
        // cache them, framework errors (405, 413) included. Pragma for HTTP/1.0 caches (RFC 6749 §5.1).
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }

        // HSTS only over HTTPS (RFC 6797 §7.2: never over plain HTTP; a trusted proxy's X-Forwarded-Proto
        // counts). Unlike UseHsts, loopback hosts get it too. No includeSubDomains: sibling hosts are not
        // this server's to pin.
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }

        headers.XContentTypeOptions = "nosniff";
        return Task.CompletedTask;
    }
}
