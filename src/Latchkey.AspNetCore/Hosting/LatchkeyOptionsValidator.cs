using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Http;
using Latchkey.Grants;
using Latchkey.Keys;
using Latchkey.Passwords;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Hosting;

/// <summary>
/// Checks the configuration at start; each failure is one sentence that names the configuration key,
/// so that a typo stops the server instead of weakening it.
/// </summary>
internal sealed class LatchkeyOptionsValidator :
    IValidateOptions<LatchkeyOptions>,
    IValidateOptions<SessionOptions>,
    IValidateOptions<PasswordHashingOptions>,
    IValidateOptions<ThrottlingOptions>,
    IValidateOptions<TokenOptions>,
    IValidateOptions<KeyOptions>,
    IValidateOptions<NetworkOptions>
{
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
            if (!OriginPolicy.TryNormalize(options.AllowedOrigins[i], out _))
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

            if (!Scopes.TryParse(client.Scopes, out _))
            {
                failures.Add($"Latchkey:Clients:{i}:Scopes must be space-separated scope names.");
            }
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, SessionOptions options)
    {
        var failures = new List<string>();
        if (options.IdleTimeout < TimeSpan.FromMinutes(1) || options.IdleTimeout > TimeSpan.FromDays(30))
        {
            failures.Add("Latchkey:Sessions:IdleTimeout must be between 1 minute and 30 days.");
        }

        if (options.AbsoluteTimeout < options.IdleTimeout || options.AbsoluteTimeout > TimeSpan.FromDays(365))
        {
            failures.Add("Latchkey:Sessions:AbsoluteTimeout must be at least Latchkey:Sessions:IdleTimeout and at most 365 days.");
        }

        if (options.TouchInterval < TimeSpan.Zero || options.TouchInterval >= options.IdleTimeout)
        {
            failures.Add("Latchkey:Sessions:TouchInterval must be zero or more and shorter than Latchkey:Sessions:IdleTimeout.");
        }

        // The pruning timer (PeriodicTimer) cannot take periods beyond about 49 days; a larger value
        // would fault the background service and stop the host after validation had passed.
        if (options.CacheMaxAge < TimeSpan.Zero || options.CacheMaxAge > TimeSpan.FromMinutes(5))
        {
            failures.Add("Latchkey:Sessions:CacheMaxAge must be between 0 and 5 minutes.");
        }

        if (options.CacheMaxEntries is < 100 or > 10_000_000)
        {
            failures.Add("Latchkey:Sessions:CacheMaxEntries must be between 100 and 10000000.");
        }

        if (options.PruneInterval < TimeSpan.FromSeconds(1) || options.PruneInterval > TimeSpan.FromDays(1))
        {
            failures.Add("Latchkey:Sessions:PruneInterval must be between 1 second and 1 day.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options)
    {
        var failures = new List<string>();
        if (options.MemorySizeKiB is < 1024 or > 4 * 1024 * 1024)
        {
            failures.Add("Latchkey:Passwords:MemorySizeKiB must be between 1024 and 4194304.");
        }

        if (options.Iterations is < 1 or > 64)
        {
            failures.Add("Latchkey:Passwords:Iterations must be between 1 and 64.");
        }

        if (options.Parallelism != 1)
        {
            failures.Add("Latchkey:Passwords:Parallelism must be 1 (libsodium's Argon2id runs on one lane).");
        }

        if (options.MaxConcurrency is < 1 or > 1024)
        {
            failures.Add("Latchkey:Passwords:MaxConcurrency must be between 1 and 1024.");
        }

        if (options.MaxQueueLength is < 0 or > 100_000)
        {
            failures.Add("Latchkey:Passwords:MaxQueueLength must be between 0 and 100000.");
        }

        if (options.QueueTimeout < TimeSpan.Zero || options.QueueTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Latchkey:Passwords:QueueTimeout must be between 0 and 1 minute.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, ThrottlingOptions options)
    {
        var failures = new List<string>();
        if (options.FreeFailuresPerAccount < 1)
        {
            failures.Add("Latchkey:Throttling:FreeFailuresPerAccount must be at least 1.");
        }

        if (options.FreeFailuresPerAddress < 1)
        {
            failures.Add("Latchkey:Throttling:FreeFailuresPerAddress must be at least 1.");
        }

        if (options.BaseDelay <= TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
        {
            failures.Add("Latchkey:Throttling:BaseDelay must be positive and at most Latchkey:Throttling:MaxDelay.");
        }

        if (options.Window <= TimeSpan.Zero)
        {
            failures.Add("Latchkey:Throttling:Window must be positive.");
        }

        if (options.MaxTrackedKeys < 100)
        {
            failures.Add("Latchkey:Throttling:MaxTrackedKeys must be at least 100.");
        }

        // A waiting request holds its connection; longer than a client's usual timeout helps nobody.
        if (options.ContendedWait < TimeSpan.Zero || options.ContendedWait > TimeSpan.FromSeconds(30))
        {
            failures.Add("Latchkey:Throttling:ContendedWait must be between 0 and 30 seconds.");
        }

        return Result(failures);
    }

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

    private static bool IsStrongBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written >= 32;
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
