namespace Latchkey.Mail;

/// <summary>
/// Where account flows hand over mail. A message is rendered from a named template and kept durably
/// (encrypted at rest) until it is delivered, so that a slow or unreachable mail server never slows or
/// fails the request that caused it, and a restart loses nothing.
/// </summary>
public interface IMailOutbox
{
    /// <summary>
    /// Renders <paramref name="templateName"/> (one of <see cref="MailTemplates"/>) with <paramref name="values"/>
    /// for <paramref name="recipient"/> and queues it. Returns once the message is durably queued; it never sends.
    /// </summary>
    /// <param name="templateName">The template name, e.g. <see cref="MailTemplates.PasswordReset"/>.</param>
    /// <param name="recipient">The recipient's address, as the user typed it.</param>
    /// <param name="values">The template's placeholders (<c>{{link}}</c>, <c>{{email}}</c> …) by name.</param>
    /// <param name="accountId">The account the message concerns, so that deleting the account removes its queued mail.</param>
    /// <param name="cancellationToken">Cancels the queueing.</param>
    Task EnqueueAsync(string templateName, string recipient, IReadOnlyDictionary<string, string> values, string? accountId, CancellationToken cancellationToken);
}
