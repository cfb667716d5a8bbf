using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>Reads and forges compact JWS strings for attack cases.</summary>
public static class Jwt
{
    public static JsonObject Header(string token) => Decode(token.Split('.')[0]);

    public static JsonObject Payload(string token) => Decode(token.Split('.')[1]);

    /// <summary>The token's <c>exp</c>.</summary>
    public static DateTimeOffset ExpiresAt(string token) =>
        DateTimeOffset.FromUnixTimeSeconds(Payload(token)["exp"]!.GetValue<long>());

    /// <summary>The same token with its payload changed and the original signature kept.</summary>
    public static string WithPayload(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = Decode(parts[1]);
        change(payload);
        return string.Join('.', parts[0], Encode(payload), parts[2]);
    }

    /// <summary>The same token with its header changed and the original signature kept.</summary>
    public static string WithHeader(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var header = Decode(parts[0]);
        change(header);
        return string.Join('.', Encode(header), parts[1], parts[2]);
    }

    /// <summary>A well-formed token that names key <paramref name="kid"/>, with a random signature.</summary>
    public static string WithUnknownKid(string token, string? kid = null) =>
        WithHeader(token, h => h["kid"] = kid ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));

    private static JsonObject Decode(string part) =>
        JsonNode.Parse(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part)))!.AsObject();

    private static string Encode(JsonObject json) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
