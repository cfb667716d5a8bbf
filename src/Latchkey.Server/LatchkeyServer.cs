using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.OpenApi;
using Latchkey.Server.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Latchkey.Server;

/// <summary>Builds the Latchkey server application; <c>Program</c> runs it, tests start it on a free port.</summary>
public static class LatchkeyServer
{
    /// <summary>The folder of the data directory that holds ASP.NET Core's data-protection keys.</summary>
    public const string DataProtectionFolder = "data-protection-keys";

    /// <summary>
    /// Creates the application from command-line arguments, environment and appsettings.json, with every option
    /// checked: a bad value throws here (<see cref="Microsoft.Extensions.Options.OptionsValidationException"/>).
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:5080 --Latchkey:DataDirectory=./data</c>.</param>
    /// <param name="configure">An optional hook to adjust the builder, used by tests to replace the clock.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Latchkey's bodies are small JSON or forms (Latchkey:MaxRequestBodyBytes, at most 64 KiB):
            // nothing larger is worth receiving.
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));

        // The embedded SQLite store is the default; the scaled-out stores are chosen by connection strings.
        var latchkey = builder.Services.AddLatchkey(builder.Configuration);

        // ASP.NET Core's data-protection key ring (registered with authentication, made at start, used by nothing of
        // Latchkey's own) goes to the data directory instead of ~/.aspnet, so that the server writes nowhere else:
        // a container's read-only root filesystem holds (docs/container.md).
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<LatchkeyOptions>, ILoggerFactory>((keys, options, logging) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(Path.GetFullPath(options.Value.DataDirectory), DataProtectionFolder)), logging));
        var postgreSql = builder.Configuration.GetConnectionString("Latchkey");
        var redis = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(postgreSql))
        {
            latchkey.UsePostgreSql(postgreSql);
        }
        else if (!string.IsNullOrWhiteSpace(redis))
        {
            // Redis holds sessions only while PostgreSQL holds what must last; SQLite is for one node.
            throw new LatchkeyConfigurationException(
                "ConnectionStrings:Redis",
                "ConnectionStrings:Redis needs ConnectionStrings:Latchkey (PostgreSQL): Redis is the fast tier beside PostgreSQL, not a store of its own.");
        }
        else
        {
            latchkey.UseSqlite(sqlite => builder.Configuration.GetSection("Latchkey:Sqlite").Bind(sqlite));
        }

        if (!string.IsNullOrWhiteSpace(redis))
        {
            latchkey.UseRedis(redis);
        }

        // The document of the HTTP API at /openapi/v1.json, on unless Latchkey:OpenApi:Enabled is false (docs/openapi.md).
        var openApi = builder.Configuration.GetValue("Latchkey:OpenApi:Enabled", true);
        if (openApi)
        {
            builder.Services.AddOpenApi(o => o.AddLatchkeyTransformers().AddDocumentTransformer(new OpenApiDocumentShape()));
        }

        // Metrics and traces: OTLP when an endpoint is configured, a Prometheus scrape endpoint when enabled (docs/observability.md).
        ServerTelemetry.Add(builder);

        configure?.Invoke(builder);

        var app = builder.Build();
        StartupChecks.ValidateOptions(app.Services);
        ServerTelemetry.UseScrapeEndpoint(app);
        app.UseLatchkey(o => o.HandleAllErrors = true);
        app.MapLatchkey();
        // The admin API (docs/admin.md): inert until an operator exists (`accounts create <email> --admin`, or a client with the admin scope).
        app.MapLatchkeyAdmin();
        if (openApi)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
        }
        return app;
    }

    /// <summary>
    /// Builds the application and runs it until it is stopped. The options (in <see cref="Build"/>) and the signing
    /// keys are checked before the host starts (<see cref="StartupChecks"/>), so that a problem surfaces as an
    /// exception that <see cref="StartupErrors"/> reports in one line rather than as the host's failed start.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        await StartupChecks.LoadSigningKeysAsync(app.Services, CancellationToken.None);
        await app.RunAsync();
        return 0;
    }
}
