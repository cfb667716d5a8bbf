using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// Someone else's ASP.NET Core application on Kestrel at 127.0.0.1 with Latchkey inside it: its own
/// exception handler (plain text "host error"), status-code pages ("host status N"), home page and a
/// failing route, with Latchkey mapped under <see cref="Prefix"/>. Its log is scanned for secrets on disposal.
/// </summary>
internal sealed class HostApp : IAsyncDisposable
{
    private HostApp(WebApplication app, Uri root, string prefix, string dataDirectory, LogCapture logs, SecretWatch secrets)
    {
        App = app;
        Root = root;
        Prefix = prefix;
        DataDirectory = dataDirectory;
        Logs = logs;
        Secrets = secrets;
    }

    public WebApplication App { get; }

    /// <summary>The application's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Root { get; }

    /// <summary>Where Latchkey is mapped, e.g. <c>/auth/v1</c>.</summary>
    public string Prefix { get; }

    public string Origin => Root.GetLeftPart(UriPartial.Authority);

    public string DataDirectory { get; }

    public LogCapture Logs { get; }

    public SecretWatch Secrets { get; }

    /// <summary>Starts the application; <paramref name="configure"/> adjusts Latchkey's registration.</summary>
    public static async Task<HostApp> StartAsync(string prefix, Action<LatchkeyBuilder>? configure = null)
    {
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        var logs = new LogCapture();
        var secrets = new SecretWatch();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
        builder.Services.AddSingleton<IStartupFilter>(new SecretRecordingStartupFilter(secrets));

        var latchkey = builder.Services.AddLatchkey(o => o.DataDirectory = dataDirectory).UseSqlite();
        builder.Services.Configure<Latchkey.Passwords.PasswordHashingOptions>(o =>
        {
            o.MemorySizeKiB = 1024;
            o.Iterations = 1;
        });
        configure?.Invoke(latchkey);

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("host error");
            },
        });
        app.UseStatusCodePages("text/plain", "host status {0}");
        app.UseLatchkey();
        app.MapGet("/", () => Results.Text("host home"));
        app.MapGet("/boom", IResult () => throw new InvalidOperationException("The host's own failure."));
        app.MapGet("/mine", () => Results.Text("host api")).RequireAuthorization();
        app.MapGet("/claims", (System.Security.Claims.ClaimsPrincipal user) => Results.Json(user.Claims.Select(c => new[] { c.Type, c.Value })))
            .RequireAuthorization();
        app.MapPost("/mine", () => Results.Text("host post"));
        app.MapGroup(prefix).MapLatchkey();

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HostApp(app, new Uri(address + "/"), prefix, dataDirectory, logs, secrets);
    }

    /// <summary>A client whose relative paths resolve under Latchkey's prefix (<c>api/session</c>).</summary>
    public LatchkeyTestClient CreateLatchkeyClient() => new(new Uri(Root, Prefix.Trim('/') + "/"), Secrets);

    /// <summary>The claims the host's own <c>GET /claims</c> sees for the client's session or bearer token, or null on a refusal.</summary>
    public async Task<ILookup<string, string>?> ClaimsAsync(LatchkeyTestClient client, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Root, "claims"));
        using var response = await client.SendAsync(request, csrf: false, bearer: bearer, cookie: bearer is null);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var pairs = await response.ReadJsonArrayAsync();
        return pairs.Select(p => (Type: p![0]!.GetValue<string>(), Value: p[1]!.GetValue<string>())).ToLookup(p => p.Type, p => p.Value);
    }

    /// <summary>A client whose relative paths resolve at the application's root.</summary>
    public HttpClient CreateRootClient() => new() { BaseAddress = Root };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is cleaned up eventually.
        }

        Secrets.Scan(Logs.Entries).ThrowIfLeaked();
    }
}
