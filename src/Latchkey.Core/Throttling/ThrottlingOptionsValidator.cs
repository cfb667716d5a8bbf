using Microsoft.Extensions.Options;

namespace Latchkey.Throttling;

/// <summary>
/// Checks <see cref="ThrottlingOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:Throttling:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class ThrottlingOptionsValidator : IValidateOptions<ThrottlingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ThrottlingOptions options)
    {
        var failures = new List<string>();
        if (options.FreeFailuresPerAccount < 1)
        {
            failures.Add("Latchkey:Throttling:FreeFailuresPerAccount must be at least 1.");
        }

        if (options.FreeFailuresPerAddress < 1)
        {
            failures.Add("Latchkey:Throttling:FreeFailuresPerAddress must be at least 1.");
        }

        if (options.BaseDelay <= TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
        {
            failures.Add("Latchkey:Throttling:BaseDelay must be positive and at most Latchkey:Throttling:MaxDelay.");
        }

        if (options.Window <= TimeSpan.Zero)
        {
            failures.Add("Latchkey:Throttling:Window must be positive.");
        }

        if (options.MaxTrackedKeys < 100)
        {
            failures.Add("Latchkey:Throttling:MaxTrackedKeys must be at least 100.");
        }

        // A waiting request holds its connection; longer than a client's usual timeout helps nobody.
        if (options.ContendedWait < TimeSpan.Zero || options.ContendedWait > TimeSpan.FromSeconds(30))
        {
            failures.Add("Latchkey:Throttling:ContendedWait must be between 0 and 30 seconds.");
        }

        if (options.FreeFailuresPerDevice < 1)
        {
            failures.Add("Latchkey:Throttling:FreeFailuresPerDevice must be at least 1.");
        }

        if (options.DeviceTokenLifetime < TimeSpan.FromHours(1) || options.DeviceTokenLifetime > TimeSpan.FromDays(400))
        {
            failures.Add("Latchkey:Throttling:DeviceTokenLifetime must be between 1 hour and 400 days.");
        }

        if (options.SignUpsPerAddress < 1)
        {
            failures.Add("Latchkey:Throttling:SignUpsPerAddress must be at least 1.");
        }

        if (options.SignUpWindow < TimeSpan.FromSeconds(1) || options.SignUpWindow > TimeSpan.FromDays(1))
        {
            failures.Add("Latchkey:Throttling:SignUpWindow must be between 1 second and 1 day.");
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
