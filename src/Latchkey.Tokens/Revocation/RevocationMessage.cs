using System.Globalization;

namespace Latchkey.Revocation;

/// <summary>
/// The wire form of a revocation entry between nodes: <c>kind|generation|expiresAtMs|id</c>. The id is
/// a token id, a session's public id or an account id, never a secret.
/// </summary>
public static class RevocationMessage
{
    /// <summary>Encodes an entry.</summary>
    public static string Format(RevocationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Create(CultureInfo.InvariantCulture, $"{(int)entry.Kind}|{entry.Generation}|{entry.ExpiresAt.ToUnixTimeMilliseconds()}|{entry.Id}");
    }

    /// <summary>Decodes an entry; anything malformed is refused.</summary>
    public static bool TryParse(string? message, out RevocationEntry? entry)
    {
        entry = null;
        if (message is null || message.Length > 512)
        {
            return false;
        }

        var parts = message.Split('|', 4);
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kind)
            || !Enum.IsDefined((RevocationKind)kind)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || parts[3].Length == 0)
        {
            return false;
        }

        entry = new RevocationEntry((RevocationKind)kind, parts[3], generation, DateTimeOffset.FromUnixTimeMilliseconds(expires));
        return true;
    }
}
