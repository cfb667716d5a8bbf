using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;

namespace Latchkey.Reference;

/// <summary>
/// Latchkey's <c>/healthz</c>, <c>/api/me</c>, <c>POST /api/accounts</c> and <c>POST /api/session</c>
/// built the stock way, as a team would write them from the ASP.NET Core docs: JwtBearer pointed at
/// Latchkey as its authority (so the same ES256 tokens validate on both), cookie authentication with a
/// Data Protection ticket, and a policy scheme that picks one by the <c>Authorization</c> header.
/// </summary>
public static class ReferenceApp
{
    private const string CookieOrBearer = "CookieOrBearer";

    /// <summary>Builds the app. Settings: <c>Reference:Authority</c> (Latchkey's issuer URL, required) and <c>Reference:DataDirectory</c> (Data Protection keys).</summary>
    public static WebApplication Build(string[] args)
    {
        // Settings (appsettings.json: ASP.NET Core's own logs at Warning, as Latchkey's server has them) from beside
        // the program, wherever bench/load starts it from; without them every request would be logged.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var authority = builder.Configuration["Reference:Authority"]
            ?? throw new InvalidOperationException("Reference:Authority must name the Latchkey server whose tokens this app accepts.");
        if (builder.Configuration["Reference:DataDirectory"] is { } keys)
        {
            builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(CookieOrBearer)
            .AddCookie(options =>
            {
                options.Cookie.Name = "reference_session";
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            })
            .AddJwtBearer(options =>
            {
                options.Authority = authority;
                options.Audience = authority;
                options.RequireHttpsMetadata = false;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.ValidTypes = ["at+jwt"];
            })
            .AddPolicyScheme(CookieOrBearer, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/healthz", () => Results.Ok(new HealthResponse("ok")));
        app.MapPost("/api/accounts", (Credentials body, UserDirectory users) =>
            users.TryAdd(body.Email, body.Password, out var user)
                ? Results.Created($"/api/accounts/{user.Id}", new UserResponse(user.Id, user.Email))
                : Results.Conflict());
        app.MapPost("/api/session", async (Credentials body, UserDirectory users, HttpContext context) =>
        {
            if (users.Verify(body.Email, body.Password) is not { } user)
            {
                return Results.Unauthorized();
            }

            var identity = new ClaimsIdentity(
                [new Claim("sub", user.Id), new Claim("email", user.Email)], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Ok(new SessionResponse(new UserResponse(user.Id, user.Email)));
        });
        app.MapGet("/api/me", (ClaimsPrincipal user) => Results.Ok(new MeResponse(
            user.FindFirstValue("sub"),
            user.FindFirstValue("email"),
            user.Identity?.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme ? "session" : "bearer"))).RequireAuthorization();
        return app;
    }

    private sealed record HealthResponse(string Status);

    private sealed record Credentials(string Email, string Password);

    private sealed record UserResponse(string Id, string Email);

    private sealed record SessionResponse(UserResponse User);

    private sealed record MeResponse(string? Id, string? Email, string AuthMethod);
}
