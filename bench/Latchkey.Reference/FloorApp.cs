using System.Buffers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace Latchkey.Reference;

/// <summary>
/// The least an ASP.NET Core app can do for a cookie-authenticated request, to put Latchkey's figures against:
/// <c>/healthz</c> short-circuited at routing as Latchkey's is, and <c>/api/me</c> behind the framework's
/// authentication and authorization middleware with a handler that does no work of its own (any non-empty
/// <c>floor_session</c> cookie is a user: no lookup, no hash, one claim; no base class). Both answer a body of the
/// size Latchkey's do, written in one piece. Whatever <c>/api/me</c> costs here over <c>/healthz</c> is the
/// framework's, and no handler that keeps to the framework's middleware can cost less.
/// </summary>
public static class FloorApp
{
    /// <summary>The cookie the floor's handler takes for a session.</summary>
    public const string CookieName = "floor_session";

    private const string SchemeName = "Floor";
    private static readonly byte[] Healthy = """{"status":"ok"}"""u8.ToArray();

    // Latchkey's answer for the load harness's account, byte for byte in size.
    private const string UserId = "019af0a2-5c1e-7d3b-9a4f-2b6c8d0e1f3a";
    private static readonly byte[] Me = Encoding.UTF8.GetBytes($$"""{"id":"{{UserId}}","email":"load-0@bench.test","authMethod":"session"}""");

    /// <summary>Builds the app on the same host builder as Latchkey's server, without the <c>Server</c> header as there.</summary>
    public static WebApplication Build(string[] args)
    {
        // Settings (appsettings.json: ASP.NET Core's own logs at Warning, as Latchkey's server has them) from beside
        // the program, wherever bench/load starts it from; without them every request would be logged.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddAuthorization();
        builder.Services.AddTransient<FloorHandler>();
        builder.Services.AddAuthentication(options =>
        {
            options.DefaultScheme = SchemeName;
            options.AddScheme<FloorHandler>(SchemeName, null);
        });

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", (HttpContext context) => WriteAsync(context, Healthy)).ShortCircuit();
        app.MapGet("/api/me", (HttpContext context) => WriteAsync(context, Me)).RequireAuthorization();
        return app;
    }

    // As Latchkey's JsonAnswer writes: in one piece with its length, flushed once, synchronous when the flush is.
    private static Task WriteAsync(HttpContext context, byte[] body)
    {
        var response = context.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
        var flushed = response.BodyWriter.FlushAsync(context.RequestAborted);
        return flushed.IsCompletedSuccessfully ? Task.CompletedTask : flushed.AsTask();
    }

    // The least a handler can be: no base class (no logger, options or events per request), nothing to look up.
    private sealed class FloorHandler : IAuthenticationHandler
    {
        private static readonly Task<AuthenticateResult> NoResult = Task.FromResult(AuthenticateResult.NoResult());
        private HttpContext _context = null!;

        public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
        {
            _context = context;
            return Task.CompletedTask;
        }

        public Task<AuthenticateResult> AuthenticateAsync()
        {
            if (string.IsNullOrEmpty(_context.Request.Cookies[CookieName]))
            {
                return NoResult;
            }

            var identity = new ClaimsIdentity(SchemeName, "sub", null);
            identity.AddClaim(new Claim("sub", UserId));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }

        public Task ChallengeAsync(AuthenticationProperties? properties)
        {
            _context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        public Task ForbidAsync(AuthenticationProperties? properties)
        {
            _context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
    }
}
