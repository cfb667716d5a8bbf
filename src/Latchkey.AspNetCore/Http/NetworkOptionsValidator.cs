using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Http;

/// <summary>
/// Checks <see cref="NetworkOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:Network:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class NetworkOptionsValidator : IValidateOptions<NetworkOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NetworkOptions options)
    {
        var failures = new List<string>();
        var i = 0;
        foreach (var entry in options.TrustedProxies)
        {
            if (!NetworkOptions.TryParseProxy(entry, out _))
            {
                failures.Add($"Latchkey:Network:TrustedProxies:{i} must be an IP address or a CIDR range such as 10.0.0.0/8; '{entry}' is not.");
            }

            i++;
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
