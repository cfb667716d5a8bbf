using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Keys;

namespace Latchkey.Core.Tests;

/// <summary>
/// One key per algorithm for the whole test run (RSA keys are slow to make), and a signer that puts any
/// header and payload under a real signature, so that tests reach the checks that come after it.
/// </summary>
internal static class TestSigningKeys
{
    private static readonly Dictionary<string, Lazy<SigningKeyMaterial>> Keys = SigningAlgorithms.All.ToDictionary(
        a => a, a => new Lazy<SigningKeyMaterial>(() => SigningKeyMaterial.Generate(a)), StringComparer.Ordinal);

    private static readonly Dictionary<string, Lazy<SigningKeyMaterial>> OtherKeys = SigningAlgorithms.All.ToDictionary(
        a => a, a => new Lazy<SigningKeyMaterial>(() => SigningKeyMaterial.Generate(a)), StringComparer.Ordinal);

    /// <summary>The shared key for <paramref name="algorithm"/>.</summary>
    public static SigningKeyMaterial For(string algorithm) => Keys[algorithm].Value;

    /// <summary>A second, unrelated key for <paramref name="algorithm"/>.</summary>
    public static SigningKeyMaterial OtherFor(string algorithm) => OtherKeys[algorithm].Value;

    /// <summary>A compact JWS of <paramref name="headerJson"/> and <paramref name="payloadJson"/> as given, signed by <paramref name="key"/>.</summary>
    public static string Sign(SigningKeyMaterial key, string headerJson, string payloadJson)
    {
        var input = Encode(headerJson) + "." + Encode(payloadJson);
        var signature = new byte[key.SignatureSize];
        var written = key.Sign(Encoding.ASCII.GetBytes(input), signature);
        return input + "." + Base64Url.EncodeToString(signature.AsSpan(0, written));
    }

    /// <summary>base64url of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>The JSON of one segment of <paramref name="token"/>.</summary>
    public static JsonObject Segment(string token, int index) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!.AsObject();

    /// <summary>The public JWK of <paramref name="key"/> as the JWKS endpoint writes it.</summary>
    public static JsonObject PublishedJwk(SigningKeyMaterial key, string kid)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            key.WritePublishedJwk(writer, kid);
        }

        return JsonNode.Parse(buffer.ToArray())!.AsObject();
    }
}
