using Microsoft.Extensions.Options;

namespace Latchkey.Passkeys;

/// <summary>Checks <see cref="WebAuthnOptions"/> at start; each failure names its key (<c>Latchkey:WebAuthn:…</c>).</summary>
internal sealed class WebAuthnOptionsValidator : IValidateOptions<WebAuthnOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WebAuthnOptions options)
    {
        var failures = new List<string>();
        if (options.RelyingPartyId is { } rpId
            && (rpId.Length is 0 or > 253 || Uri.CheckHostName(rpId) != UriHostNameType.Dns || rpId.StartsWith('.') || rpId.EndsWith('.')))
        {
            failures.Add("Latchkey:WebAuthn:RelyingPartyId must be a domain name (no scheme, port or path), such as example.com.");
        }

        if (string.IsNullOrWhiteSpace(options.RelyingPartyName) || options.RelyingPartyName.Length > 64)
        {
            failures.Add("Latchkey:WebAuthn:RelyingPartyName must be 1 to 64 characters.");
        }

        foreach (var origin in options.Origins)
        {
            if (!IsOrigin(origin))
            {
                failures.Add($"Latchkey:WebAuthn:Origins: '{origin}' is not an origin (https://host[:port], or http://localhost[:port]).");
            }
            else if (options.RelyingPartyId is { } id && !Covers(id, new Uri(origin).Host))
            {
                failures.Add($"Latchkey:WebAuthn:Origins: '{origin}' is not within the relying party id '{id}'.");
            }
        }

        if (options.CeremonyLifetime < TimeSpan.FromMinutes(1) || options.CeremonyLifetime > TimeSpan.FromMinutes(15))
        {
            failures.Add("Latchkey:WebAuthn:CeremonyLifetime must be between 1 and 15 minutes.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(30) || options.Timeout > options.CeremonyLifetime)
        {
            failures.Add("Latchkey:WebAuthn:Timeout must be at least 30 seconds and at most Latchkey:WebAuthn:CeremonyLifetime.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="host"/> is <paramref name="rpId"/> or a subdomain of it.</summary>
    internal static bool Covers(string rpId, string host) =>
        string.Equals(host, rpId, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + rpId, StringComparison.OrdinalIgnoreCase);

    /// <summary>An origin as a browser writes it: scheme, host and port only; https, or http on localhost (a secure context).</summary>
    internal static bool IsOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        && uri.AbsolutePath == "/" && !value!.EndsWith('/') && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}
