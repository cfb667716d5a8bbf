using System.Net;
using System.Net.Sockets;

namespace Latchkey.Throttling;

/// <summary>The two counters a credential attempt is charged to.</summary>
/// <param name="Subject">The subject key: an account (normalized email) or a service client (client id).</param>
/// <param name="Address">The client address key (IPv6 folded to its /64), or <see langword="null"/>.</param>
public readonly record struct ThrottleKeys(string Subject, string? Address)
{
    private const string AccountPrefix = "a:";
    private const string ClientPrefix = "c:";

    /// <summary>Keys for an account attempt (login, password grant, password change, sign-up).</summary>
    public static ThrottleKeys For(string normalizedEmail, IPAddress? address) => new(AccountPrefix + normalizedEmail, AddressKey(address));

    /// <summary>Keys for a service client's authentication.</summary>
    public static ThrottleKeys ForClient(string clientId, IPAddress? address) => new(ClientPrefix + clientId, AddressKey(address));

    /// <summary>What a key of these counts.</summary>
    public static ThrottleKeyKind KindOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(AccountPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.Account
            : key.StartsWith(ClientPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.Client
            : ThrottleKeyKind.Address;
    }

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
