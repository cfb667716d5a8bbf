using Latchkey.Security;
using Microsoft.Extensions.Options;

namespace Latchkey;

/// <summary>
/// Checks <see cref="LatchkeyOptions"/> at start; each failure is one sentence that names the configuration key (<c>Latchkey:…</c>), so that a typo stops the application instead of weakening it.
/// </summary>
internal sealed class LatchkeyOptionsValidator : IValidateOptions<LatchkeyOptions>
{
    /// <inheritdoc />
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
            if (!WebOrigin.TryNormalize(options.AllowedOrigins[i], out _))
            {
                failures.Add($"Latchkey:AllowedOrigins:{i} must be an origin such as https://app.example.com (scheme, host and optional port, no path); '{options.AllowedOrigins[i]}' is not.");
            }
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 64 * 1024)
        {
            failures.Add("Latchkey:MaxRequestBodyBytes must be between 1024 and 65536.");
        }

        if (options.ClientRefreshInterval < TimeSpan.FromSeconds(1) || options.ClientRefreshInterval > TimeSpan.FromHours(1))
        {
            failures.Add("Latchkey:ClientRefreshInterval must be between 00:00:01 and 01:00:00.");
        }

        var clientIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            Clients.ClientOptionsValidator.Validate(client, $"Latchkey:Clients:{i}", failures);
            if (Clients.ClientOptionsValidator.IsValidClientId(client.ClientId) && !clientIds.Add(client.ClientId))
            {
                failures.Add($"Latchkey:Clients:{i}:ClientId '{client.ClientId}' is declared twice.");
            }
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
