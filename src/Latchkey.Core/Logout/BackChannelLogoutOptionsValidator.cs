using Microsoft.Extensions.Options;

namespace Latchkey.Logout;

/// <summary>Checks <see cref="BackChannelLogoutOptions"/> at start; each failure names its key.</summary>
internal sealed class BackChannelLogoutOptionsValidator : IValidateOptions<BackChannelLogoutOptions>
{
    private const string Section = "Latchkey:BackChannelLogout:";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BackChannelLogoutOptions options)
    {
        var failures = new List<string>();
        if (options.TokenLifetime < TimeSpan.FromSeconds(30) || options.TokenLifetime > TimeSpan.FromMinutes(10))
        {
            failures.Add(Section + "TokenLifetime must be between 30 seconds and 10 minutes.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add(Section + "Timeout must be between 1 second and 1 minute.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add(Section + "MaxAttempts must be between 1 and 100.");
        }

        if (options.MaxAge < TimeSpan.FromMinutes(1) || options.MaxAge > TimeSpan.FromDays(7))
        {
            failures.Add(Section + "MaxAge must be between 1 minute and 7 days.");
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(100) || options.RetryDelay > options.MaxRetryDelay)
        {
            failures.Add(Section + "RetryDelay must be at least 100 milliseconds and at most " + Section + "MaxRetryDelay.");
        }

        if (options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add(Section + "MaxRetryDelay must be at most 1 day.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add(Section + "PollInterval must be between 100 milliseconds and 10 minutes.");
        }

        if (options.LeaseDuration < options.Timeout + options.Timeout || options.LeaseDuration > TimeSpan.FromHours(1))
        {
            failures.Add(Section + "LeaseDuration must be at least twice " + Section + "Timeout and at most 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
