using Microsoft.Extensions.Options;

namespace Latchkey.Keys;

/// <summary>
/// Checks <see cref="KeyOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:Keys:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class KeyOptionsValidator : IValidateOptions<KeyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        var failures = new List<string>();
        if (!SigningAlgorithms.IsSupported(options.Algorithm))
        {
            failures.Add($"Latchkey:Keys:Algorithm must be one of {string.Join(", ", SigningAlgorithms.All)}; '{options.Algorithm}' is not.");
        }

        if (options.JwksCacheMaxAge < TimeSpan.Zero || options.JwksCacheMaxAge > TimeSpan.FromDays(1))
        {
            failures.Add("Latchkey:Keys:JwksCacheMaxAge must be between 0 and 1 day.");
        }

        if (options.PublishAhead < options.JwksCacheMaxAge)
        {
            failures.Add("Latchkey:Keys:PublishAhead must be at least Latchkey:Keys:JwksCacheMaxAge, so that verifiers see a key before it signs.");
        }

        if (options.RotationInterval < options.PublishAhead + TimeSpan.FromMinutes(1) || options.RotationInterval > TimeSpan.FromDays(365))
        {
            failures.Add("Latchkey:Keys:RotationInterval must exceed Latchkey:Keys:PublishAhead by at least 1 minute and be at most 365 days.");
        }

        if (options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromHours(1))
        {
            failures.Add("Latchkey:Keys:RefreshInterval must be between 1 second and 1 hour.");
        }

        if (options.MasterSecret is { Length: > 0 } secret && !IsStrongBase64(secret))
        {
            failures.Add("Latchkey:Keys:MasterSecret must be base64 of at least 32 bytes.");
        }

        return Result(failures);
    }

    private static bool IsStrongBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written >= 32;
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
