using System.Globalization;

namespace Latchkey.Samples.HostedApp;

/// <summary>The application's own pages.</summary>
internal static class Pages
{
    public const string Home = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Notes</title></head>
        <body><h1>Notes</h1><p>Sign in at <a href="/auth/signin">/auth/signin</a>, then read your notes at /api/notes.</p></body></html>
        """;

    public const string About = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>About</title></head>
        <body><h1>About Notes</h1><p>An application that hosts Latchkey under /auth.</p></body></html>
        """;

    public const string Error = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head>
        <body><h1>Something went wrong</h1><p>Notes could not answer this request.</p></body></html>
        """;

    public static string Status(int status) => string.Create(CultureInfo.InvariantCulture, $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{status}</title></head>
        <body><h1>Notes: {status}</h1></body></html>
        """);

    public static Task WriteAsync(HttpContext context, string page)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(page);
    }
}
