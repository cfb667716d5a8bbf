using System.Net;

namespace Latchkey.Security;

/// <summary>
/// Where a request came from, as the HTTP layer saw it: the TCP peer's address and the
/// <c>User-Agent</c>. Core keeps it with new sessions and names the address in audit events.
/// </summary>
/// <param name="Address">The client's address; no forwarded header is read.</param>
/// <param name="UserAgent">The <c>User-Agent</c> header, if any.</param>
public sealed record RequestOrigin(IPAddress? Address, string? UserAgent)
{
    /// <summary>An action that no request caused (a background task, a command-line tool, a unit test).</summary>
    public static RequestOrigin None { get; } = new(null, null);

    /// <summary>The address as text (IPv4-mapped IPv6 addresses shown as IPv4), or <see langword="null"/>.</summary>
    public string? ClientIp => Address is null ? null : (Address.IsIPv4MappedToIPv6 ? Address.MapToIPv4() : Address).ToString();
}
