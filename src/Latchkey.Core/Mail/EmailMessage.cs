namespace Latchkey.Mail;

/// <summary>A rendered message, ready for an <see cref="IEmailSender"/>: one recipient, a subject and both parts.</summary>
/// <param name="To">The recipient's address.</param>
/// <param name="Subject">The subject line (one line).</param>
/// <param name="TextBody">The plain-text part.</param>
/// <param name="HtmlBody">The HTML part.</param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody);
