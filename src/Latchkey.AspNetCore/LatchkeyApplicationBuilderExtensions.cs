using Latchkey;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Hosting;
using Latchkey.AspNetCore.Routing;
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
    // Where UseRouting records itself (EndpointRoutingApplicationBuilderExtensions).
    private const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";

    /// <summary>
    /// Adds, in order: routing (unless the application already routes), forwarded headers from trusted
    /// proxies (when <c>Latchkey:Network:TrustedProxies</c> names any), CORS for the endpoints browser clients
    /// call (<see cref="Latchkey.AspNetCore.OAuth.BrowserClientCors"/>), <c>Cache-Control: no-store</c> on the
    /// API and OAuth endpoints, <c>Strict-Transport-Security</c> over HTTPS, the origin check for unsafe API
    /// requests, problem details for the errors of Latchkey's endpoints, authentication and authorization.
    /// The host's own exception handler and status-code pages are left alone.
    /// </summary>
    public static IApplicationBuilder UseLatchkey(this IApplicationBuilder app) => UseLatchkey(app, static _ => { });

    /// <summary>
    /// Adds Latchkey's middleware as <see cref="UseLatchkey(IApplicationBuilder)"/> does, with choices;
    /// <see cref="LatchkeyMiddlewareOptions.HandleAllErrors"/> makes Latchkey answer the whole application's errors.
    /// </summary>
    public static IApplicationBuilder UseLatchkey(this IApplicationBuilder app, Action<LatchkeyMiddlewareOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LatchkeyMiddlewareOptions();
        configure(options);

        // The protections below key on the endpoint's metadata, so the endpoint must be known by then. An
        // application that routes later would leave them blind; routing twice is harmless (the second match
        // is skipped once an endpoint is set).
        if (!app.Properties.ContainsKey(EndpointRouteBuilderKey))
        {
            app.UseRouting();
        }

        UseTrustedForwardedHeaders(app);

        // Cross-origin answers for the endpoints that carry a CORS policy (browser clients, public documents); a
        // preflight is answered here, before the origin check, which never concerns those endpoints.
        app.UseCors();
        app.ApplicationServices.GetRequiredService<LatchkeyErrorScope>().HandleAllErrors = options.HandleAllErrors;
        if (options.HandleAllErrors)
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages(context => LatchkeyProblems.Write(context.HttpContext, LatchkeyProblems.CodeForStatus(context.HttpContext.Response.StatusCode)));
        }

        app.Use(options.HandleAllErrors ? AddHeadersToEveryAnswer : AddHeadersToLatchkeyAnswers);
        app.UseMiddleware<OriginCheckMiddleware>();
        if (!options.HandleAllErrors)
        {
            app.UseMiddleware<LatchkeyEndpointErrorMiddleware>();
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    // Set as the answer starts, so that an answer the exception handler rewrites (it clears the headers)
    // still carries them; decided here, because the exception handler also clears the endpoint.
    private static Task AddHeadersToEveryAnswer(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(IsNoStore(context) ? AddNoStoreSecurityHeaders : AddSecurityHeaders, context);
        return next(context);
    }

    private static Task AddHeadersToLatchkeyAnswers(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<LatchkeyEndpointMetadata>() is { } marker)
        {
            context.Response.OnStarting(marker.NoStore ? AddNoStoreSecurityHeaders : AddSecurityHeaders, context);
        }

        return next(context);
    }

    private static bool IsNoStore(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<LatchkeyEndpointMetadata>() is { NoStore: true };

    // First in the pipeline, so that everything after it sees the client's address and scheme.
    private static void UseTrustedForwardedHeaders(IApplicationBuilder app)
    {
        // ASP.NET Core's own switch adds a forwarded-headers middleware that trusts every peer, so a client
        // could pick the address that throttling and the audit trail count. Refuse to start rather than run so.
        var configuration = app.ApplicationServices.GetService<IConfiguration>();
        if (string.Equals(configuration?["ForwardedHeaders_Enabled"], "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new LatchkeyConfigurationException(
                "ForwardedHeaders_Enabled",
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

    private static Task AddNoStoreSecurityHeaders(object state)
    {
        // API and OAuth answers carry credentials (cookies, CSRF tokens, tokens) or personal data: never
        // cache them, framework errors (405, 413) included. Pragma for HTTP/1.0 caches (RFC 6749 §5.1).
        var headers = ((HttpContext)state).Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        return AddSecurityHeaders(state);
    }

    private static Task AddSecurityHeaders(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;

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
