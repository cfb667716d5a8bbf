using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Text;
using Latchkey.Sessions;

namespace Latchkey.Stores.Redis;

/// <summary>
/// The compact binary form of a session in Redis, so that one session costs at most 300 bytes
/// (<c>MEMORY USAGE</c>) with a browser's user agent. The key holds the id hash, which is therefore not
/// repeated in the value.
/// </summary>
/// <remarks>
/// <para>Version 2 (written whenever it applies): version, public id (16 raw bytes), creation time (Unix
/// ms), then as varints the last activity after creation, the idle expiry after the last activity and
/// the absolute expiry after creation; the user id as 16 raw bytes when it is a GUID (marker 0xFF) or
/// else length-prefixed UTF-8; the address as 4 or 16 raw bytes (markers 0xFE, 0xFD) or length-prefixed
/// text; the user agent with a varint length.</para>
/// <para>Version 1 (still read, and written for a session version 2 cannot express): version, public
/// id, four times (Unix ms), then length-prefixed user id, address and user agent.</para>
/// <para>Versions 3 and 4 are versions 2 and 1 followed by one byte: how the user authenticated
/// (<see cref="AuthenticationMethods"/>). They are what is written; versions 1 and 2 are read as a password sign-in.</para>
/// <para>Redis allocates in size classes (…, 192, 224, 256 bytes): a version 1 record with a
/// 125-character user agent took 223 bytes, 344 in all; version 2 takes 181, 280 in all.</para>
/// </remarks>
internal static class SessionRecord
{
    private const byte Version1 = 1;
    private const byte Version2 = 2;
    private const byte Version3 = 3;
    private const byte Version4 = 4;
    private const byte GuidUserId = 0xFF;
    private const byte IPv4Address = 0xFE;
    private const byte IPv6Address = 0xFD;
    private const int LongestText = 0xFC;

    public static byte[] Encode(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var publicId = Base64Url.DecodeFromChars(session.PublicId);
        if (publicId.Length != 16)
        {
            throw new ArgumentException("The session does not fit the Redis record format.", nameof(session));
        }

        // The methods byte trails the older layouts, so that their readers stay as they were.
        return EncodeCompact(session, publicId) is { } compact
            ? WithMethods(compact, Version3, session.Methods)
            : WithMethods(EncodePlain(session, publicId), Version4, session.Methods);
    }

    public static Session? Decode(byte[] idHash, ReadOnlySpan<byte> data) => data.IsEmpty ? null : data[0] switch
    {
        Version1 => DecodePlain(idHash, data),
        Version2 => DecodeCompact(idHash, data),
        Version3 when data.Length > 1 => DecodeCompact(idHash, data[..^1]) is { } session ? session with { Methods = (AuthenticationMethods)data[^1] } : null,
        Version4 when data.Length > 1 => DecodePlain(idHash, data[..^1]) is { } session ? session with { Methods = (AuthenticationMethods)data[^1] } : null,
        _ => null,
    };

    private static byte[] WithMethods(byte[] record, byte version, AuthenticationMethods methods)
    {
        var result = new byte[record.Length + 1];
        record.CopyTo(result, 0);
        result[0] = version;
        result[^1] = (byte)methods;
        return result;
    }

