using System.Collections.Frozen;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Latchkey.Clients;

/// <summary>
/// The clients declared in configuration and those stored at run time (<see cref="IClientStore"/>). Secrets are hashed
/// at load (or kept only as hashes) and compared in constant time; an unknown client id, or a public one, costs the
/// same comparison as a known one.
/// </summary>
public sealed class ClientRegistry : IClientRegistry
{
    private static readonly byte[] DummyHash = SecretHash.Compute("latchkey-no-such-client");
    private readonly FrozenDictionary<string, RegisteredClient> _configured;
    private readonly IClientStore? _store;
    private readonly SecurityAudit _audit;
    private readonly ILogger<ClientRegistry> _logger;

    // Configured clients and stored ones, and the CORS origins they allow, swapped whole on a refresh so that lookups
    // never lock and never see the clients of one refresh with the origins of another.
    private volatile Snapshot _current;

    /// <summary>Loads the configured clients and clears their plain secrets from the options.</summary>
    public ClientRegistry(IOptions<LatchkeyOptions> options, SecurityAudit audit, IClientStore? store = null, ILogger<ClientRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _audit = audit;
        _store = store;
        _logger = logger ?? NullLogger<ClientRegistry>.Instance;
        var clients = new Dictionary<string, RegisteredClient>(StringComparer.Ordinal);
        foreach (var client in options.Value.Clients)
        {
            // A client with neither a secret nor redirect URIs could do nothing; the options validator refuses it.
            if (string.IsNullOrEmpty(client.ClientId) || (client.ClientSecret is null && client.RedirectUris.Count == 0))
            {
                continue;
            }

            var hash = client.ClientSecret is null ? null : SecretHash.Compute(client.ClientSecret);
            clients[client.ClientId] = ToRegistered(client, hash);
            if (hash is not null)
            {
                client.SecretHashed = true;
                client.ClientSecret = null;
            }
        }

        _configured = clients.ToFrozenDictionary(StringComparer.Ordinal);
        _current = Snapshot.Of(_configured);
    }

    /// <summary>Whether clients can be stored (a store is registered), not only configured.</summary>
    public bool HasStore => _store is not null;

    /// <summary>Whether <paramref name="clientId"/> is declared in configuration (and so cannot be stored).</summary>
    public bool IsConfigured(string clientId) => _configured.ContainsKey(clientId);

    /// <summary>
    /// Reads the stored clients again and serves them beside the configured ones. A stored client whose id is
    /// configured, or whose definition no longer passes the rules, is left out and logged.
    /// </summary>
    /// <returns>Whether the set of ID-token algorithms in use changed (the key ring then needs a new chain).</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return false;
        }

        var stored = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        var clients = new Dictionary<string, RegisteredClient>(_configured, StringComparer.Ordinal);
        foreach (var client in stored)
        {
            var failures = new List<string>();
            client.Definition.SecretHashed = client.SecretHash is not null;
            ClientOptionsValidator.Validate(client.Definition, $"Stored client '{client.ClientId}'", failures);
            if (_configured.ContainsKey(client.ClientId))
            {
                failures.Add($"Stored client '{client.ClientId}' has the id of a configured client, which wins.");
            }

            if (failures.Count > 0)
            {
                Log.StoredClientIgnored(_logger, client.ClientId, string.Join(" ", failures));
                continue;
            }

            clients[client.ClientId] = ToRegistered(client.Definition, client.SecretHash);
        }

        var before = Algorithms(_current.Clients.Values);
        var current = Snapshot.Of(clients);
        _current = current;
        return !before.SetEquals(Algorithms(current.Clients.Values));
    }

    private static HashSet<string> Algorithms(IEnumerable<RegisteredClient> clients) =>
        clients.Where(c => c.Allows("authorization_code")).Select(c => c.IdTokenSigningAlgorithm).ToHashSet(StringComparer.Ordinal);

    /// <summary>The in-memory form of a client definition and its secret hash.</summary>
    public static RegisteredClient ToRegistered(ClientOptions client, byte[]? secretHash)
    {
        ArgumentNullException.ThrowIfNull(client);
        var scopes = client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
        return new RegisteredClient(client.ClientId, secretHash, scopes, client.RequireMfa)
        {
            GrantTypes = client.EffectiveGrantTypes.ToFrozenSet(StringComparer.Ordinal),
            RedirectUris = [.. client.RedirectUris],
            PostLogoutRedirectUris = [.. client.PostLogoutRedirectUris],
            CorsOrigins = secretHash is null ? CorsOriginsOf(client) : [],
            RequireConsent = client.RequireConsent,
            BackChannelLogoutUri = client.BackChannelLogoutUri,
            IdTokenSigningAlgorithm = client.IdTokenSigningAlgorithm,
        };
    }

    // A public client's own redirect origins, then the ones it lists; each once.
    private static string[] CorsOriginsOf(ClientOptions client) =>
        [.. client.RedirectUris.Concat(client.AllowedCorsOrigins)
            .Select(uri => WebOrigin.TryGetOriginOf(uri, out var origin) ? origin : null).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>Whether a client with this id is registered.</summary>
    public bool Contains(string clientId) => _current.Clients.ContainsKey(clientId);

    /// <inheritdoc />
    public IReadOnlyCollection<RegisteredClient> All => _current.Clients.Values;

    /// <inheritdoc />
    public bool AllowsCorsOrigin(string origin) => _current.CorsOrigins.Contains(origin);

    /// <inheritdoc />
    public RegisteredClient? Find(string? clientId) => clientId is not null && _current.Clients.TryGetValue(clientId, out var client) ? client : null;

    /// <inheritdoc />
    public RegisteredClient? Authenticate(string? clientId, string? secret, RequestOrigin origin)
    {
        if (clientId is null || secret is null || secret.Length > 1024)
        {
            Refused(clientId, origin);
            return null;
        }

        Span<byte> presented = stackalloc byte[SecretHash.Size];
        SecretHash.Compute(secret, presented);
        var found = _current.Clients.TryGetValue(clientId, out var client);
        var matches = SecretHash.FixedTimeEquals(presented, found ? client!.SecretHash ?? DummyHash : DummyHash);
        if (found && client!.SecretHash is not null && matches)
        {
            return client;
        }

        Refused(clientId, origin);
        return null;
    }

    // The id is the caller's text: logged only when registered, else cut short so that a flood cannot fill the log.
    private void Refused(string? clientId, RequestOrigin origin)
    {
        var named = clientId is null || _current.Clients.ContainsKey(clientId) || clientId.Length <= 64 ? clientId : clientId[..64] + "…";
        _audit.ClientAuthenticationFailed(named, origin.ClientIp);
    }

    private sealed record Snapshot(FrozenDictionary<string, RegisteredClient> Clients, FrozenSet<string> CorsOrigins)
    {
        public static Snapshot Of(IReadOnlyDictionary<string, RegisteredClient> clients) => new(
            clients.ToFrozenDictionary(StringComparer.Ordinal),
            clients.Values.SelectMany(c => c.CorsOrigins).ToFrozenSet(StringComparer.Ordinal));
    }
}
