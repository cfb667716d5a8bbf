using Microsoft.Extensions.Options;

namespace Latchkey.Accounts.Recovery;

/// <summary>
/// Checks <see cref="AccountOptions"/> at start; each failure names its key (<c>Latchkey:Accounts:…</c>). A link
/// that expires at once is useless, and one that lives for weeks is a standing credential in a mailbox.
/// </summary>
internal sealed class AccountOptionsValidator : IValidateOptions<AccountOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AccountOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(AccountOptions.VerifyEmailLifetime), options.VerifyEmailLifetime, TimeSpan.FromMinutes(5), TimeSpan.FromDays(30), "5 minutes and 30 days");
        Check(failures, nameof(AccountOptions.PasswordResetLifetime), options.PasswordResetLifetime, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1), "5 minutes and 1 day");
        Check(failures, nameof(AccountOptions.EmailChangeLifetime), options.EmailChangeLifetime, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7), "5 minutes and 7 days");
        Check(failures, nameof(AccountOptions.EmailChangeUndoLifetime), options.EmailChangeUndoLifetime, TimeSpan.FromHours(1), TimeSpan.FromDays(30), "1 hour and 30 days");
        if (options.LinkMailsPerAccount is < 1 or > 1000)
        {
            failures.Add("Latchkey:Accounts:LinkMailsPerAccount must be between 1 and 1000.");
        }

        Check(failures, nameof(AccountOptions.LinkMailWindow), options.LinkMailWindow, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1), "1 minute and 1 day");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max, string range)
    {
        if (value < min || value > max)
        {
            failures.Add($"Latchkey:Accounts:{key} must be between {range}.");
        }
    }
}
