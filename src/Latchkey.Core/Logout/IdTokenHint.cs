using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Latchkey.Keys;

namespace Latchkey.Logout;

/// <summary>
/// An <c>id_token_hint</c> (OpenID Connect RP-Initiated Logout 1.0 §2) that this server issued: signed with one of its own
/// keys (the algorithm comes from the key), header <c>typ</c> <c>JWT</c> (never an access or logout token), <c>iss</c>
/// this server, one <c>aud</c>. Expiry is not checked: the spec lets a relying party log out with an expired ID token.
/// </summary>
/// <param name="ClientId">The <c>aud</c>: the client the ID token was issued to.</param>
/// <param name="Subject">The <c>sub</c>: the account.</param>
/// <param name="SessionId">The <c>sid</c>: the browser session's public id, if the token carries one.</param>
public sealed record IdTokenHint(string ClientId, string Subject, string? SessionId)
{
    /// <summary>The longest hint read; ID tokens are well under it.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>Checks <paramref name="token"/> against <paramref name="keys"/> and <paramref name="issuer"/>.</summary>
    /// <returns>The hint, or <see langword="null"/> when it is malformed, forged, foreign or not an ID token.</returns>
    public static IdTokenHint? Validate(string? token, SigningKeyRing keys, string issuer)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (token is null || token.Length > MaxLength)
        {
            return null;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var headerBytes) || !TryDecode(parts[1], out var payloadBytes) || !TryDecode(parts[2], out var signature))
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(headerBytes);
            var h = header.RootElement;
            if (h.ValueKind != JsonValueKind.Object || String(h, "kid") is not { } kid || String(h, "alg") is not { } alg
                || !keys.TryGetKey(kid, out var key) || key is null || !string.Equals(key.Algorithm, alg, StringComparison.Ordinal)
                || String(h, "typ") is not (null or "JWT") || h.TryGetProperty("crit", out _))
            {
                return null;
            }

            if (!key.Verify(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature))
            {
                return null;
            }

            using var payload = JsonDocument.Parse(payloadBytes);
            var p = payload.RootElement;
            if (p.ValueKind != JsonValueKind.Object || !string.Equals(String(p, "iss"), issuer, StringComparison.Ordinal) || String(p, "sub") is not { } sub)
            {
                return null;
            }

            // An ID token has a nonce or an auth_time and never an events claim: a logout token does not pass as a hint.
            if (p.TryGetProperty("events", out _) || !p.TryGetProperty("iat", out _))
            {
                return null;
            }

            var audience = String(p, "aud");
            if (audience is null && p.TryGetProperty("aud", out var array) && array.ValueKind == JsonValueKind.Array && array.GetArrayLength() == 1)
            {
                audience = array[0].ValueKind == JsonValueKind.String ? array[0].GetString() : null;
            }

            return string.IsNullOrEmpty(audience) ? null : new IdTokenHint(audience, sub, String(p, "sid"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || !Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
