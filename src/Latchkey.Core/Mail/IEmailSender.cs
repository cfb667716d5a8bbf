namespace Latchkey.Mail;

/// <summary>
/// Hands one message to the mail system (an SMTP server, a pickup folder …). Called by the outbox's delivery
/// service only, never on a request: a sender may be slow, and may throw to have the message retried later.
/// </summary>
public interface IEmailSender
{
    /// <summary>Sends <paramref name="message"/>; returns once the mail system has accepted it.</summary>
    /// <param name="messageId">The outbox's id of the message, stable across retries (a <c>Message-ID</c>, a file name).</param>
    /// <param name="message">The rendered message.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <exception cref="Exception">Any failure: the outbox retries with backoff.</exception>
    Task SendAsync(string messageId, EmailMessage message, CancellationToken cancellationToken);
}
