using Latchkey.AspNetCore.ResourceServer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Latchkey bearer scheme, which accepts access tokens issued by a Latchkey server.</summary>
public static class LatchkeyBearerExtensions
{
    /// <summary>
    /// Adds the <see cref="LatchkeyBearerDefaults.AuthenticationScheme"/> scheme, which accepts Latchkey access
    /// tokens in <c>Authorization: Bearer</c>: <c>AddAuthentication().AddLatchkeyBearer(o => o.Authority = "https://auth.example.com")</c>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configureOptions">Sets at least <see cref="LatchkeyBearerOptions.Authority"/>.</param>
    public static AuthenticationBuilder AddLatchkeyBearer(this AuthenticationBuilder builder, Action<LatchkeyBearerOptions> configureOptions) =>
        builder.AddLatchkeyBearer(LatchkeyBearerDefaults.AuthenticationScheme, displayName: null, configureOptions);

    /// <summary>Adds a Latchkey bearer scheme under <paramref name="authenticationScheme"/>, for example one per Latchkey server.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configureOptions">Sets at least <see cref="LatchkeyBearerOptions.Authority"/>.</param>
    public static AuthenticationBuilder AddLatchkeyBearer(this AuthenticationBuilder builder, string authenticationScheme, Action<LatchkeyBearerOptions> configureOptions) =>
        builder.AddLatchkeyBearer(authenticationScheme, displayName: null, configureOptions);

    /// <summary>
    /// Adds a Latchkey bearer scheme. The options are validated when the application starts, and the keys
    /// are fetched on the first request that needs them.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="displayName">The display name, or <see langword="null"/>.</param>
    /// <param name="configureOptions">Sets at least <see cref="LatchkeyBearerOptions.Authority"/>.</param>
    public static AuthenticationBuilder AddLatchkeyBearer(
        this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<LatchkeyBearerOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LatchkeyBearerStates>();
        services.AddHttpClient(LatchkeyBearerDefaults.HttpClientName, client =>
        {
            // A discovery document or JWKS is a few kilobytes; refuse to buffer anything much larger.
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LatchkeyBearerOptions>, LatchkeyBearerOptionsValidator>());
        services.AddOptions<LatchkeyBearerOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<LatchkeyBearerOptions, LatchkeyBearerHandler>(authenticationScheme, displayName, configureOptions);
    }
}
