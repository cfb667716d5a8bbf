using System.Net;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Telemetry;

/// <summary>Checks <see cref="TelemetryOptions"/> at start; each failure names its key (<c>Latchkey:Telemetry:…</c>).</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.Otlp.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add("Latchkey:Telemetry:Otlp:Endpoint must be an absolute http or https address, such as http://collector:4317.");
        }

        var path = options.Prometheus.Path;
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length > 200 || path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal))
        {
            failures.Add("Latchkey:Telemetry:Prometheus:Path must be a path that starts with '/', such as /metrics.");
        }
        else if (path.Equals("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/oauth", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/oauth/", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add("Latchkey:Telemetry:Prometheus:Path must not be under /api or /oauth.");
        }

        for (var i = 0; i < options.Prometheus.AllowedNetworks.Count; i++)
        {
            if (!TryParseNetwork(options.Prometheus.AllowedNetworks[i], out _))
            {
                failures.Add($"Latchkey:Telemetry:Prometheus:AllowedNetworks:{i} must be an address or a network in CIDR notation, such as 10.0.0.0/8.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A network in CIDR notation, or a single address as the network of just that address.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }
}
