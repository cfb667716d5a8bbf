using Latchkey.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Latchkey.AspNetCore.Mail;

/// <summary>Turns an <see cref="EmailMessage"/> into MIME: <c>multipart/alternative</c> with the text and HTML parts.</summary>
internal sealed class MimeMessageFactory(IOptions<SmtpOptions> options, TimeProvider time)
{
    private const string DefaultFrom = "latchkey@localhost";
    private readonly MailboxAddress _from = MailboxAddress.Parse(options.Value.From is { Length: > 0 } from ? from : DefaultFrom);

    public MimeMessage Create(string messageId, EmailMessage message)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = time.GetUtcNow(),

            // The same id on every attempt: a receiving system that saw a retry's duplicate can tell.
            MessageId = $"{messageId}@{_from.Domain}",
        };
        mime.From.Add(_from);
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
