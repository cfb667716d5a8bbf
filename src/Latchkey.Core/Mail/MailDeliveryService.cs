using System.Security.Cryptography;
using Latchkey.Diagnostics;
using Latchkey.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Mail;

/// <summary>
/// Delivers the outbox: claims one due message at a time with a lease (so that nodes sharing a store never send
/// the same message at once), sends it, deletes it on success and otherwise reschedules it with exponential
/// backoff and jitter, until <see cref="MailOptions.MaxAttempts"/> or <see cref="MailOptions.MaxAge"/> gives it up.
/// Wakes when this node queues a message, and polls every <see cref="MailOptions.PollInterval"/> otherwise.
/// </summary>
internal sealed class MailDeliveryService(
    IMailOutboxStore store,
    MailProtector protector,
    MailOutboxSignal signal,
    IServiceProvider services,
    TimeProvider time,
    IOptions<MailOptions> options,
    ILogger<MailDeliveryService> logger) : BackgroundService
{
    private readonly MailOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IEmailSender>() is not { } sender)
        {
            Log.MailNoSender(logger);
            return;
        }

        // Off the start-up path: the host finishes starting before the first pass touches the store.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Drain what is due, then sleep until woken or the next poll.
                while (await DeliverNextAsync(sender, stoppingToken).ConfigureAwait(false))
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
                Log.MailDeliveryPassFailed(logger, ex);
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

    /// <summary>Claims and handles one due message; false when none was due.</summary>
    private async Task<bool> DeliverNextAsync(IEmailSender sender, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var claimed = await store.ClaimDueAsync(now, now + _options.LeaseDuration, 1, stoppingToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return false;
        }

        var entry = claimed[0];
        EmailMessage message;
        try
        {
            message = protector.Unprotect(entry.Id, entry.Payload);
        }
        catch (CryptographicException)
        {
            Log.MailUnreadable(logger, entry.Id);
            await store.DeleteAsync(entry.Id, entry.LeaseUntil, stoppingToken).ConfigureAwait(false);
            return true;
        }

        try
        {
            // The send gets its own token so that a stop mid-send is an ordinary failure, rescheduled below.
            await sender.SendAsync(entry.Id, message, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(entry, ex, stoppingToken.IsCancellationRequested ? CancellationToken.None : stoppingToken).ConfigureAwait(false);
            return !stoppingToken.IsCancellationRequested;
        }

        if (!await store.DeleteAsync(entry.Id, entry.LeaseUntil, CancellationToken.None).ConfigureAwait(false))
        {
            Log.MailLeaseLost(logger, entry.Id);
        }
        else
        {
            Log.MailDelivered(logger, entry.Id, entry.Attempts);
        }

        return true;
    }

    private async Task RecordFailureAsync(OutboxEntry entry, Exception exception, CancellationToken cancellationToken)
    {
        // The exception's type only: a mail server's message may quote the recipient.
        var reason = exception.GetType().Name;
        var now = time.GetUtcNow();
        var age = now - entry.CreatedAt;
        var delay = RetryDelay(entry.Attempts);
        bool recorded;
        if (entry.Attempts >= _options.MaxAttempts || age + delay > _options.MaxAge)
        {
            Log.MailDropped(logger, entry.Id, entry.Attempts, age, reason);
            recorded = await store.DeleteAsync(entry.Id, entry.LeaseUntil, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Log.MailDeliveryFailed(logger, entry.Id, entry.Attempts, reason, delay);
            recorded = await store.RescheduleAsync(entry.Id, entry.LeaseUntil, now + delay, cancellationToken).ConfigureAwait(false);
        }

        if (!recorded)
        {
            Log.MailLeaseLost(logger, entry.Id);
        }
    }

    /// <summary><see cref="MailOptions.RetryDelay"/> doubled per earlier failure, capped at <see cref="MailOptions.MaxRetryDelay"/>, with jitter.</summary>
    private TimeSpan RetryDelay(int attempts) => RetryBackoff.Delay(attempts, _options.RetryDelay, _options.MaxRetryDelay);
}
