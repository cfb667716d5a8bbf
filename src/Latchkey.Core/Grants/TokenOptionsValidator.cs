using Microsoft.Extensions.Options;

namespace Latchkey.Grants;

/// <summary>
/// Checks <see cref="TokenOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:Tokens:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var failures = new List<string>();
        if (options.AccessTokenLifetime < TimeSpan.FromMinutes(1) || options.AccessTokenLifetime > TimeSpan.FromHours(1))
        {
            failures.Add("Latchkey:Tokens:AccessTokenLifetime must be between 1 minute and 1 hour.");
        }

        if (options.RefreshTokenLifetime < TimeSpan.FromMinutes(1) || options.RefreshTokenLifetime > options.RefreshTokenAbsoluteLifetime)
        {
            failures.Add("Latchkey:Tokens:RefreshTokenLifetime must be at least 1 minute and at most Latchkey:Tokens:RefreshTokenAbsoluteLifetime.");
        }

        if (options.RefreshTokenAbsoluteLifetime > TimeSpan.FromDays(365))
        {
            failures.Add("Latchkey:Tokens:RefreshTokenAbsoluteLifetime must be at most 365 days.");
        }

        if (options.RefreshReuseGracePeriod < TimeSpan.Zero || options.RefreshReuseGracePeriod > TimeSpan.FromMinutes(1))
        {
            failures.Add("Latchkey:Tokens:RefreshReuseGracePeriod must be between 0 and 1 minute.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("Latchkey:Tokens:ClockSkew must be between 0 and 5 minutes.");
        }

        if (options.Audience is { Length: 0 })
        {
            failures.Add("Latchkey:Tokens:Audience must not be empty when set.");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultClientId))
        {
            failures.Add("Latchkey:Tokens:DefaultClientId must not be empty.");
        }

        if (!Scopes.TryParse(options.DefaultClientScopes, out _))
        {
            failures.Add("Latchkey:Tokens:DefaultClientScopes must be space-separated scope names.");
        }

        if (options.MaxTokenLength is < 512 or > 65536)
        {
            failures.Add("Latchkey:Tokens:MaxTokenLength must be between 512 and 65536.");
        }

        if (options.ValidatedTokenCacheSize is < 0 or > 1_000_000)
        {
            failures.Add("Latchkey:Tokens:ValidatedTokenCacheSize must be between 0 (off) and 1000000.");
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
