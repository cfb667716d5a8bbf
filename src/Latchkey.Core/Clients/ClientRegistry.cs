using System.Collections.Frozen;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Microsoft.Extensions.Options;

namespace Latchkey.Clients;

/// <summary>
/// The clients declared in configuration. Secrets are hashed at load and compared in constant time; an unknown
/// client id, or a public one, costs the same comparison as a known one.
/// </summary>
public sealed class ClientRegistry : IClientRegistry
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
            // A client with neither a secret nor redirect URIs could do nothing; the options validator refuses it.
            if (string.IsNullOrEmpty(client.ClientId) || (client.ClientSecret is null && client.RedirectUris.Count == 0))
            {
                continue;
            }

            var scopes = client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
            var hash = client.ClientSecret is null ? null : SecretHash.Compute(client.ClientSecret);
            clients[client.ClientId] = new RegisteredClient(client.ClientId, hash, scopes, client.RequireMfa)
            {
                GrantTypes = client.EffectiveGrantTypes.ToFrozenSet(StringComparer.Ordinal),
                RedirectUris = [.. client.RedirectUris],
                PostLogoutRedirectUris = [.. client.PostLogoutRedirectUris],
                CorsOrigins = hash is null ? CorsOriginsOf(client) : [],
                RequireConsent = client.RequireConsent,
                BackChannelLogoutUri = client.BackChannelLogoutUri,
                IdTokenSigningAlgorithm = client.IdTokenSigningAlgorithm,
            };
            if (hash is not null)
            {
                client.SecretHashed = true;
                client.ClientSecret = null;
            }
        }

        _clients = clients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The serialised origin (RFC 6454 §6.1: lower-case scheme and host, the port only when not the default) of an
    /// absolute <c>http</c> or <c>https</c> URI; <see langword="null"/> for any other URI, such as a native app's
    /// private-use scheme, which no browser script runs at, or one with user information, which no origin has.
    /// </summary>
    public static string? OriginOf(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)
            && parsed.UserInfo.Length == 0
            ? parsed.GetLeftPart(UriPartial.Authority)
            : null;

    // A public client's own redirect origins, then the ones it lists; each once.
    private static string[] CorsOriginsOf(ClientOptions client) =>
        client.RedirectUris.Concat(client.AllowedCorsOrigins).Select(OriginOf).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Whether a client with this id is registered.</summary>
    public bool Contains(string clientId) => _clients.ContainsKey(clientId);

    /// <inheritdoc />
    public IReadOnlyCollection<RegisteredClient> All => _clients.Values;

    /// <inheritdoc />
    public RegisteredClient? Find(string? clientId) => clientId is not null && _clients.TryGetValue(clientId, out var client) ? client : null;

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
        var found = _clients.TryGetValue(clientId, out var client);
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
        var named = clientId is null || _clients.ContainsKey(clientId) || clientId.Length <= 64 ? clientId : clientId[..64] + "…";
        _audit.ClientAuthenticationFailed(named, origin.ClientIp);
    }
}