    private static byte[]? EncodeCompact(Session session, byte[] publicId)
    {
        var created = session.CreatedAt.ToUnixTimeMilliseconds();
        var seen = session.LastSeenAt.ToUnixTimeMilliseconds();
        var idle = session.IdleExpiresAt.ToUnixTimeMilliseconds();
        var absolute = session.AbsoluteExpiresAt.ToUnixTimeMilliseconds();
        if (seen < created || idle < seen || absolute < created)
        {
            return null;
        }

        var user = Guid.TryParseExact(session.UserId, "D", out var userGuid) && userGuid.ToString("D") == session.UserId ? null : Encoding.UTF8.GetBytes(session.UserId);
        var address = RawAddress(session.IpAddress);
        var ip = address is null ? Encoding.UTF8.GetBytes(session.IpAddress ?? string.Empty) : null;
        var agent = Encoding.UTF8.GetBytes(session.UserAgent ?? string.Empty);
        if (user?.Length > LongestText || ip?.Length > LongestText)
        {
            return null;
        }

        var buffer = new byte[1 + 16 + 8 + (3 * 10) + 1 + (user?.Length ?? 16) + 1 + (address?.Length ?? ip!.Length) + 5 + agent.Length];
        var span = buffer.AsSpan();
        span[0] = Version2;
        publicId.CopyTo(span[1..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[17..], created);
        var offset = 25;
        offset += WriteVarint(span[offset..], (ulong)(seen - created));
        offset += WriteVarint(span[offset..], (ulong)(idle - seen));
        offset += WriteVarint(span[offset..], (ulong)(absolute - created));
        if (user is null)
        {
            span[offset++] = GuidUserId;
            userGuid.TryWriteBytes(span[offset..], bigEndian: true, out _);
            offset += 16;
        }
        else
        {
            span[offset++] = (byte)user.Length;
            user.CopyTo(span[offset..]);
            offset += user.Length;
        }

        if (address is not null)
        {
            span[offset++] = address.Length == 4 ? IPv4Address : IPv6Address;
            address.CopyTo(span[offset..]);
            offset += address.Length;
        }
        else
        {
            span[offset++] = (byte)ip!.Length;
            ip.CopyTo(span[offset..]);
            offset += ip.Length;
        }

        offset += WriteVarint(span[offset..], (ulong)agent.Length);
        agent.CopyTo(span[offset..]);
        return buffer[..(offset + agent.Length)];
    }

    private static Session? DecodeCompact(byte[] idHash, ReadOnlySpan<byte> data)
    {
        if (data.Length < 25)
        {
            return null;
        }

        var publicId = Base64Url.EncodeToString(data.Slice(1, 16));
        var created = BinaryPrimitives.ReadInt64LittleEndian(data[17..]);
        var rest = data[25..];
        if (!TryReadVarint(ref rest, out var seenAfter) || !TryReadVarint(ref rest, out var idleAfter) || !TryReadVarint(ref rest, out var absoluteAfter)
            || !TryReadUserId(ref rest, out var user) || !TryReadAddress(ref rest, out var ip)
            || !TryReadVarint(ref rest, out var agentLength) || (ulong)rest.Length != agentLength)
        {
            return null;
        }

        var seen = created + (long)seenAfter;
        return new Session(
            idHash,
            publicId,
            user!,
            DateTimeOffset.FromUnixTimeMilliseconds(created),
            DateTimeOffset.FromUnixTimeMilliseconds(seen),
            DateTimeOffset.FromUnixTimeMilliseconds(seen + (long)idleAfter),
            DateTimeOffset.FromUnixTimeMilliseconds(created + (long)absoluteAfter),
            agentLength == 0 ? null : Encoding.UTF8.GetString(rest),
            ip);
    }

    private static byte[] EncodePlain(Session session, byte[] publicId)
    {
        var user = Encoding.UTF8.GetBytes(session.UserId);
        var ip = Encoding.UTF8.GetBytes(session.IpAddress ?? string.Empty);
        var agent = Encoding.UTF8.GetBytes(session.UserAgent ?? string.Empty);
        if (user.Length > 255 || ip.Length > 255 || agent.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The session does not fit the Redis record format.", nameof(session));
        }

        var buffer = new byte[1 + 16 + 32 + 1 + user.Length + 1 + ip.Length + 2 + agent.Length];
        var span = buffer.AsSpan();
        span[0] = Version1;
        publicId.CopyTo(span[1..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[17..], session.CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[25..], session.LastSeenAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[33..], session.IdleExpiresAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(span[41..], session.AbsoluteExpiresAt.ToUnixTimeMilliseconds());
        var offset = 49;
        span[offset++] = (byte)user.Length;
        user.CopyTo(span[offset..]);
        offset += user.Length;
        span[offset++] = (byte)ip.Length;
        ip.CopyTo(span[offset..]);
        offset += ip.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(span[offset..], (ushort)agent.Length);
        agent.CopyTo(span[(offset + 2)..]);
        return buffer;
    }

    private static Session? DecodePlain(byte[] idHash, ReadOnlySpan<byte> data)
    {
        if (data.Length < 52)
        {
            return null;
        }

        var publicId = Base64Url.EncodeToString(data.Slice(1, 16));
        var created = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(data[17..]));
        var seen = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(data[25..]));
        var idle = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(data[33..]));
        var absolute = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(data[41..]));
        var offset = 49;
        var userLength = data[offset++];
        var user = Encoding.UTF8.GetString(data.Slice(offset, userLength));
        offset += userLength;
        var ipLength = data[offset++];
        var ip = ipLength == 0 ? null : Encoding.UTF8.GetString(data.Slice(offset, ipLength));
        offset += ipLength;
        var agentLength = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
        var agent = agentLength == 0 ? null : Encoding.UTF8.GetString(data.Slice(offset + 2, agentLength));
        return new Session(idHash, publicId, user, created, seen, idle, absolute, agent, ip);
    }

    // An address is kept as raw bytes only when they give back exactly the same text.
    private static byte[]? RawAddress(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address) || address.ToString() != ip)
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        return new IPAddress(bytes).ToString() == ip ? bytes : null;
    }

    private static bool TryReadUserId(ref ReadOnlySpan<byte> data, out string? user)
    {
        user = null;
        if (data.IsEmpty)
        {
            return false;
        }

        var length = data[0] == GuidUserId ? 16 : data[0];
        if (data.Length < 1 + length)
        {
            return false;
        }

        user = data[0] == GuidUserId ? new Guid(data.Slice(1, 16), bigEndian: true).ToString("D") : Encoding.UTF8.GetString(data.Slice(1, length));
        data = data[(1 + length)..];
        return true;
    }

    private static bool TryReadAddress(ref ReadOnlySpan<byte> data, out string? ip)
    {
        ip = null;
        if (data.IsEmpty)
        {
            return false;
        }

        var length = data[0] switch
        {
            IPv4Address => 4,
            IPv6Address => 16,
            _ => data[0],
        };
        if (data.Length < 1 + length)
        {
            return false;
        }

        var value = data.Slice(1, length);
        ip = data[0] switch
        {
            IPv4Address or IPv6Address => new IPAddress(value).ToString(),
            _ => length == 0 ? null : Encoding.UTF8.GetString(value),
        };
        data = data[(1 + length)..];
        return true;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var written = 0;
        while (value >= 0x80)
        {
            destination[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[written++] = (byte)value;
        return written;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> data, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < data.Length; i++)
        {
            value |= (ulong)(data[i] & 0x7F) << (7 * i);
            if (data[i] < 0x80)
            {
                data = data[(i + 1)..];
                return true;
            }
        }

        return false;
    }
}
