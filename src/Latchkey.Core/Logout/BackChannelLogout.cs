using Latchkey.Clients;
using Latchkey.Diagnostics;
using Latchkey.Sessions;
using Latchkey.Storage;
using Microsoft.Extensions.Logging;

namespace Latchkey.Logout;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0, the request-path half: records which clients with a back-channel logout URI
/// each session signed into (at code issuance), and when sessions end queues a notice for each of them in the store,
/// for <see cref="BackChannelLogoutDeliveryService"/> to deliver off the request path.
/// </summary>
public sealed class BackChannelLogout
{
    private readonly IBackChannelLogoutStore _store;
    private readonly BackChannelLogoutSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger<BackChannelLogout> _logger;

    /// <summary>Creates the service.</summary>
    public BackChannelLogout(IBackChannelLogoutStore store, BackChannelLogoutSignal signal, TimeProvider time, ILogger<BackChannelLogout> logger)
    {
        _store = store;
        _signal = signal;
        _time = time;
        _logger = logger;
    }

    /// <summary>Records that <paramref name="session"/> got a code for <paramref name="client"/>, if the client takes back-channel logouts.</summary>
    public Task RecordSignInAsync(RegisteredClient client, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(session);
        return client.BackChannelLogoutUri is null
            ? Task.CompletedTask
            : _store.RecordSignInAsync(session.PublicId, session.UserId, client.ClientId, StoredTime.Truncate(_time.GetUtcNow()), session.AbsoluteExpiresAt, cancellationToken);
    }

    /// <summary>Queues the notices for a session that has ended.</summary>
    public Task SessionEndedAsync(string sessionId) =>
        EnqueueAsync(now => _store.EnqueueForSessionAsync(sessionId, now, CancellationToken.None));

    /// <summary>Queues the notices for every session of <paramref name="userId"/> but <paramref name="exceptSessionId"/>, which have ended.</summary>
    public Task SessionsEndedAsync(string userId, string? exceptSessionId) =>
        EnqueueAsync(now => _store.EnqueueForUserAsync(userId, exceptSessionId, now, CancellationToken.None));

    /// <summary>Deletes the records of sessions that expired (expiry sends no logout: see docs/oidc.md).</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken) => _store.PruneAsync(_time.GetUtcNow(), cancellationToken);

    // The session is already gone when this runs, so it must not fail the request that ended it: a store fault is
    // logged (the notice is lost, as the session's end would have been had the store failed a moment earlier).
    private async Task EnqueueAsync(Func<DateTimeOffset, Task<int>> enqueue)
    {
        try
        {
            if (await enqueue(StoredTime.Truncate(_time.GetUtcNow())).ConfigureAwait(false) > 0)
            {
                _signal.Notify();
            }
        }
        catch (StoreUnavailableException ex)
        {
            Log.BackChannelLogoutNotQueued(_logger, ex);
        }
    }
}
