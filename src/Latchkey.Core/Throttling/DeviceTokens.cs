using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Security;
using Microsoft.Extensions.Options;

namespace Latchkey.Throttling;

/// <summary>
/// Device tokens (OWASP's "device cookie"): after a successful login the client gets one, bound to the
/// account; a later login for that account that presents it is throttled by that device's own failures
/// only. A token is <c>lk_dt_</c> + base64url(version, 128-bit random device id, expiry, account id,
/// HMAC-SHA256 of all of these) under a key derived from the master secret, so every node that shares the
/// secret accepts it and nothing needs storing. It is not a credential: it grants no access, only keeps
/// the counters others drove up from applying to its device.
/// </summary>
public sealed class DeviceTokens
{
    /// <summary>The prefix of every device token, so that secret scanners recognise one.</summary>
    public const string Prefix = "lk_dt_";

    private const byte Version = 1;
    private const int DeviceIdSize = 16;
    private const int HeaderSize = 1 + DeviceIdSize + sizeof(long);
    private const int MacSize = HMACSHA256.HashSizeInBytes;
    private const int MaxAccountIdBytes = 128;

    // Longer than any token this class makes; anything longer is refused before it is decoded.
    private static readonly int MaxTokenLength = Prefix.Length + Base64Url.GetEncodedLength(HeaderSize + MaxAccountIdBytes + MacSize);

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly IOptions<ThrottlingOptions> _options;

    /// <summary>Creates the issuer and checker with a key derived from <paramref name="secret"/>.</summary>
    public DeviceTokens(MasterSecret secret, TimeProvider time, IOptions<ThrottlingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = secret.DeriveKey("device-token/v1");
        _time = time;
        _options = options;
    }

    /// <summary>
    /// Issues a token for <paramref name="accountId"/>, valid for <see cref="ThrottlingOptions.DeviceTokenLifetime"/>:
    /// for the device <paramref name="deviceId"/> when the login presented its token, else for a new device.
    /// </summary>
    public IssuedDeviceToken Issue(string accountId, string? deviceId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        var accountBytes = Encoding.UTF8.GetBytes(accountId);
        if (accountBytes.Length > MaxAccountIdBytes)
        {
            throw new ArgumentException("The account id is too long for a device token.", nameof(accountId));
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().Add(_options.Value.DeviceTokenLifetime).ToUnixTimeSeconds());
        var payload = new byte[HeaderSize + accountBytes.Length + MacSize];
        payload[0] = Version;
        var id = payload.AsSpan(1, DeviceIdSize);
        if (deviceId is null || Base64Url.GetMaxDecodedLength(deviceId.Length) != DeviceIdSize || !Base64Url.IsValid(deviceId)
            || !Base64Url.TryDecodeFromChars(deviceId, id, out var written) || written != DeviceIdSize)
        {
            RandomNumberGenerator.Fill(id);
        }

        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1 + DeviceIdSize), expiresAt.ToUnixTimeSeconds());
        accountBytes.CopyTo(payload.AsSpan(HeaderSize));
        var signed = payload.Length - MacSize;
        HMACSHA256.HashData(_key, payload.AsSpan(0, signed), payload.AsSpan(signed));
        return new IssuedDeviceToken(Prefix + Base64Url.EncodeToString(payload), Base64Url.EncodeToString(id), expiresAt);
    }

    /// <summary>
    /// Checks a presented token: its signature (in constant time), its version and its expiry. The account
    /// it is bound to is for the caller to compare with the account the attempt names.
    /// </summary>
    public DeviceTokenCheck Check(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return DeviceTokenCheck.None;
        }

        if (token.Length > MaxTokenLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return DeviceTokenCheck.Invalid;
        }

        var encoded = token.AsSpan(Prefix.Length);
        Span<byte> payload = stackalloc byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        // TryDecodeFromChars throws on characters outside the alphabet, so those are refused first.
        if (!Base64Url.IsValid(encoded) || !Base64Url.TryDecodeFromChars(encoded, payload, out var length) || length < HeaderSize + 1 + MacSize)
        {
            return DeviceTokenCheck.Invalid;
        }

        payload = payload[..length];
        var signed = length - MacSize;
        Span<byte> mac = stackalloc byte[MacSize];
        HMACSHA256.HashData(_key, payload[..signed], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, payload[signed..]) || payload[0] != Version)
        {
            return DeviceTokenCheck.Invalid;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(
            BinaryPrimitives.ReadInt64BigEndian(payload[(1 + DeviceIdSize)..]), 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        var deviceId = Base64Url.EncodeToString(payload.Slice(1, DeviceIdSize));
        var accountId = Encoding.UTF8.GetString(payload[HeaderSize..signed]);
        var status = expiresAt <= _time.GetUtcNow() ? DeviceTokenStatus.Expired : DeviceTokenStatus.Valid;
        return new DeviceTokenCheck(status, deviceId, accountId);
    }
}

/// <summary>A device token just issued.</summary>
/// <param name="Token">The token to hand to the client; a secret of the device, never logged.</param>
/// <param name="DeviceId">The device's id, which names its throttling counter.</param>
/// <param name="ExpiresAt">When the token stops being accepted.</param>
public sealed record IssuedDeviceToken(string Token, string DeviceId, DateTimeOffset ExpiresAt);

/// <summary>What a presented device token turned out to be.</summary>
public enum DeviceTokenStatus
{
    /// <summary>No token was presented.</summary>
    None,

    /// <summary>Malformed, signed under another key, or altered.</summary>
    Invalid,

    /// <summary>Genuine but past its expiry.</summary>
    Expired,

    /// <summary>Genuine and unexpired; it counts for the account it names.</summary>
    Valid,
}

/// <summary>The result of checking a device token.</summary>
/// <param name="Status">What the token turned out to be.</param>
/// <param name="DeviceId">The device id, for a genuine token.</param>
/// <param name="AccountId">The account the token is bound to, for a genuine token.</param>
public readonly record struct DeviceTokenCheck(DeviceTokenStatus Status, string? DeviceId, string? AccountId)
{
    /// <summary>No token presented.</summary>
    public static DeviceTokenCheck None => default;

    /// <summary>A token that is not genuine.</summary>
    public static DeviceTokenCheck Invalid => new(DeviceTokenStatus.Invalid, null, null);

    /// <summary>Whether the token is genuine and unexpired for the account <paramref name="accountId"/>.</summary>
    public bool IsValidFor(string? accountId) =>
        Status == DeviceTokenStatus.Valid && accountId is not null && string.Equals(AccountId, accountId, StringComparison.Ordinal);
}
