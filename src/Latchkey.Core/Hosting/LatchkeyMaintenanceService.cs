using Latchkey.Diagnostics;
using Latchkey.Keys;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Hosting;

/// <summary>
/// Loads the stored clients, the key ring and the revocation list before the server takes requests, then keeps them
/// fresh: reloads clients every <see cref="LatchkeyOptions.ClientRefreshInterval"/> (and the keys at once when a client
/// needs another ID-token algorithm), keys (rotating when due) every <see cref="KeyOptions.RefreshInterval"/>, and deletes expired
/// sessions, refresh tokens, emailed account tokens and revocations every <see cref="SessionOptions.PruneInterval"/>.
/// </summary>
internal sealed class LatchkeyMaintenanceService(
    KeyRingManager keys,
    Clients.ClientRegistry clients,
    RevocationService revocation,
    IRevocationBroadcaster broadcaster,
    RevocationList revocationList,
    SessionCache sessionCache,
    SessionManager sessions,
    RefreshTokenService refreshTokens,
    Accounts.Recovery.IAccountTokenStore accountTokens,
    TimeProvider time,
    IOptions<LatchkeyOptions> options,
    IOptions<KeyOptions> keyOptions,
    IOptions<SessionOptions> sessionOptions,
    ILogger<LatchkeyMaintenanceService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _keysLoop;
    private Task? _clientsLoop;
    private Task? _pruneLoop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Clients first: a stored client's ID-token algorithm decides which key chains the ring keeps.
        await clients.RefreshAsync(cancellationToken);
        await keys.RefreshAsync(cancellationToken);
        await revocation.LoadAsync(cancellationToken);
        await broadcaster.SubscribeAsync(
            entry =>
            {
                revocationList.Apply(entry);
                sessionCache.Apply(entry);
                revocation.RecordReceived(entry);
            },
            async ct =>
            {
                // Messages may have been missed while disconnected: forget cached sessions, reload revocations.
                sessionCache.Clear();
                await revocation.LoadAsync(ct);
            },
            cancellationToken);
        _keysLoop = LoopAsync(keyOptions.Value.RefreshInterval, keys.RefreshAsync, "key ring refresh");
        if (clients.HasStore)
        {
            _clientsLoop = LoopAsync(options.Value.ClientRefreshInterval, RefreshClientsAsync, "client refresh");
        }
        _pruneLoop = LoopAsync(sessionOptions.Value.PruneInterval, PruneAsync, "pruning");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var loop in new[] { _keysLoop, _clientsLoop, _pruneLoop })
        {
            if (loop is not null)
            {
                await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RefreshClientsAsync(CancellationToken cancellationToken)
    {
        if (await clients.RefreshAsync(cancellationToken))
        {
            await keys.RefreshAsync(cancellationToken);
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var count = await sessions.PruneAsync(cancellationToken);
        count += await refreshTokens.PruneAsync(cancellationToken);
        // Kept a day past expiry, so that a late click on a link still answers "expired" rather than "invalid".
        count += await accountTokens.DeleteExpiredAsync(time.GetUtcNow() - TimeSpan.FromDays(1), cancellationToken);
        await revocation.PruneAsync(cancellationToken);
        if (count > 0)
        {
            Log.Pruned(logger, count);
        }
    }

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> work, string name)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await work(_stopping.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.MaintenanceFailed(logger, name, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
