using System.Collections.Frozen;
using System.Reflection;

namespace Latchkey.Samples.Spa;

/// <summary>
/// Serves a single-page application: three static files and its configuration. Everything that concerns Latchkey
/// happens in the browser (wwwroot/app.js): the authorization code flow with PKCE as a public client, the ID token
/// checked with WebCrypto against the JWKS, userinfo, refresh, and RP-initiated logout, tokens kept in memory only.
/// </summary>
public static class SpaApp
{
    private static readonly FrozenDictionary<string, (string ContentType, byte[] Content)> Files = LoadFiles();

    /// <summary>Builds the application; <c>Program</c> runs it, tests start it on a port of their choice.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:5200 --Spa:Authority=http://127.0.0.1:5080</c>.</param>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Configuration.GetSection(SpaOptions.Section).Get<SpaOptions>() ?? new SpaOptions();
        var app = builder.Build();

        // The page may talk to itself and to Latchkey, and to nothing else; no inline script or style.
        var authority = new Uri(settings.Authority).GetLeftPart(UriPartial.Authority);
        var policy = $"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' {authority}; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        app.Use((context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = policy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });

        // The page is also the redirect URI and the post-logout redirect URI: the root, whatever its query.
        app.MapGet("/", () => File("index.html"));
        app.MapGet("/app.js", () => File("app.js"));
        app.MapGet("/app.css", () => File("app.css"));
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapGet("/config.json", () => Results.Json(new { authority = settings.Authority, clientId = settings.ClientId, scopes = settings.Scopes }));
        return app;
    }

    private static IResult File(string name) => Results.Bytes(Files[name].Content, Files[name].ContentType);

    private static FrozenDictionary<string, (string, byte[])> LoadFiles()
    {
        var assembly = typeof(SpaApp).Assembly;
        return new[] { ("index.html", "text/html; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8") }
            .ToFrozenDictionary(f => f.Item1, f => (f.Item2, Read(assembly, "Spa." + f.Item1)));
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"{resource} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
