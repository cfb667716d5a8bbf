using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Checks <see cref="LatchkeyBearerOptions"/> when the application starts; each failure is one sentence
/// that names the option, so that a typo stops the service instead of weakening it.
/// </summary>
internal sealed class LatchkeyBearerOptionsValidator : IValidateOptions<LatchkeyBearerOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchkeyBearerOptions options)
    {
        var failures = new List<string>();
        if (options.Validation is not null)
        {
            // Validated in process (the Latchkey server itself): no authority to fetch keys from.
        }
        else if (string.IsNullOrWhiteSpace(options.Authority))
        {
            failures.Add("LatchkeyBearerOptions.Authority is required: the Latchkey server's URL, for example https://auth.example.com.");
        }
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
            || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp)
            || authority.Query.Length > 0 || authority.Fragment.Length > 0 || authority.UserInfo.Length > 0)
        {
            failures.Add($"LatchkeyBearerOptions.Authority must be an absolute http or https URL without user info, query or fragment; '{options.Authority}' is not.");
        }
        else if (!LatchkeyEndpoints.IsAllowed(authority, options.RequireHttpsMetadata))
        {
            failures.Add($"LatchkeyBearerOptions.Authority must use https unless its host is a loopback address or RequireHttpsMetadata is false; '{options.Authority}' does not.");
        }

        if (options.Audience is not null && string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("LatchkeyBearerOptions.Audience must not be empty when set.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("LatchkeyBearerOptions.ClockSkew must be between 0 and 5 minutes.");
        }

        if (options.MetadataMaxAge < TimeSpan.FromSeconds(1) || options.MetadataMaxAge > TimeSpan.FromDays(1))
        {
            failures.Add("LatchkeyBearerOptions.MetadataMaxAge must be between 1 second and 1 day.");
        }

        if (options.RefreshCooldown < TimeSpan.FromSeconds(1) || options.RefreshCooldown > options.MetadataMaxAge)
        {
            failures.Add("LatchkeyBearerOptions.RefreshCooldown must be at least 1 second and at most LatchkeyBearerOptions.MetadataMaxAge.");
        }

        if (options.HttpTimeout <= TimeSpan.Zero || options.HttpTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("LatchkeyBearerOptions.HttpTimeout must be positive and at most 2 minutes.");
        }

        if (options.MaxTokenLength is < 512 or > 65536)
        {
            failures.Add("LatchkeyBearerOptions.MaxTokenLength must be between 512 and 65536.");
        }

        if (options.ValidatedTokenCacheSize is < 0 or > 1_000_000)
        {
            failures.Add("LatchkeyBearerOptions.ValidatedTokenCacheSize must be between 0 (off) and 1000000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
