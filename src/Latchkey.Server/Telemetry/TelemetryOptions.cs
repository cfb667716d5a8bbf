namespace Latchkey.Server.Telemetry;

/// <summary>Where the server's metrics and traces go, bound from <c>Latchkey:Telemetry</c> (docs/observability.md).</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Latchkey:Telemetry";

    /// <summary>The OpenTelemetry protocol exporter.</summary>
    public OtlpTelemetryOptions Otlp { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint.</summary>
    public PrometheusTelemetryOptions Prometheus { get; set; } = new();
}

/// <summary>The OpenTelemetry protocol exporter, for metrics and traces.</summary>
public sealed class OtlpTelemetryOptions
{
    /// <summary>
    /// The collector's address, such as <c>http://collector:4317</c>. Unset, the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> applies; with neither, nothing is exported over OTLP.
    /// </summary>
    public Uri? Endpoint { get; set; }
}

/// <summary>The Prometheus scrape endpoint, off unless enabled.</summary>
public sealed class PrometheusTelemetryOptions
{
    /// <summary>Serve the metrics in Prometheus' text format. <remarks>Defaults to false.</remarks></summary>
    public bool Enabled { get; set; }

    /// <summary>The path of the scrape endpoint. <remarks>Defaults to <c>/metrics</c>.</remarks></summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// The networks (CIDR, such as <c>10.0.0.0/8</c>, or single addresses) whose connections may scrape; others get
    /// 404 as for any unknown path. Empty: anyone who reaches the server. <remarks>Defaults to empty.</remarks>
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];
}
