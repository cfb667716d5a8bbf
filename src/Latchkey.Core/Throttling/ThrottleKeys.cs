using System.Net;
using System.Net.Sockets;

namespace Latchkey.Throttling;

/// <summary>The counters a credential attempt is charged to.</summary>
/// <param name="Subject">The subject key: an account (normalized email), a service client (client id) or a known device (device id).</param>
/// <param name="Address">The client address key (IPv6 folded to its /64), or <see langword="null"/>.</param>
public readonly record struct ThrottleKeys(string Subject, string? Address)
{
    private const string AccountPrefix = "a:";
    private const string ClientPrefix = "c:";
    private const string DevicePrefix = "d:";
    private const string SignUpPrefix = "su:";
    private const string LinkMailPrefix = "lm:";
    private const string SecondFactorPrefix = "mf:";

    /// <summary>Keys for an account attempt (login, password grant, password change, sign-up).</summary>
    public static ThrottleKeys For(string normalizedEmail, IPAddress? address) => new(AccountPrefix + normalizedEmail, AddressKey(address));

    /// <summary>Keys for a service client's authentication.</summary>
    public static ThrottleKeys ForClient(string clientId, IPAddress? address) => new(ClientPrefix + clientId, AddressKey(address));

    /// <summary>
    /// Keys for a login from a known device: its own counter only, never the account's or the address's,
    /// so failures others drove up there do not hold the device back, and its failures do not add to them.
    /// </summary>
    public static ThrottleKeys ForDevice(string deviceId) => new(DevicePrefix + deviceId, null);

    /// <summary>
    /// Keys for a second-factor attempt (a TOTP or recovery code after the password): the account's own counter, by
    /// id, apart from its password counter, and the address's, so codes cannot be guessed faster than passwords.
    /// </summary>
    public static ThrottleKeys ForSecondFactor(string accountId, IPAddress? address) => new(SecondFactorPrefix + accountId, AddressKey(address));

    /// <summary>
    /// Keys for a passkey sign-in: the account's second-factor counter once the credential names an account, else a
    /// counter of the address alone (an unknown credential names no account to charge).
    /// </summary>
    public static ThrottleKeys ForPasskey(string? accountId, IPAddress? address) =>
        accountId is not null ? ForSecondFactor(accountId, address) : new(SecondFactorPrefix + "?" + (AddressKey(address) ?? "unknown"), AddressKey(address));

    /// <summary>The sign-up rate key of an address, or <see langword="null"/> without one.</summary>
    public static string? SignUpKey(IPAddress? address) => AddressKey(address) is { } key ? SignUpPrefix + key : null;

    /// <summary>
    /// The key that counts emailed links (reset, verification, email change) that one client address has had sent
    /// to one account. By account id, never by email, so that deletion leaves no address behind; and by requester,
    /// so that a stranger who spends their permits for an account does not use up the owner's.
    /// </summary>
    public static string LinkMailKey(string accountId, IPAddress? address) =>
        AddressKey(address) is { } requester ? LinkMailPrefix + accountId + "|" + requester : LinkMailPrefix + accountId;

    /// <summary>What a key of these counts.</summary>
    public static ThrottleKeyKind KindOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(AccountPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.Account
            : key.StartsWith(ClientPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.Client
            : key.StartsWith(DevicePrefix, StringComparison.Ordinal) ? ThrottleKeyKind.Device
            : key.StartsWith(SignUpPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.SignUp
            : key.StartsWith(LinkMailPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.LinkMail
            : key.StartsWith(SecondFactorPrefix, StringComparison.Ordinal) ? ThrottleKeyKind.SecondFactor
            : ThrottleKeyKind.Address;
    }

    /// <summary>The failures a counter of <paramref name="kind"/> allows before delays start.</summary>
    public static int FreeFailuresOf(ThrottleKeyKind kind, ThrottlingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return kind switch
        {
            ThrottleKeyKind.Address => options.FreeFailuresPerAddress,
            ThrottleKeyKind.Device => options.FreeFailuresPerDevice,
            _ => options.FreeFailuresPerAccount,
        };
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
