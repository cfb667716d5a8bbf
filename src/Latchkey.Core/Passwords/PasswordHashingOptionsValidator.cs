using Microsoft.Extensions.Options;

namespace Latchkey.Passwords;

/// <summary>
/// Checks <see cref="PasswordHashingOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:Passwords:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class PasswordHashingOptionsValidator : IValidateOptions<PasswordHashingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options)
    {
        var failures = new List<string>();
        if (options.MemorySizeKiB is < 1024 or > 4 * 1024 * 1024)
        {
            failures.Add("Latchkey:Passwords:MemorySizeKiB must be between 1024 and 4194304.");
        }

        if (options.Iterations is < 1 or > 64)
        {
            failures.Add("Latchkey:Passwords:Iterations must be between 1 and 64.");
        }

        if (options.Parallelism != 1)
        {
            failures.Add("Latchkey:Passwords:Parallelism must be 1 (libsodium's Argon2id runs on one lane).");
        }

        if (options.MaxConcurrency is < 1 or > 1024)
        {
            failures.Add("Latchkey:Passwords:MaxConcurrency must be between 1 and 1024.");
        }

        if (options.MaxQueueLength is < 0 or > 100_000)
        {
            failures.Add("Latchkey:Passwords:MaxQueueLength must be between 0 and 100000.");
        }

        if (options.QueueTimeout < TimeSpan.Zero || options.QueueTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Latchkey:Passwords:QueueTimeout must be between 0 and 1 minute.");
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
