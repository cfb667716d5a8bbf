using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.Keys;
using Latchkey.Sessions;
using Latchkey.Tokens;

namespace Latchkey.Authorization;

/// <summary>
/// Writes and signs OpenID Connect ID tokens (OIDC Core §2, §3.1.3.6) with the key of the client's algorithm
/// (<see cref="SigningKeyRing.GetSigningKey(DateTimeOffset, string)"/>). Header <c>typ</c> is <c>JWT</c>, so an ID
/// token is never taken for an access token (<c>at+jwt</c>, RFC 9068 §4).
/// </summary>
public sealed class IdTokenIssuer
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SigningKeyRing _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the issuer.</summary>
    public IdTokenIssuer(SigningKeyRing keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    /// <summary>Issues an ID token.</summary>
    /// <param name="request">What the token says.</param>
    /// <returns>The compact JWS.</returns>
    public string Issue(IdTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var key = _keys.GetSigningKey(now, request.Algorithm) ?? _keys.GetSigningKey(now);
        var iat = now.ToUnixTimeSeconds();

        var header = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(header, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, key.Material.Algorithm);
            writer.WriteString("typ"u8, "JWT"u8);
            writer.WriteString("kid"u8, key.Kid);
            writer.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("iss"u8, request.Issuer);
            writer.WriteString("sub"u8, request.Account.Id);
            writer.WriteString("aud"u8, request.ClientId);
            writer.WriteNumber("exp"u8, iat + (long)request.Lifetime.TotalSeconds);
            writer.WriteNumber("iat"u8, iat);
            writer.WriteNumber("auth_time"u8, request.AuthTime.ToUnixTimeSeconds());
            if (request.Nonce is not null)
            {
                writer.WriteString("nonce"u8, request.Nonce);
            }

            writer.WriteString("acr"u8, AuthenticationMethodNames.Acr(request.Methods));
            writer.WriteStartArray("amr"u8);
            foreach (var method in AuthenticationMethodNames.Amr(request.Methods))
            {
                writer.WriteStringValue(method);
            }

            writer.WriteEndArray();
            writer.WriteString("sid"u8, request.SessionId);
            if (request.AccessToken is not null)
            {
                writer.WriteString("at_hash"u8, AccessTokenHash(request.AccessToken, key.Material.Algorithm));
            }

            UserClaims.Write(writer, request.Account, request.Scopes);
            writer.WriteEndObject();
        }

        var headerText = Base64Url.EncodeToString(header.WrittenSpan);
        var payloadText = Base64Url.EncodeToString(payload.WrittenSpan);
        var signingInput = Encoding.ASCII.GetBytes(headerText + "." + payloadText);
        var signature = new byte[key.Material.SignatureSize];
        var written = key.Material.Sign(signingInput, signature);
        return string.Concat(headerText, ".", payloadText, ".", Base64Url.EncodeToString(signature.AsSpan(0, written)));
    }

    /// <summary>
    /// <c>at_hash</c> (OIDC Core §3.1.3.6): the left half of the hash of the access token's ASCII bytes, base64url. The hash
    /// is SHA-256 for the 256-bit algorithms and SHA-512 for EdDSA with Ed25519 (OIDC Core errata 2).
    /// </summary>
    public static string AccessTokenHash(string accessToken, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        var bytes = Encoding.ASCII.GetBytes(accessToken);
        var hash = algorithm == SigningAlgorithms.EdDSA ? SHA512.HashData(bytes) : SHA256.HashData(bytes);
        return Base64Url.EncodeToString(hash.AsSpan(0, hash.Length / 2));
    }
}

/// <summary>What an ID token says.</summary>
/// <param name="Issuer">The <c>iss</c>.</param>
/// <param name="ClientId">The <c>aud</c>.</param>
/// <param name="Account">The signed-in account (<c>sub</c>, and claims of the granted scopes).</param>
/// <param name="Scopes">The granted scopes.</param>
/// <param name="Nonce">The request's nonce, if any.</param>
/// <param name="SessionId">The browser session's public id (<c>sid</c>).</param>
/// <param name="AuthTime">When the user authenticated.</param>
/// <param name="Methods">How (<c>amr</c>, <c>acr</c>).</param>
/// <param name="AccessToken">The access token issued with it, for <c>at_hash</c>.</param>
/// <param name="Algorithm">The client's ID-token algorithm.</param>
/// <param name="Lifetime">How long it is valid.</param>
public sealed record IdTokenRequest(
    string Issuer, string ClientId, Account Account, IReadOnlyCollection<string> Scopes, string? Nonce, string SessionId,
    DateTimeOffset AuthTime, AuthenticationMethods Methods, string? AccessToken, string Algorithm, TimeSpan Lifetime);
