using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Latchkey.Sessions;

namespace Latchkey.Stores.Redis;

/// <summary>
/// The compact binary form of a session in Redis, so that one session costs well under 300 bytes:
/// version, public id (16 raw bytes), four times (Unix ms), then length-prefixed user id, address and
/// user agent. The key holds the id hash, which is therefore not repeated in the value.
/// </summary>
internal static class SessionRecord
{
    private const byte Version = 1;

    public static byte[] Encode(Session session)
    {
        var user = Encoding.UTF8.GetBytes(session.UserId);
        var ip = Encoding.UTF8.GetBytes(session.IpAddress ?? string.Empty);
        var agent = Encoding.UTF8.GetBytes(session.UserAgent ?? string.Empty);
        var publicId = Base64Url.DecodeFromChars(session.PublicId);
        if (publicId.Length != 16 || user.Length > 255 || ip.Length > 255 || agent.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The session does not fit the Redis record format.", nameof(session));
        }

        var buffer = new byte[1 + 16 + 32 + 1 + user.Length + 1 + ip.Length + 2 + agent.Length];
        var span = buffer.AsSpan();
        span[0] = Version;
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

    public static Session? Decode(byte[] idHash, ReadOnlySpan<byte> data)
    {
        if (data.Length < 52 || data[0] != Version)
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

    public static DateTimeOffset LastSeen(ReadOnlySpan<byte> data) =>
        DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(data[25..]));
}
