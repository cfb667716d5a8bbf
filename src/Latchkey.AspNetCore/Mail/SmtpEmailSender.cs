using Latchkey.Mail;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Mail;

/// <summary>
/// Sends through the configured SMTP server with MailKit, one connection per message (mail is rare here, and a
/// fresh connection never inherits a half-broken one). The server's certificate is validated as MailKit does by default.
/// </summary>
internal sealed class SmtpEmailSender(IOptions<SmtpOptions> options, MimeMessageFactory factory) : IEmailSender
{
    private readonly SmtpOptions _options = options.Value;

    public async Task SendAsync(string messageId, EmailMessage message, CancellationToken cancellationToken)
    {
        var mime = factory.Create(messageId, message);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_options.Host!, _options.Port, SocketOptions(_options.EffectiveSecurity), deadline.Token);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? string.Empty, deadline.Token);
            }

            await client.SendAsync(mime, deadline.Token);
            await client.DisconnectAsync(quit: true, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The SMTP server did not complete the delivery within {_options.Timeout}.");
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };
}
