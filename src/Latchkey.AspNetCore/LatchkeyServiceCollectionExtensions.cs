using Latchkey.AccessTokens;
using Latchkey.Grants;
using Latchkey.RefreshTokens;
using Latchkey;
using Latchkey.Accounts;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.Hosting;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Diagnostics;
using Latchkey.Passwords;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Latchkey.Keys;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Tokens;
using Latchkey.Clients;
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
        services.AddOptions<TokenOptions>().Bind(section.GetSection("Tokens")).ValidateOnStart();
        services.AddOptions<KeyOptions>().Bind(section.GetSection("Keys")).ValidateOnStart();
        services.AddOptions<NetworkOptions>().Bind(section.GetSection(NetworkOptions.SectionName))
            .PostConfigure(o => AddListed(o.TrustedProxies, section.GetSection(NetworkOptions.SectionName), nameof(NetworkOptions.TrustedProxies))).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LatchkeyOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PasswordHashingOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThrottlingOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyOptions>, LatchkeyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NetworkOptions>, LatchkeyOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher, Argon2idPasswordHasher>();
        services.TryAddSingleton<PasswordHashingGate>();
        services.TryAddSingleton<SecurityAudit>();
        services.TryAddSingleton<ILoginThrottle, InMemoryLoginThrottle>();
        services.TryAddSingleton<CredentialThrottle>();
        services.TryAddSingleton<SessionCache>();
        services.TryAddSingleton<SessionManager>();
        services.TryAddSingleton<AccountEmailCache>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<UserSignOutService>();
        services.TryAddSingleton<OriginPolicy>();

        // Tokens: keys, issuance, validation, refresh rotation, revocation, clients.
        services.TryAddSingleton(sp => MasterSecret.Load(sp.GetRequiredService<IOptions<LatchkeyOptions>>(), sp.GetRequiredService<IOptions<KeyOptions>>()));
        services.TryAddSingleton<KeyProtector>();
        services.TryAddSingleton<SigningKeyRing>();
        services.TryAddSingleton<KeyRingManager>();
        services.TryAddSingleton<IIssuerProvider, ServerIssuerProvider>();
        services.TryAddSingleton<AccessTokenIssuer>();
        services.TryAddSingleton<RevocationList>();
        services.TryAddSingleton<IRevocationBroadcaster, NullRevocationBroadcaster>();
        services.TryAddSingleton<RevocationService>();
        services.TryAddSingleton(sp => new AccessTokenValidator(
            sp.GetRequiredService<SigningKeyRing>(), sp.GetRequiredService<RevocationList>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<TokenOptions>>().Value.ValidatedTokenCacheSize));
        services.TryAddSingleton<RefreshTokenService>();
        services.TryAddSingleton<ClientRegistry>();
        services.TryAddSingleton<ClientAuthenticator>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<TokenInspector>();
        services.AddHostedService<LatchkeyMaintenanceService>();

        services.AddProblemDetails();
        services.AddExceptionHandler<LatchkeyExceptionHandler>();
        services.AddAuthentication(LatchkeyDefaults.AuthenticationScheme)
            .AddPolicyScheme(LatchkeyDefaults.AuthenticationScheme, "Latchkey", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, LatchkeySessionHandler>(LatchkeyDefaults.SessionScheme, "Latchkey session", null)
            .AddLatchkeyBearer(LatchkeyDefaults.BearerScheme, "Latchkey bearer", static _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<LatchkeyBearerOptions>, ServerBearerOptionsSetup>());
        services.AddAuthorization();

        return new LatchkeyBuilder(services);
    }

    // One endpoint, two schemes: a Bearer Authorization header selects the bearer scheme, else the cookie decides.
    private static string SelectScheme(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        return authorization.Count > 0 && LatchkeyBearerDefaults.IsBearerCredential(authorization[0])
            ? LatchkeyDefaults.BearerScheme
            : LatchkeyDefaults.SessionScheme;
    }

    // Also accept "Latchkey:AllowedOrigins" as one comma- or space-separated string, handy in environment variables.
    private static void AddListedOrigins(LatchkeyOptions options, IConfigurationSection section) =>
        AddListed(options.AllowedOrigins, section, "AllowedOrigins");

    // A list setting given as one comma- or space-separated string instead of numbered entries.
    private static void AddListed(ICollection<string> list, IConfigurationSection section, string key)
    {
        if (section[key] is { Length: > 0 } listed)
        {
            foreach (var item in listed.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                list.Add(item);
            }
        }
    }
}
