using Latchkey.Hosting;

namespace Latchkey.Mail;

/// <summary>Wakes this node's mail delivery service when a message is queued, so that it need not wait for its next poll.</summary>
public sealed class MailOutboxSignal : WakeUpSignal;
