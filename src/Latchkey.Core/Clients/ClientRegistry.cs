using System.Collections.Frozen;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Microsoft.Extensions.Options;

namespace Latchkey.Clients;

/// <summary>
/// The configured service clients. Secrets are hashed at load and compared in constant time; an unknown
/// client id costs the same comparison as a known one.
/// </summary>
public sealed class ClientRegistry
{
    private static readonly byte[] DummyHash = SecretHash.Compute("latchkey-no-such-client");
    private readonly FrozenDictionary<string, RegisteredClient> _clients;
    private readonly SecurityAudit _audit;

    /// <summary>Loads the clients and clears their plain secrets from the options.</summary>
    public ClientRegistry(IOptions<LatchkeyOptions> options, SecurityAudit audit)
    {
        ArgumentNullException.ThrowIfNull(options);
        _audit = audit;
        var clients = new Dictionary<string, RegisteredClient>(StringComparer.Ordinal);
        foreach (var client in options.Value.Clients)
        {
            if (string.IsNullOrEmpty(client.ClientId) || client.ClientSecret is null)
            {
                continue;
            }

            var scopes = client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
            clients[client.ClientId] = new RegisteredClient(client.ClientId, SecretHash.Compute(client.ClientSecret), scopes, client.RequireMfa);
            client.ClientSecret = null;
        }

        _clients = clients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Whether a client with this id is registered.</summary>
    public bool Contains(string clientId) => _clients.ContainsKey(clientId);

    /// <summary>Checks a client's credentials; a refusal is an audit event.</summary>
    /// <returns>The client, or <see langword="null"/> when the id is unknown or the secret wrong.</returns>
    public RegisteredClient? Authenticate(string? clientId, string? secret, RequestOrigin origin)
    {
        if (clientId is null || secret is null || secret.Length > 1024)
        {
            Refused(clientId, origin);
            return null;
        }

        Span<byte> presented = stackalloc byte[SecretHash.Size];
        SecretHash.Compute(secret, presented);
        var found = _clients.TryGetValue(clientId, out var client);
        var matches = SecretHash.FixedTimeEquals(presented, found ? client!.SecretHash : DummyHash);
        if (found && matches)
        {
            return client;
        }

        Refused(clientId, origin);
        return null;
    }

    // The id is the caller's text: logged only when registered, else cut short so that a flood cannot fill the log.
    private void Refused(string? clientId, RequestOrigin origin)
    {
        var named = clientId is null || _clients.ContainsKey(clientId) || clientId.Length <= 64 ? clientId : clientId[..64] + "…";
        _audit.ClientAuthenticationFailed(named, origin.ClientIp);
    }
}
