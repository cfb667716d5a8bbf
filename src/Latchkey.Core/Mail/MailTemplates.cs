namespace Latchkey.Mail;

/// <summary>
/// The names of the messages Latchkey sends. Each has a plain-text and an HTML template built in, which
/// an operator can override with <c>{name}.txt</c>, <c>{name}.html</c> and <c>{name}.subject.txt</c> in the
/// <c>templates/</c> folder of the data directory. Placeholders are written <c>{{name}}</c>; values are
/// HTML-encoded in the HTML part.
/// </summary>
public static class MailTemplates
{
    /// <summary>Proves an address after sign-up or on request. Values: <c>email</c>, <c>link</c>, <c>expiresInMinutes</c>.</summary>
    public const string VerifyEmail = "verify-email";

    /// <summary>Carries a password-reset link. Values: <c>email</c>, <c>link</c>, <c>expiresInMinutes</c>.</summary>
    public const string PasswordReset = "password-reset";

    /// <summary>Tells the owner that the password was reset or changed. Values: <c>email</c>.</summary>
    public const string PasswordChanged = "password-changed";

    /// <summary>Sent to a new address to confirm an email change. Values: <c>email</c>, <c>newEmail</c>, <c>link</c>, <c>expiresInMinutes</c>.</summary>
    public const string EmailChangeConfirm = "email-change-confirm";

    /// <summary>Sent to the old address when the change is confirmed, with a link to undo it. Values: <c>email</c>, <c>newEmail</c>, <c>link</c>, <c>expiresInHours</c>.</summary>
    public const string EmailChangeNotice = "email-change-notice";

    /// <summary>
    /// Confirms to the owner that the account was deleted. Values: <c>email</c>. Queue it with no account id:
    /// deleting an account deletes the mail queued for it.
    /// </summary>
    public const string AccountDeleted = "account-deleted";

    /// <summary>Every template name, for validation of overrides.</summary>
    public static IReadOnlyList<string> All { get; } =
        [VerifyEmail, PasswordReset, PasswordChanged, EmailChangeConfirm, EmailChangeNotice, AccountDeleted];
}
