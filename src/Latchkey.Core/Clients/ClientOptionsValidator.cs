namespace Latchkey.Clients;

/// <summary>
/// The rules every client must meet, whether declared in configuration or stored: each failure is one sentence that
/// names the offending key after a prefix that says which client (<c>Latchkey:Clients:0</c> for configuration).
/// </summary>
public static class ClientOptionsValidator
{
    /// <summary>Whether <paramref name="clientId"/> is 1 to 128 printable ASCII characters without spaces.</summary>
    public static bool IsValidClientId(string? clientId) =>
        !string.IsNullOrWhiteSpace(clientId) && clientId.Length <= 128 && clientId.All(c => c is >= (char)0x21 and <= (char)0x7E);

    /// <summary>Adds a sentence to <paramref name="failures"/> for each rule <paramref name="client"/> breaks.</summary>
    /// <param name="client">The client.</param>
    /// <param name="key">What the messages call the client, such as <c>Latchkey:Clients:0</c>.</param>
    /// <param name="failures">Where the sentences go.</param>
    public static void Validate(ClientOptions client, string key, ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(failures);
        if (!IsValidClientId(client.ClientId))
        {
            failures.Add($"{key}:ClientId must be 1 to 128 printable ASCII characters without spaces.");
        }

        // The registry clears the plain secret once hashed; a null secret after that is expected.
        if (client.ClientSecret is not null && client.ClientSecret.Length < 16)
        {
            failures.Add($"{key}:ClientSecret must have at least 16 characters.");
        }

        if (!Grants.Scopes.TryParse(client.Scopes, out var scopes))
        {
            failures.Add($"{key}:Scopes must be space-separated scope names.");
        }
        else if (scopes.Contains(Grants.Scopes.Admin, StringComparer.Ordinal)
            && (!client.IsConfidential || client.EffectiveGrantTypes is not ["client_credentials"]))
        {
            // A user's token must never open the admin API: an operator uses a session, a service its own credentials.
            failures.Add($"{key}:Scopes: only a service client (a ClientSecret, GrantTypes client_credentials alone) may have the admin scope.");
        }

        ValidateClientFlows(client, key, failures);
    }

    private static readonly string[] KnownGrantTypes = ["authorization_code", "refresh_token", "client_credentials", "password"];

    // What an OpenID Connect client may be: grants it can use, redirect URIs that are exact absolute URLs.
    private static void ValidateClientFlows(ClientOptions client, string key, ICollection<string> failures)
    {
        var grants = client.EffectiveGrantTypes;
        foreach (var grant in grants)
        {
            if (!KnownGrantTypes.Contains(grant, StringComparer.Ordinal))
            {
                failures.Add($"{key}:GrantTypes may list authorization_code, refresh_token, client_credentials and password; '{grant}' is none of them.");
            }
        }

        if (!client.IsConfidential)
        {
            if (client.RedirectUris.Count == 0)
            {
                failures.Add($"{key} needs a ClientSecret (a service client) or RedirectUris (an application).");
            }

            if (grants.Contains("client_credentials", StringComparer.Ordinal) || grants.Contains("password", StringComparer.Ordinal))
            {
                failures.Add($"{key}:GrantTypes: a public client (no ClientSecret) may not use client_credentials or password.");
            }
        }

        if (grants.Contains("authorization_code", StringComparer.Ordinal) && client.RedirectUris.Count == 0)
        {
            failures.Add($"{key}:RedirectUris must list at least one URI for the authorization_code grant.");
        }

        ValidateUris(client.RedirectUris, $"{key}:RedirectUris", failures);
        ValidateUris(client.PostLogoutRedirectUris, $"{key}:PostLogoutRedirectUris", failures);
        ValidateCorsOrigins(client, key, failures);
        if (client.BackChannelLogoutUri is { } backChannel)
        {
            ValidateUris([backChannel], $"{key}:BackChannelLogoutUri", failures);
        }

        if (!Keys.SigningAlgorithms.IsSupported(client.IdTokenSigningAlgorithm))
        {
            failures.Add($"{key}:IdTokenSigningAlgorithm must be RS256, ES256, PS256 or EdDSA.");
        }
    }

    // An origin exactly as a browser sends it, so that what is configured is what is compared; and only for public
    // clients, since a script in a browser cannot keep a client secret.
    private static void ValidateCorsOrigins(ClientOptions client, string key, ICollection<string> failures)
    {
        if (client.AllowedCorsOrigins.Count > 0 && client.IsConfidential)
        {
            failures.Add($"{key}:AllowedCorsOrigins: only a public client (no ClientSecret) may be called from browser scripts.");
        }

        for (var j = 0; j < client.AllowedCorsOrigins.Count; j++)
        {
            var value = client.AllowedCorsOrigins[j];
            if (!Security.WebOrigin.TryNormalize(value, out var normalized) || normalized != value)
            {
                failures.Add($"{key}:AllowedCorsOrigins:{j} must be an origin such as https://app.example.com (lower case, no path, no default port); '{value}' is not.");
            }
        }
    }

    private static void ValidateUris(IList<string> uris, string key, ICollection<string> failures)
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
}
