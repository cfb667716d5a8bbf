using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Latchkey's middleware to the request pipeline.</summary>
public static class LatchkeyApplicationBuilderExtensions
{
    /// <summary>
    /// Adds, in order: problem details for exceptions and empty error responses, <c>Cache-Control:
    /// no-store</c> on the API, the origin check for unsafe API requests, authentication and authorization.
    /// </summary>
    public static IApplicationBuilder UseLatchkey(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
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
}
