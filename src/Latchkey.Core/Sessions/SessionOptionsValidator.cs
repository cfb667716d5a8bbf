using Microsoft.Extensions.Options;

namespace Latchkey.Sessions;

/// <summary>
/// Checks <see cref="SessionOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:Sessions:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class SessionOptionsValidator : IValidateOptions<SessionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SessionOptions options)
    {
        var failures = new List<string>();
        if (options.IdleTimeout < TimeSpan.FromMinutes(1) || options.IdleTimeout > TimeSpan.FromDays(30))
        {
            failures.Add("Latchkey:Sessions:IdleTimeout must be between 1 minute and 30 days.");
        }

        if (options.AbsoluteTimeout < options.IdleTimeout || options.AbsoluteTimeout > TimeSpan.FromDays(365))
        {
            failures.Add("Latchkey:Sessions:AbsoluteTimeout must be at least Latchkey:Sessions:IdleTimeout and at most 365 days.");
        }

        if (options.TouchInterval < TimeSpan.Zero || options.TouchInterval >= options.IdleTimeout)
        {
            failures.Add("Latchkey:Sessions:TouchInterval must be zero or more and shorter than Latchkey:Sessions:IdleTimeout.");
        }

        // The pruning timer (PeriodicTimer) cannot take periods beyond about 49 days; a larger value
        // would fault the background service and stop the host after validation had passed.
        if (options.CacheMaxAge < TimeSpan.Zero || options.CacheMaxAge > TimeSpan.FromMinutes(5))
        {
            failures.Add("Latchkey:Sessions:CacheMaxAge must be between 0 and 5 minutes.");
        }

        if (options.CacheMaxEntries is < 100 or > 10_000_000)
        {
            failures.Add("Latchkey:Sessions:CacheMaxEntries must be between 100 and 10000000.");
        }

        if (options.PruneInterval < TimeSpan.FromSeconds(1) || options.PruneInterval > TimeSpan.FromDays(1))
        {
            failures.Add("Latchkey:Sessions:PruneInterval must be between 1 second and 1 day.");
        }

        if (options.ReauthWindow < TimeSpan.FromMinutes(1) || options.ReauthWindow > TimeSpan.FromHours(24))
        {
            failures.Add("Latchkey:Sessions:ReauthWindow must be between 1 minute and 24 hours.");
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
