using Latchkey.AspNetCore.Csrf;
using Latchkey.Passwords;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Hosting;

/// <summary>
/// Checks the configuration at start; each failure is one sentence that names the configuration key,
/// so that a typo stops the server instead of weakening it.
/// </summary>
internal sealed class LatchkeyOptionsValidator :
    IValidateOptions<LatchkeyOptions>,
    IValidateOptions<SessionOptions>,
    IValidateOptions<PasswordHashingOptions>,
    IValidateOptions<ThrottlingOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchkeyOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Latchkey:DataDirectory must name a directory.");
        }

        if (options.Issuer is { } issuer
            && (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            failures.Add($"Latchkey:Issuer must be an absolute http or https URL without query or fragment; '{issuer}' is not.");
        }

        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!OriginPolicy.TryNormalize(options.AllowedOrigins[i], out _))
            {
                failures.Add($"Latchkey:AllowedOrigins:{i} must be an origin such as https://app.example.com (scheme, host and optional port, no path); '{options.AllowedOrigins[i]}' is not.");
            }
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add("Latchkey:MaxRequestBodyBytes must be between 1024 and 1048576.");
        }

        return Result(failures);
    }

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
        if (options.PruneInterval < TimeSpan.FromSeconds(1) || options.PruneInterval > TimeSpan.FromDays(1))
        {
            failures.Add("Latchkey:Sessions:PruneInterval must be between 1 second and 1 day.");
        }

        return Result(failures);
    }

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

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
