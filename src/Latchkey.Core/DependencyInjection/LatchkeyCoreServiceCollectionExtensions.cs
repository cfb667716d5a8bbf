using Latchkey;
using Latchkey.AccessTokens;
using Latchkey.Accounts;
using Latchkey.Clients;
using Latchkey.Diagnostics;
using Latchkey.Grants;
using Latchkey.Hosting;
using Latchkey.Keys;
using Latchkey.Mail;
using Latchkey.Passwords;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Latchkey.Tokens;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Latchkey's core, without ASP.NET Core: for workers, console tools and the web integration alike.</summary>
public static class LatchkeyCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds accounts, password hashing, sessions, tokens, signing keys, revocation, throttling and the mail outbox, with their
    /// options validated at start (each failure names its configuration key), and a hosted service that loads
    /// the key ring and revocation list at start and prunes expired records. Choose a store on the returned
    /// builder, for example <c>.UseSqlite()</c>. Configure the other options with
    /// <c>services.Configure&lt;SessionOptions&gt;(…)</c> and the like.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the root options, for example the data directory and the issuer.</param>
    public static LatchkeyBuilder AddLatchkeyCore(this IServiceCollection services, Action<LatchkeyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var root = services.AddOptions<LatchkeyOptions>().ValidateOnStart();
        if (configure is not null)
        {
            root.Configure(configure);
        }

        AddValidatedOptions<LatchkeyOptions, LatchkeyOptionsValidator>(services);
        AddValidatedOptions<SessionOptions, SessionOptionsValidator>(services);
        AddValidatedOptions<PasswordHashingOptions, PasswordHashingOptionsValidator>(services);
        AddValidatedOptions<ThrottlingOptions, ThrottlingOptionsValidator>(services);
        AddValidatedOptions<TokenOptions, TokenOptionsValidator>(services);
        AddValidatedOptions<KeyOptions, KeyOptionsValidator>(services);
        AddValidatedOptions<MailOptions, MailOptionsValidator>(services);
        AddValidatedOptions<Latchkey.Logout.BackChannelLogoutOptions, Latchkey.Logout.BackChannelLogoutOptionsValidator>(services);
        AddValidatedOptions<Latchkey.Accounts.Recovery.AccountOptions, Latchkey.Accounts.Recovery.AccountOptionsValidator>(services);
        AddValidatedOptions<Latchkey.Mfa.MfaOptions, Latchkey.Mfa.MfaOptionsValidator>(services);
        AddValidatedOptions<Latchkey.Passkeys.WebAuthnOptions, Latchkey.Passkeys.WebAuthnOptionsValidator>(services);

        services.TryAddSingleton(TimeProvider.System);
        // The host's meter factory when it has one (every ASP.NET Core host does), so that each host has meters of its own.
        services.TryAddSingleton(sp => new LatchkeyMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IPasswordHasher, Argon2idPasswordHasher>();
        services.TryAddSingleton<PasswordHashingGate>();
        services.TryAddSingleton<SecurityAudit>();
        services.TryAddSingleton<ILoginThrottle, InMemoryLoginThrottle>();
        services.TryAddSingleton<CredentialThrottle>();
        services.TryAddSingleton<DeviceTokens>();
        services.TryAddSingleton<SessionCache>();
        services.TryAddSingleton<SessionManager>();
        services.TryAddSingleton<AccountEmailCache>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<UserSignOutService>();
        services.TryAddSingleton<Latchkey.Accounts.Recovery.AccountRecoveryService>();
        services.TryAddSingleton<Latchkey.Accounts.Recovery.RecoveryBackgroundWork>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Latchkey.Accounts.Recovery.RecoveryBackgroundWork>(
            sp => sp.GetRequiredService<Latchkey.Accounts.Recovery.RecoveryBackgroundWork>()));
        services.TryAddSingleton<AccountLifecycleService>();
        services.TryAddSingleton<Latchkey.Mfa.MfaService>();
        services.TryAddSingleton<Latchkey.Passkeys.PasskeyService>();

        // Tokens: keys, issuance, validation, refresh rotation, revocation, clients.
        services.TryAddSingleton(sp => MasterSecret.Load(sp.GetRequiredService<IOptions<LatchkeyOptions>>(), sp.GetRequiredService<IOptions<KeyOptions>>()));
        services.TryAddSingleton<KeyProtector>();
        services.TryAddSingleton<SigningKeyRing>();
        services.TryAddSingleton<KeyRingManager>();
        services.TryAddSingleton<IIssuerProvider, ConfiguredIssuerProvider>();
        services.TryAddSingleton<AccessTokenIssuer>();
        services.TryAddSingleton<RevocationList>();
        services.TryAddSingleton<IRevocationBroadcaster, NullRevocationBroadcaster>();
        services.TryAddSingleton<RevocationService>();
        services.TryAddSingleton(sp => new AccessTokenValidator(
            sp.GetRequiredService<SigningKeyRing>(), sp.GetRequiredService<RevocationList>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<TokenOptions>>().Value.ValidatedTokenCacheSize));
        services.TryAddSingleton<RefreshTokenService>();
        services.TryAddSingleton<ClientRegistry>();
        services.TryAddSingleton<IClientRegistry>(sp => sp.GetRequiredService<ClientRegistry>());
        services.TryAddSingleton<ClientManagement>();
        services.TryAddSingleton<Latchkey.Authorization.IdTokenIssuer>();
        services.TryAddSingleton<Latchkey.Authorization.AuthorizationCodeService>();
        services.TryAddSingleton<Latchkey.Authorization.ConsentService>();
        services.TryAddSingleton<ClientAuthenticator>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<TokenInspector>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LatchkeyMaintenanceService>());

        // Mail: queued in the store (IMailOutboxStore, from the chosen backend), delivered off the request path
        // by an IEmailSender that the host registers (the ASP.NET Core integration: SMTP or a pickup folder).
        services.TryAddSingleton<MailTemplateRenderer>();
        services.TryAddSingleton<MailProtector>();
        services.TryAddSingleton<MailOutboxSignal>();
        services.TryAddSingleton<IMailOutbox, MailOutbox>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MailDeliveryService>());

        // Back-channel logout: notices queued in the store (IBackChannelLogoutStore, from the chosen backend), delivered off
        // the request path by an IBackChannelLogoutSender that the host registers (the ASP.NET Core integration: HttpClient).
        services.TryAddSingleton<Latchkey.Logout.BackChannelLogoutSignal>();
        services.TryAddSingleton<Latchkey.Logout.LogoutTokenIssuer>();
        services.TryAddSingleton<Latchkey.Logout.BackChannelLogout>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Latchkey.Logout.BackChannelLogoutDeliveryService>());
        return new LatchkeyBuilder(services);
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
