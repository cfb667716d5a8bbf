using System.Net;
using System.Net.Sockets;

namespace Latchkey.Throttling;

/// <summary>The two counters a credential attempt is charged to.</summary>
/// <param name="Account">The account key, from the normalized email or client id.</param>
/// <param name="Address">The client address key (IPv6 folded to its /64), or <see langword="null"/>.</param>
public readonly record struct ThrottleKeys(string Account, string? Address)
{
    /// <summary>Builds keys from an account name and a client address.</summary>
    public static ThrottleKeys For(string account, IPAddress? address) => new("a:" + account, AddressKey(address));

    /// <summary>IPv4 addresses count one by one; IPv6 by /64, the usual size of one subscriber's network.</summary>
    public static string? AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return "ip6:" + new IPAddress(bytes) + "/64";
    }
}
