using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Csrf;

/// <summary>
/// Decides whether an <c>Origin</c> header names one of the server's own origins or a configured one.
/// The own origins are the issuer's and the addresses the server listens on (a loopback address also
/// stands for <c>localhost</c> and the other loopback names); never the request's Host header.
/// </summary>
public sealed class OriginPolicy
{
    private readonly IOptions<LatchkeyOptions> _options;
    private readonly IServer? _server;
    private FrozenSet<string>? _allowed;

    /// <summary>Creates the policy; the set of origins is built on first use, once the server listens.</summary>
    public OriginPolicy(IOptions<LatchkeyOptions> options, IServer? server = null)
    {
        _options = options;
        _server = server;
    }

    /// <summary>Whether <paramref name="origin"/> (an <c>Origin</c> header value) is allowed.</summary>
    public bool IsAllowed(string? origin)
    {
        if (!TryNormalize(origin, out var normalized))
        {
            // "null", opaque and malformed origins are foreign.
            return false;
        }

        return (_allowed ??= Build()).Contains(normalized);
    }

    /// <summary>Normalizes an origin to <c>scheme://host[:port]</c>, lower case, default port omitted.</summary>
    public static bool TryNormalize(string? origin, out string normalized) => Latchkey.Security.WebOrigin.TryNormalize(origin, out normalized);

    private FrozenSet<string> Build()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var options = _options.Value;
        foreach (var origin in options.AllowedOrigins)
        {
            if (TryNormalize(origin, out var normalized))
            {
                set.Add(normalized);
            }
        }

        if (options.Issuer is { } issuer && Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUri))
        {
            AddWithAliases(set, issuerUri);
        }

        var addresses = _server?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not null)
        {
            foreach (var address in addresses)
            {
                if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
                {
                    AddWithAliases(set, uri);
                }
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }

    private static void AddWithAliases(HashSet<string> set, Uri uri)
    {
        if (TryNormalize(uri.GetLeftPart(UriPartial.Authority), out var normalized))
        {
            set.Add(normalized);
        }

        var host = uri.Host.Trim('[', ']');
        var isLoopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        if (isLoopback)
        {
            foreach (var alias in (string[])["localhost", "127.0.0.1", "[::1]"])
            {
                set.Add(new UriBuilder(uri.Scheme, alias.Trim('[', ']'), uri.Port).Uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant());
            }
        }
    }
}
