using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Latchkey.Keys;
using Latchkey.Security;

namespace Latchkey.Logout;

/// <summary>
/// Writes and signs logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4) with the key of the client's ID-token
/// algorithm: header <c>typ</c> <c>logout+jwt</c>; claims <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>exp</c>, <c>jti</c>,
/// <c>sub</c>, <c>sid</c> and the back-channel logout event; never a <c>nonce</c>.
/// </summary>
public sealed class LogoutTokenIssuer
{
    /// <summary>The member of the <c>events</c> claim that makes a JWT a logout token.</summary>
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>The header <c>typ</c> of a logout token.</summary>
    public const string TokenType = "logout+jwt";

    private readonly SigningKeyRing _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer.</summary>
    public LogoutTokenIssuer(SigningKeyRing keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    /// <summary>Issues a logout token for session <paramref name="sessionId"/> of <paramref name="userId"/> to <paramref name="clientId"/>.</summary>
    /// <returns>The compact JWS.</returns>
    public string Issue(string issuer, string clientId, string userId, string sessionId, string algorithm, TimeSpan lifetime)
    {
        var now = _time.GetUtcNow();
        var key = _keys.GetSigningKey(now, algorithm) ?? _keys.GetSigningKey(now);
        var iat = now.ToUnixTimeSeconds();

        var header = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, key.Material.Algorithm);
            writer.WriteString("typ"u8, TokenType);
            writer.WriteString("kid"u8, key.Kid);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("iss"u8, issuer);
            writer.WriteString("aud"u8, clientId);
            writer.WriteNumber("iat"u8, iat);
            writer.WriteNumber("exp"u8, iat + (long)lifetime.TotalSeconds);
            writer.WriteString("jti"u8, RandomTokens.Create(16));
            writer.WriteString("sub"u8, userId);
            writer.WriteString("sid"u8, sessionId);
            writer.WriteStartObject("events"u8);
            writer.WriteStartObject(BackChannelLogoutEvent);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        var signature = new byte[key.Material.SignatureSize];
        var written = key.Material.Sign(Encoding.ASCII.GetBytes(signingInput), signature);
        return signingInput + "." + Base64Url.EncodeToString(signature.AsSpan(0, written));
    }
}
