using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>Takes compact JWS tokens apart and puts forged ones together, as an attacker would.</summary>
internal static class CompactJws
{
    /// <summary>The dot-separated segments.</summary>
    public static string[] Segments(string token) => token.Split('.');

    /// <summary>base64url without padding (RFC 7515 §2).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>The base64url of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string EncodeText(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>Decodes one base64url segment.</summary>
    public static byte[] Decode(string segment) => Base64Url.DecodeFromChars(segment);

    /// <summary>The header as a JSON object.</summary>
    public static JsonObject Header(string token) => JsonNode.Parse(Decode(Segments(token)[0]))!.AsObject();

    /// <summary>The payload as a JSON object.</summary>
    public static JsonObject Payload(string token) => JsonNode.Parse(Decode(Segments(token)[1]))!.AsObject();

    /// <summary>The signature bytes.</summary>
    public static byte[] Signature(string token) => Decode(Segments(token)[2]);

    /// <summary>The token with its header edited; payload and signature are kept as they were.</summary>
    public static string WithHeader(string token, Action<JsonObject> edit)
    {
        var header = Header(token);
        edit(header);
        var parts = Segments(token);
        return string.Join('.', EncodeText(header.ToJsonString()), parts[1], parts[2]);
    }

    /// <summary>The token with its payload edited; header and signature are kept as they were.</summary>
    public static string WithPayload(string token, Action<JsonObject> edit)
    {
        var payload = Payload(token);
        edit(payload);
        var parts = Segments(token);
        return string.Join('.', parts[0], EncodeText(payload.ToJsonString()), parts[2]);
    }

    /// <summary>The token with its signature replaced by <paramref name="signature"/>.</summary>
    public static string WithSignature(string token, ReadOnlySpan<byte> signature)
    {
        var parts = Segments(token);
        return string.Join('.', parts[0], parts[1], Encode(signature));
    }

    /// <summary>A token with <paramref name="headerJson"/> and an existing payload segment, signed ES256 by <paramref name="key"/>.</summary>
    public static string SignEs256(ECDsa key, string headerJson, string payloadSegment)
    {
        var input = EncodeText(headerJson) + "." + payloadSegment;
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Encode(signature);
    }

    /// <summary>A token with <paramref name="headerJson"/> and an existing payload segment, MACed HS256 with <paramref name="secret"/>.</summary>
    public static string SignHs256(ReadOnlySpan<byte> secret, string headerJson, string payloadSegment)
    {
        var input = EncodeText(headerJson) + "." + payloadSegment;
        return input + "." + Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>Rewrites a JWS ECDSA signature (r||s, RFC 7518 §3.4) as the DER SEQUENCE of two INTEGERs that X.509 uses.</summary>
    public static byte[] ToDer(ReadOnlySpan<byte> fixedSignature)
    {
        var half = fixedSignature.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(fixedSignature[..half]);
            writer.WriteIntegerUnsigned(fixedSignature[half..]);
        }

        return writer.Encode();
    }
}
