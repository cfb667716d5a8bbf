using System.Net;
using Latchkey.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Latchkey.Server.Telemetry;

/// <summary>
/// Exports Latchkey's meter and spans (<see cref="LatchkeyTelemetry"/>) with OpenTelemetry: over OTLP when an endpoint
/// is configured, and on a Prometheus scrape endpoint when it is enabled. With neither, nothing is exported and the
/// instruments cost next to nothing (nobody listens).
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>The service name in the exported resource.</summary>
    public const string ServiceName = "latchkey";

    /// <summary>Registers the options and, when something is to be exported, OpenTelemetry.</summary>
    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().Bind(builder.Configuration.GetSection(TelemetryOptions.Section)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        // Read here, before the options are validated: a malformed endpoint exports nothing and fails the start check.
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        var endpoint = Uri.TryCreate(section["Otlp:Endpoint"], UriKind.Absolute, out var configured) ? configured : null;
        var otlp = endpoint is not null || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var prometheus = section.GetValue("Prometheus:Enabled", false);
        if (!otlp && !prometheus)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: LatchkeyTelemetry.Version));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(LatchkeyTelemetry.MeterName).AddAspNetCoreInstrumentation();
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp)
            {
                metrics.AddOtlpExporter(o => SetEndpoint(o, endpoint));
            }
        });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(LatchkeyTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(o => SetEndpoint(o, endpoint)));
        }
    }

    /// <summary>
    /// Serves the Prometheus scrape endpoint when enabled, ahead of Latchkey's middleware; a request to its path from
    /// outside <see cref="PrometheusTelemetryOptions.AllowedNetworks"/> goes on down the pipeline, to a 404.
    /// </summary>
    public static void UseScrapeEndpoint(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus;
        if (!options.Enabled)
        {
            return;
        }

        var path = new PathString(options.Path);
        var networks = new List<IPNetwork>();
        foreach (var text in options.AllowedNetworks)
        {
            if (TelemetryOptionsValidator.TryParseNetwork(text, out var network))
            {
                networks.Add(network);
            }
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase) && IsAllowed(networks, context.Connection.RemoteIpAddress));
    }

    private static bool IsAllowed(List<IPNetwork> networks, IPAddress? address)
    {
        if (networks.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static void SetEndpoint(OpenTelemetry.Exporter.OtlpExporterOptions options, Uri? endpoint)
    {
        if (endpoint is not null)
        {
            options.Endpoint = endpoint;
        }
    }
}
