using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Mail;

/// <summary>Says once at start where mail goes, so that an operator of the embedded default knows where to look.</summary>
internal sealed class MailSenderAnnouncement(IOptions<SmtpOptions> smtp, IOptions<LatchkeyOptions> latchkey, ILogger<MailSenderAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = smtp.Value;
        if (options.IsConfigured)
        {
            Log.MailToSmtp(logger, options.Host!, options.Port, options.EffectiveSecurity.ToString());
        }
        else
        {
            var folder = Path.Combine(Path.GetFullPath(latchkey.Value.DataDirectory), PickupFolderEmailSender.FolderName);
            Directory.CreateDirectory(folder);
            Log.MailToPickupFolder(logger, folder);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
