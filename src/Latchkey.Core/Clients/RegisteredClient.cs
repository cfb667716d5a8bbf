
namespace Latchkey.Clients;

/// <summary>A client as held in memory: its secret only as a SHA-256 hash.</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="SecretHash">SHA-256 of the secret.</param>
/// <param name="Scopes">The scopes it may be granted.</param>
/// <param name="RequireMfa">Whether user tokens for it need a multi-factor sign-in (<see cref="ClientOptions.RequireMfa"/>).</param>
public sealed record RegisteredClient(string ClientId, byte[] SecretHash, IReadOnlySet<string> Scopes, bool RequireMfa = false);
