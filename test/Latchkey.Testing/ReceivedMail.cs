namespace Latchkey.Testing;

/// <summary>A message as <see cref="TestSmtpServer"/> received it: the envelope recipients and the parsed parts.</summary>
/// <param name="To">The envelope recipients (RCPT TO).</param>
/// <param name="Subject">The decoded subject.</param>
/// <param name="Text">The plain-text part, or null.</param>
/// <param name="Html">The HTML part, or null.</param>
/// <param name="MessageId">The Message-ID header.</param>
public sealed record ReceivedMail(IReadOnlyList<string> To, string Subject, string? Text, string? Html, string? MessageId);
