using System.Net;

namespace Latchkey.AspNetCore.Http;

/// <summary>
/// Where requests come from (configuration section <c>Latchkey:Network</c>). The client address that
/// throttling, session records and logs use is the TCP peer, unless that peer is a trusted proxy: then
/// it is the address the proxy reports in <c>X-Forwarded-For</c>, and the scheme the one it reports in
/// <c>X-Forwarded-Proto</c>.
/// </summary>
public sealed class NetworkOptions
{
    /// <summary>The configuration section, under <c>Latchkey</c>.</summary>
    public const string SectionName = "Network";

    /// <summary>
    /// Proxies whose forwarded headers are believed: IP addresses (<c>10.0.0.5</c>) or CIDR ranges
    /// (<c>10.0.0.0/8</c>, <c>fd00::/8</c>). Forwarded headers from any other peer are ignored.
    /// </summary>
    /// <value>The default value is empty: nobody is trusted and forwarded headers are never read.</value>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>Reads one entry of <see cref="TrustedProxies"/>: an address (a network of one) or a CIDR range.</summary>
    public static bool TryParseProxy(string? value, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        if (value.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(value, out network);
        }

        if (!IPAddress.TryParse(value, out var address))
        {
            return false;
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
