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

            ValidateClientFlows(client, i, failures);
        }

        return Result(failures);
    }

    private static readonly string[] KnownGrantTypes = ["authorization_code", "refresh_token", "client_credentials", "password"];

    // What an OpenID Connect client may be: grants it can use, redirect URIs that are exact absolute URLs.
    private static void ValidateClientFlows(Clients.ClientOptions client, int i, List<string> failures)
    {
        var grants = client.EffectiveGrantTypes;
        foreach (var grant in grants)
        {
            if (!KnownGrantTypes.Contains(grant, StringComparer.Ordinal))
            {
                failures.Add($"Latchkey:Clients:{i}:GrantTypes may list authorization_code, refresh_token, client_credentials and password; '{grant}' is none of them.");
            }
        }

        if (!client.IsConfidential)
        {
            if (client.RedirectUris.Count == 0)
            {
                failures.Add($"Latchkey:Clients:{i} needs a ClientSecret (a service client) or RedirectUris (an application).");
            }

            if (grants.Contains("client_credentials", StringComparer.Ordinal) || grants.Contains("password", StringComparer.Ordinal))
            {
                failures.Add($"Latchkey:Clients:{i}:GrantTypes: a public client (no ClientSecret) may not use client_credentials or password.");
            }
        }

        if (grants.Contains("authorization_code", StringComparer.Ordinal) && client.RedirectUris.Count == 0)
        {
            failures.Add($"Latchkey:Clients:{i}:RedirectUris must list at least one URI for the authorization_code grant.");
        }

        ValidateUris(client.RedirectUris, $"Latchkey:Clients:{i}:RedirectUris", failures);
        ValidateUris(client.PostLogoutRedirectUris, $"Latchkey:Clients:{i}:PostLogoutRedirectUris", failures);
        ValidateCorsOrigins(client, i, failures);
        if (client.BackChannelLogoutUri is { } backChannel)
        {
            ValidateUris([backChannel], $"Latchkey:Clients:{i}:BackChannelLogoutUri", failures);
        }

        if (!Keys.SigningAlgorithms.IsSupported(client.IdTokenSigningAlgorithm))
        {
            failures.Add($"Latchkey:Clients:{i}:IdTokenSigningAlgorithm must be RS256, ES256, PS256 or EdDSA.");
        }
    }

    // An origin exactly as a browser sends it, so that what is configured is what is compared; and only for public
    // clients, since a script in a browser cannot keep a client secret.
    private static void ValidateCorsOrigins(Clients.ClientOptions client, int i, List<string> failures)
    {
        if (client.AllowedCorsOrigins.Count > 0 && client.IsConfidential)
        {
            failures.Add($"Latchkey:Clients:{i}:AllowedCorsOrigins: only a public client (no ClientSecret) may be called from browser scripts.");
        }

        for (var j = 0; j < client.AllowedCorsOrigins.Count; j++)
        {
            var value = client.AllowedCorsOrigins[j];
            if (Clients.ClientRegistry.OriginOf(value) != value)
            {
                failures.Add($"Latchkey:Clients:{i}:AllowedCorsOrigins:{j} must be an origin such as https://app.example.com (lower case, no path, no default port); '{value}' is not.");
            }
        }
    }

    private static void ValidateUris(IList<string> uris, string key, List<string> failures)
    {
        for (var j = 0; j < uris.Count; j++)
        {
            var value = uris[j];
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0 || value.Contains('#', StringComparison.Ordinal)
                || value.Length > 2048 || value.Any(char.IsWhiteSpace))
            {
                failures.Add($"{key}:{j} must be an absolute URI without a fragment; '{value}' is not.");
            }
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
