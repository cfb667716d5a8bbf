using System.Net;
using Latchkey.Throttling;

namespace Latchkey.Clients;

/// <summary>
/// Checks a service client's credentials under the throttle: a wrong secret counts as a failed attempt
/// for the client id (known or not) and the caller's address, like a wrong password for an account.
/// </summary>
public sealed class ClientAuthenticator
{
    private readonly IClientRegistry _clients;
    private readonly CredentialThrottle _throttle;

    /// <summary>Creates the authenticator.</summary>
    public ClientAuthenticator(IClientRegistry clients, CredentialThrottle throttle)
    {
        _clients = clients;
        _throttle = throttle;
    }

    /// <summary>Checks <paramref name="clientId"/> and <paramref name="secret"/>.</summary>
    /// <returns>The client; or no client and a zero wait when the credentials are wrong; or the wait when throttled.</returns>
    public Task<ClientAuthenticationResult> AuthenticateAsync(string? clientId, string? secret, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        _throttle.RunAsync(
            ThrottleKeys.ForClient(clientId ?? string.Empty, clientAddress),
            clientAddress,
            static wait => new ClientAuthenticationResult(null, wait),
            _ =>
            {
                var client = _clients.Authenticate(clientId, secret, new Security.RequestOrigin(clientAddress, null));
                return Task.FromResult((new ClientAuthenticationResult(client, TimeSpan.Zero), client is null ? AttemptOutcome.Failed : AttemptOutcome.Succeeded));
            },
            cancellationToken);
}

/// <summary>The outcome of client authentication.</summary>
/// <param name="Client">The authenticated client, or <see langword="null"/>.</param>
/// <param name="RetryAfter">When throttled, how long to wait; otherwise zero.</param>
public sealed record ClientAuthenticationResult(RegisteredClient? Client, TimeSpan RetryAfter)
{
    /// <summary>Whether the attempt was refused by the throttle without checking the secret.</summary>
    public bool IsThrottled => RetryAfter > TimeSpan.Zero;
}
