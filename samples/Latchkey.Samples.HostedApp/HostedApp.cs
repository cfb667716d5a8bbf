using System.Security.Claims;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Csrf;

namespace Latchkey.Samples.HostedApp;

/// <summary>
/// A notes application that existed before it had sign-in: its own home page, its own API under
/// <c>/api/notes</c>, its own error page. Latchkey is added with three calls (<c>AddLatchkey</c>,
/// <c>UseLatchkey</c>, <c>MapLatchkey</c> under <c>/auth</c>) and protects the notes API with the
/// browser's session cookie or a bearer token, while everything else stays the application's.
/// </summary>
public static class HostedApp
{
    /// <summary>Where Latchkey's endpoints live: <c>/auth/api/session</c>, <c>/auth/oauth/token</c>, …</summary>
    public const string LatchkeyPrefix = "/auth";

    /// <summary>Builds the application; <c>Program</c> runs it, tests start it on a free port.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:5100 --Latchkey:DataDirectory=./data</c>.</param>
    /// <param name="configure">An optional hook to adjust the builder, used by tests.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Latchkey's settings come from the "Latchkey" section as in the server; SQLite in the data directory.
        builder.Services.AddLatchkey(builder.Configuration).UseSqlite();
        builder.Services.AddSingleton<NoteBook>();
        configure?.Invoke(builder);

        var app = builder.Build();

        // The application's own error handling, which Latchkey leaves alone: an HTML page for its failures
        // and its missing pages. Latchkey's endpoints still answer problem details.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = context => Pages.WriteAsync(context, Pages.Error) });
        app.UseStatusCodePages(context => Pages.WriteAsync(context.HttpContext, Pages.Status(context.HttpContext.Response.StatusCode)));
        app.UseLatchkey();

        app.MapGet("/", () => Results.Content(Pages.Home, "text/html"));
        app.MapGet("/about", () => Results.Content(Pages.About, "text/html"));

        // The application's API, for the signed-in user: a session cookie (browsers) or a bearer token
        // from Latchkey's token endpoint (scripts, apps). Writes with a cookie need Latchkey's CSRF token.
        var notes = app.MapGroup("/api/notes").RequireAuthorization();
        notes.MapGet("/", (ClaimsPrincipal user, NoteBook book) => book.Of(UserId(user)));
        notes.MapPost("/", (ClaimsPrincipal user, NoteBook book, NewNote note) =>
                string.IsNullOrWhiteSpace(note.Text) || note.Text.Length > 1000
                    ? Results.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["A note has 1 to 1000 characters."] })
                    : Results.Created("/api/notes", book.Add(UserId(user), note.Text)))
            .AddEndpointFilter<CsrfTokenFilter>();

        // A page that fails, to show that the application's own exception handler still answers.
        app.MapGet("/reports/broken", IResult () => throw new InvalidOperationException("The report generator is down."));

        app.MapGroup(LatchkeyPrefix).MapLatchkey();
        return app;
    }

    private static string UserId(ClaimsPrincipal user) => user.FindFirstValue(LatchkeyDefaults.SubjectClaim)!;
}
