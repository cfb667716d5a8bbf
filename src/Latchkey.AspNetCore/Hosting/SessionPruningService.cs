using Latchkey.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Hosting;

/// <summary>Deletes expired sessions on a schedule, so that storage grows with live sessions, not history.</summary>
internal sealed class SessionPruningService(
    SessionManager sessions, TimeProvider time, IOptions<SessionOptions> options, ILogger<SessionPruningService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var count = await sessions.PruneAsync(stoppingToken);
                if (count > 0)
                {
                    Log.SessionsPruned(logger, count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SessionPruningFailed(logger, ex);
            }
        }
    }
}
