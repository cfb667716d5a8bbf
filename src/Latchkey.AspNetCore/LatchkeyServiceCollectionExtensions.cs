using Latchkey;
using Latchkey.Accounts;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Hosting;
using Latchkey.Passwords;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Latchkey server: options, core services, authentication and error handling.</summary>
public static class LatchkeyServiceCollectionExtensions
{
    /// <summary>
    /// Adds Latchkey with options bound from the <c>Latchkey</c> section of <paramref name="configuration"/>
    /// and validated at start. Choose a store on the returned builder, for example <c>.UseSqlite()</c>.
    /// </summary>
    public static LatchkeyBuilder AddLatchkey(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(LatchkeyOptions.SectionName);
        services.AddOptions<LatchkeyOptions>().Bind(section).PostConfigure(o => AddListedOrigins(o, section)).ValidateOnStart();
        services.AddOptions<SessionOptions>().Bind(section.GetSection("Sessions")).ValidateOnStart();
        services.AddOptions<PasswordHashingOptions>().Bind(section.GetSection("Passwords")).ValidateOnStart();
        services.AddOptions<ThrottlingOptions>().Bind(section.GetSection("Throttling")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LatchkeyOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PasswordHashingOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThrottlingOptions>, LatchkeyOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher, Argon2idPasswordHasher>();
        services.TryAddSingleton<PasswordHashingGate>();
        services.TryAddSingleton<ILoginThrottle, InMemoryLoginThrottle>();
        services.TryAddSingleton<SessionManager>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<OriginPolicy>();
        services.TryAddSingleton<LatchkeySchemes>();
        services.AddHostedService<SessionPruningService>();

        services.AddProblemDetails();
        services.AddExceptionHandler<LatchkeyExceptionHandler>();
        services.AddAuthentication(LatchkeyDefaults.AuthenticationScheme)
            .AddPolicyScheme(LatchkeyDefaults.AuthenticationScheme, "Latchkey", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, LatchkeySessionHandler>(LatchkeyDefaults.SessionScheme, "Latchkey session", null);
        services.AddAuthorization();

        return new LatchkeyBuilder(services);
    }

    // One endpoint, two schemes: a bearer header selects the bearer scheme once one is registered.
    private static string SelectScheme(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count > 0 && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && context.RequestServices.GetRequiredService<LatchkeySchemes>().BearerEnabled)
        {
            return LatchkeyDefaults.BearerScheme;
        }

        return LatchkeyDefaults.SessionScheme;
    }

    // Also accept "Latchkey:AllowedOrigins" as one comma- or space-separated string, handy in environment variables.
    private static void AddListedOrigins(LatchkeyOptions options, IConfigurationSection section)
    {
        if (section["AllowedOrigins"] is { Length: > 0 } listed)
        {
            foreach (var origin in listed.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.AllowedOrigins.Add(origin);
            }
        }
    }
}
