using Latchkey.AccessTokens;
using Latchkey.Clients;
using Latchkey.Diagnostics;
using Latchkey.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Logout;

/// <summary>
/// Delivers queued back-channel logouts: claims due notices with a lease (so that nodes sharing a store never send the
/// same one at once), signs a fresh logout token for each, POSTs it to the client's back-channel logout URI, deletes the
/// notice on a 2xx answer and otherwise reschedules it with exponential backoff and jitter, until
/// <see cref="BackChannelLogoutOptions.MaxAttempts"/> or <see cref="BackChannelLogoutOptions.MaxAge"/> gives it up.
/// </summary>
internal sealed class BackChannelLogoutDeliveryService(
    IBackChannelLogoutStore store,
    BackChannelLogoutSignal signal,
    LogoutTokenIssuer tokens,
    IClientRegistry clients,
    IIssuerProvider issuer,
    IServiceProvider services,
    TimeProvider time,
    IOptions<BackChannelLogoutOptions> options,
    SecurityAudit audit,
    ILogger<BackChannelLogoutDeliveryService> logger) : BackgroundService
{
    // Notices sent at once per pass: one slow client does not hold up the others.
    private const int BatchSize = 16;

    private readonly BackChannelLogoutOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IBackChannelLogoutSender>() is not { } sender)
        {
            return;
        }

        // Off the start-up path: the host finishes starting before the first pass touches the store.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(sender, stoppingToken).ConfigureAwait(false))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is down or the like: keep the service alive and try again at the next poll.
                Log.BackChannelLogoutPassFailed(logger, ex);
            }

            try
            {
                await signal.WaitAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and handles a batch of due notices; false when none was due.</summary>
    private async Task<bool> DeliverDueAsync(IBackChannelLogoutSender sender, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var claimed = await store.ClaimDueAsync(now, now + _options.LeaseDuration, BatchSize, stoppingToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return false;
        }

        await Task.WhenAll(claimed.Select(notice => DeliverAsync(sender, notice, stoppingToken))).ConfigureAwait(false);
        return !stoppingToken.IsCancellationRequested;
    }

    private async Task DeliverAsync(IBackChannelLogoutSender sender, LogoutNotice notice, CancellationToken stoppingToken)
    {
        var client = clients.Find(notice.ClientId);
        if (client?.BackChannelLogoutUri is not { } uriText || !Uri.TryCreate(uriText, UriKind.Absolute, out var uri))
        {
            // The client is gone from the configuration, or no longer takes back-channel logouts.
            Log.BackChannelLogoutNoUri(logger, notice.ClientId, notice.SessionId);
            await store.DeleteAsync(notice, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        string? failure = null;
        try
        {
            var token = tokens.Issue(issuer.Issuer, client.ClientId, notice.UserId, notice.SessionId, client.IdTokenSigningAlgorithm, _options.TokenLifetime);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.Timeout);
            if (!await sender.SendAsync(uri, token, timeout.Token).ConfigureAwait(false))
            {
                failure = "refused";
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The exception's type only: its message may quote the client's answer.
            failure = ex.GetType().Name;
        }

        var none = CancellationToken.None;
        if (failure is null)
        {
            Log.BackChannelLogoutDelivered(logger, notice.ClientId, notice.SessionId, notice.Attempts);
            if (!await store.DeleteAsync(notice, none).ConfigureAwait(false))
            {
                Log.BackChannelLogoutLeaseLost(logger, notice.ClientId, notice.SessionId);
            }

            return;
        }

        var age = time.GetUtcNow() - notice.CreatedAt;
        var delay = RetryDelay(notice.Attempts);
        bool recorded;
        if (notice.Attempts >= _options.MaxAttempts || age + delay > _options.MaxAge)
        {
            audit.BackChannelLogoutAbandoned(notice.ClientId, notice.UserId, notice.SessionId, notice.Attempts, failure);
            recorded = await store.DeleteAsync(notice, none).ConfigureAwait(false);
        }
        else
        {
            Log.BackChannelLogoutFailed(logger, notice.ClientId, notice.SessionId, notice.Attempts, failure, delay);
            recorded = await store.RescheduleAsync(notice, time.GetUtcNow() + delay, none).ConfigureAwait(false);
        }

        if (!recorded)
        {
            Log.BackChannelLogoutLeaseLost(logger, notice.ClientId, notice.SessionId);
        }
    }

    /// <summary><see cref="BackChannelLogoutOptions.RetryDelay"/> doubled per earlier failure, capped, with jitter.</summary>
    private TimeSpan RetryDelay(int attempts) => RetryBackoff.Delay(attempts, _options.RetryDelay, _options.MaxRetryDelay);
}
