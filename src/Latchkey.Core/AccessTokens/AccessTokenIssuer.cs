using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Latchkey.Keys;
using Latchkey.Tokens;

namespace Latchkey.AccessTokens;

/// <summary>Writes and signs RFC 9068 access tokens with the key ring's current key.</summary>
public sealed class AccessTokenIssuer
{
    /// <summary>The private claim carrying the subject's token generation (<see cref="AccessTokenClaimNames.Generation"/>).</summary>
    public static ReadOnlySpan<byte> GenerationClaim => "lk_gen"u8;

    // Claims are not embedded in HTML: write '+' and non-ASCII as themselves, as other JOSE libraries do.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SigningKeyRing _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer.</summary>
    public AccessTokenIssuer(SigningKeyRing keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    /// <summary>Issues a token.</summary>
    /// <param name="claims">What the token is about.</param>
    /// <param name="issuer">The <c>iss</c>.</param>
    /// <param name="audience">The <c>aud</c>.</param>
    /// <param name="lifetime">How long it is valid.</param>
    public IssuedAccessToken Issue(AccessTokenClaims claims, string issuer, string audience, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var now = _time.GetUtcNow();
        var key = _keys.GetSigningKey(now);
        var iat = now.ToUnixTimeSeconds();
        var exp = iat + (long)lifetime.TotalSeconds;
        var jti = Security.RandomTokens.Create(16);

        var header = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(header, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, key.Material.Algorithm);
            writer.WriteString("typ"u8, "at+jwt"u8);
            writer.WriteString("kid"u8, key.Kid);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("iss"u8, issuer);
            writer.WriteString("sub"u8, claims.Subject);
            writer.WriteString("aud"u8, audience);
            writer.WriteNumber("exp"u8, exp);
            writer.WriteNumber("iat"u8, iat);
            writer.WriteNumber("nbf"u8, iat);
            writer.WriteString("jti"u8, jti);
            writer.WriteString("client_id"u8, claims.ClientId);
            writer.WriteString("scope"u8, claims.Scope);
            if (claims.SessionId is not null)
            {
                writer.WriteString("sid"u8, claims.SessionId);
            }

            if (claims.Generation != 0)
            {
                writer.WriteNumber(GenerationClaim, claims.Generation);
            }

            if (claims.AuthTime is { } authTime)
            {
                writer.WriteNumber("auth_time"u8, authTime.ToUnixTimeSeconds());
                writer.WriteString("acr"u8, Sessions.AuthenticationMethodNames.Acr(claims.Methods));
                writer.WriteStartArray("amr"u8);
                foreach (var method in Sessions.AuthenticationMethodNames.Amr(claims.Methods))
                {
                    writer.WriteStringValue(method);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        var headerText = Base64Url.EncodeToString(header.WrittenSpan);
        var payloadText = Base64Url.EncodeToString(payload.WrittenSpan);
        var signingInput = System.Text.Encoding.ASCII.GetBytes(headerText + "." + payloadText);
        var signature = new byte[key.Material.SignatureSize];
        var written = key.Material.Sign(signingInput, signature);
        var token = string.Concat(headerText, ".", payloadText, ".", Base64Url.EncodeToString(signature.AsSpan(0, written)));
        return new IssuedAccessToken(token, jti, DateTimeOffset.FromUnixTimeSeconds(exp), (int)lifetime.TotalSeconds);
    }
}

/// <summary>A signed access token and its facts.</summary>
/// <param name="Token">The compact JWS.</param>
/// <param name="JwtId">Its <c>jti</c>.</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
/// <param name="ExpiresIn">Its lifetime in seconds, for <c>expires_in</c>.</param>
public sealed record IssuedAccessToken(string Token, string JwtId, DateTimeOffset ExpiresAt, int ExpiresIn);
