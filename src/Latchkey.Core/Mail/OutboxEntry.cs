namespace Latchkey.Mail;

/// <summary>A queued message as the outbox store keeps it: ids, times and an encrypted payload, no plaintext.</summary>
/// <param name="Id">The message id (also the associated data of the encryption).</param>
/// <param name="AccountId">The account the message concerns; deleting the account deletes the message.</param>
/// <param name="Payload">The rendered message, encrypted (<see cref="MailProtector"/>).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="Attempts">Delivery attempts begun so far (a claim counts as one).</param>
/// <param name="NextAttemptAt">When it is next due.</param>
/// <param name="LeaseUntil">Until when the node that claimed it owns it; also the token that proves the claim.</param>
public sealed record OutboxEntry(
    string Id,
    string? AccountId,
    byte[] Payload,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset LeaseUntil);
