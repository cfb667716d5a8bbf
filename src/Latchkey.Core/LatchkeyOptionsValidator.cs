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

        var clientIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            if (string.IsNullOrWhiteSpace(client.ClientId) || client.ClientId.Length > 128 || client.ClientId.Any(c => c < 0x21 || c > 0x7E))
            {
                failures.Add($"Latchkey:Clients:{i}:ClientId must be 1 to 128 printable ASCII characters without spaces.");
            }
            else if (!clientIds.Add(client.ClientId))
            {
                failures.Add($"Latchkey:Clients:{i}:ClientId '{client.ClientId}' is declared twice.");
            }

            // The registry clears the plain secret once hashed; a null secret after that is expected.
            if (client.ClientSecret is not null && client.ClientSecret.Length < 16)
            {
                failures.Add($"Latchkey:Clients:{i}:ClientSecret must have at least 16 characters.");
            }

            if (!Grants.Scopes.TryParse(client.Scopes, out _))
            {
                failures.Add($"Latchkey:Clients:{i}:Scopes must be space-separated scope names.");
            }
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
