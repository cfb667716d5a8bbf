using Microsoft.Extensions.Options;

namespace Latchkey.Mfa;

/// <summary>Checks <see cref="MfaOptions"/> at start; each failure names its key (<c>Latchkey:Mfa:…</c>).</summary>
internal sealed class MfaOptionsValidator : IValidateOptions<MfaOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MfaOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Required))
        {
            failures.Add("Latchkey:Mfa:Required must be Off, Optional or Required.");
        }

        if (options.ChallengeLifetime < TimeSpan.FromMinutes(1) || options.ChallengeLifetime > TimeSpan.FromMinutes(30))
        {
            failures.Add("Latchkey:Mfa:ChallengeLifetime must be between 1 and 30 minutes.");
        }

        if (string.IsNullOrWhiteSpace(options.TotpIssuer) || options.TotpIssuer.Length > 64 || options.TotpIssuer.Contains(':', StringComparison.Ordinal))
        {
            failures.Add("Latchkey:Mfa:TotpIssuer must be 1 to 64 characters without a colon.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
