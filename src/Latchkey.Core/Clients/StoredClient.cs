using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.Clients;

/// <summary>A client kept in the store: its definition without the secret, and the secret only as a SHA-256 hash.</summary>
/// <param name="Definition">What the client is, as in configuration; its <see cref="ClientOptions.ClientSecret"/> is never serialised.</param>
/// <param name="SecretHash">SHA-256 of the secret; <see langword="null"/> for a public client.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="UpdatedAt">When it last changed (its secret included).</param>
public sealed record StoredClient(ClientOptions Definition, byte[]? SecretHash, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        // The lists of ClientOptions are get-only: filled in place.
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The client id.</summary>
    public string ClientId => Definition.ClientId;

    /// <summary>The definition as the store keeps it (JSON, never a secret).</summary>
    public string SerializeDefinition() => JsonSerializer.Serialize(Definition, Json);

    /// <summary>Reads a definition the store kept.</summary>
    public static ClientOptions DeserializeDefinition(string json) =>
        JsonSerializer.Deserialize<ClientOptions>(json, Json) ?? throw new JsonException("A stored client definition is empty.");
}
