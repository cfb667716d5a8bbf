namespace Latchkey.Accounts.Recovery;

/// <summary>Email verification, password reset and email change, bound from <c>Latchkey:Accounts</c>.</summary>
public sealed class AccountOptions
{
    /// <summary>The configuration section under <c>Latchkey</c>.</summary>
    public const string SectionName = "Accounts";

    /// <summary>When true, login of an account whose address is not verified answers <c>email_not_verified</c> and opens no session.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireVerifiedEmail { get; set; }

    /// <summary>How long a verification link works.</summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan VerifyEmailLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a password-reset link works.</summary>
    /// <value>The default value is 30 minutes.</value>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the link that confirms a new address works.</summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan EmailChangeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the old address can undo an email change.</summary>
    /// <value>The default value is 72 hours.</value>
    public TimeSpan EmailChangeUndoLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// Password-reset and verification mails sent to one account in each <see cref="LinkMailWindow"/>. Beyond it a
    /// reset request still answers 202 (the answer must not tell whether the address has an account) but sends
    /// nothing, and a resend of the verification mail answers 429; so nobody can flood a mailbox through Latchkey.
    /// </summary>
    /// <value>The default value is 5.</value>
    public int LinkMailsPerAccount { get; set; } = 5;

    /// <summary>The fixed window over which <see cref="LinkMailsPerAccount"/> counts, from the first mail in it.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan LinkMailWindow { get; set; } = TimeSpan.FromHours(1);
}
