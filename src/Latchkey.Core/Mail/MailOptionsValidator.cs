using Microsoft.Extensions.Options;

namespace Latchkey.Mail;

/// <summary>Checks <see cref="MailOptions"/> at start; each failure names its key (<c>Latchkey:Mail:…</c>).</summary>
internal sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPending is < 1 or > 10_000_000)
        {
            failures.Add("Latchkey:Mail:MaxPending must be between 1 and 10000000.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add("Latchkey:Mail:MaxAttempts must be between 1 and 100.");
        }

        if (options.MaxAge < TimeSpan.FromMinutes(1) || options.MaxAge > TimeSpan.FromDays(30))
        {
            failures.Add("Latchkey:Mail:MaxAge must be between 1 minute and 30 days.");
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(100) || options.RetryDelay > options.MaxRetryDelay)
        {
            failures.Add("Latchkey:Mail:RetryDelay must be at least 100 milliseconds and at most Latchkey:Mail:MaxRetryDelay.");
        }

        if (options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add("Latchkey:Mail:MaxRetryDelay must be at most 1 day.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add("Latchkey:Mail:PollInterval must be between 100 milliseconds and 10 minutes.");
        }

        if (options.LeaseDuration < TimeSpan.FromMinutes(1) || options.LeaseDuration > TimeSpan.FromHours(1))
        {
            failures.Add("Latchkey:Mail:LeaseDuration must be between 1 minute and 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
