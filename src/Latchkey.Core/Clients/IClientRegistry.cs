using Latchkey.Security;

namespace Latchkey.Clients;

/// <summary>
/// Where clients are looked up. <see cref="ClientRegistry"/> serves the ones declared in configuration; a store-backed
/// registry (the admin API) can stand behind the same interface.
/// </summary>
public interface IClientRegistry
{
    /// <summary>The client with this id, or <see langword="null"/>.</summary>
    RegisteredClient? Find(string? clientId);

    /// <summary>Checks a confidential client's credentials in constant time; a refusal is an audit event.</summary>
    /// <returns>The client, or <see langword="null"/> when the id is unknown, the client public or the secret wrong.</returns>
    RegisteredClient? Authenticate(string? clientId, string? secret, RequestOrigin origin);

    /// <summary>Whether a public client allows scripts of <paramref name="origin"/> (as the browser sent it) at the token, revocation and userinfo endpoints.</summary>
    bool AllowsCorsOrigin(string origin);

    /// <summary>Every client, for discovery and key planning.</summary>
    IReadOnlyCollection<RegisteredClient> All { get; }
}
