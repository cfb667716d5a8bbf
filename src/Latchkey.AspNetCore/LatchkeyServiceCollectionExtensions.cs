using Latchkey.AccessTokens;
using Latchkey.Grants;
using Latchkey.RefreshTokens;
using Latchkey;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Authentication;
using Latchkey.AspNetCore.Csrf;
using Latchkey.AspNetCore.Events;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.Hosting;
using Latchkey.AspNetCore.Mail;
using Latchkey.Mail;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.Passwords;
using Latchkey.Revocation;
using Latchkey.Sessions;
using Latchkey.Throttling;
using Latchkey.Keys;
using Latchkey.Tokens;
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
        services.AddOptions<LatchkeyOptions>().Bind(section).PostConfigure(o => AddListedOrigins(o, section));
        services.AddOptions<SessionOptions>().Bind(section.GetSection("Sessions"));
        services.AddOptions<PasswordHashingOptions>().Bind(section.GetSection("Passwords"));
        services.AddOptions<ThrottlingOptions>().Bind(section.GetSection("Throttling"));
        services.AddOptions<TokenOptions>().Bind(section.GetSection("Tokens"));
        services.AddOptions<KeyOptions>().Bind(section.GetSection("Keys"));
        services.AddOptions<MailOptions>().Bind(section.GetSection("Mail"));
        services.AddOptions<Latchkey.Logout.BackChannelLogoutOptions>().Bind(section.GetSection("BackChannelLogout"));
        services.AddOptions<Latchkey.Accounts.Recovery.AccountOptions>().Bind(section.GetSection(Latchkey.Accounts.Recovery.AccountOptions.SectionName));
        services.AddOptions<Latchkey.Mfa.MfaOptions>().Bind(section.GetSection(Latchkey.Mfa.MfaOptions.SectionName));
        services.AddOptions<Latchkey.Passkeys.WebAuthnOptions>().Bind(section.GetSection(Latchkey.Passkeys.WebAuthnOptions.SectionName));
        services.AddOptions<SmtpOptions>().Bind(section.GetSection(SmtpOptions.SectionName));
        services.AddOptions<NetworkOptions>().Bind(section.GetSection(NetworkOptions.SectionName))
            .PostConfigure(o => AddListed(o.TrustedProxies, section.GetSection(NetworkOptions.SectionName), nameof(NetworkOptions.TrustedProxies)));
        return AddLatchkeyWeb(services, configure: null);
    }

    /// <summary>
    /// Adds Latchkey with its root options set in code (<c>o =&gt; o.DataDirectory = "…"</c>) and validated at
    /// start; the other options keep their defaults unless configured with <c>services.Configure&lt;SessionOptions&gt;(…)</c>
    /// and the like. Choose a store on the returned builder, for example <c>.UseSqlite()</c>.
    /// </summary>
    public static LatchkeyBuilder AddLatchkey(this IServiceCollection services, Action<LatchkeyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return AddLatchkeyWeb(services, configure);
    }

    // The web layer on top of AddLatchkeyCore: its registrations come first, so that Core's TryAdd keeps them.
    private static LatchkeyBuilder AddLatchkeyWeb(IServiceCollection services, Action<LatchkeyOptions>? configure)
    {
        services.AddOptions<NetworkOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NetworkOptions>, NetworkOptionsValidator>());
        services.TryAddSingleton<IIssuerProvider, ServerIssuerProvider>();
        services.TryAddSingleton<OriginPolicy>();
        services.AddCors();
        services.TryAddSingleton<Latchkey.AspNetCore.OAuth.BrowserClientCors>();
        services.AddOptions<LatchkeyEventsOptions>();
        services.TryAddSingleton<LatchkeyEventsDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRefreshTokenReuseListener, LatchkeyEventsDispatcher>(sp => sp.GetRequiredService<LatchkeyEventsDispatcher>()));
        AddMail(services);

        // Back-channel logout tokens leave over HTTP, off the request path (BackChannelLogoutDeliveryService).
        services.TryAddSingleton<Latchkey.Logout.IBackChannelLogoutSender, Latchkey.AspNetCore.Logout.HttpBackChannelLogoutSender>();
        var builder = services.AddLatchkeyCore(configure);

        services.TryAddSingleton<LatchkeyErrorScope>();
        services.TryAddSingleton<LatchkeyExceptionHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, LatchkeyExceptionHandler>(sp => sp.GetRequiredService<LatchkeyExceptionHandler>()));
        services.AddProblemDetails();
        // The default scheme reads a session cookie itself and forwards only a bearer credential: a policy scheme
        // in front would build a second handler and run the authentication service twice on every cookie request.
        services.TryAddTransient<LatchkeySessionHandler>();
        services.AddAuthentication(static options =>
            {
                options.DefaultScheme = LatchkeyDefaults.AuthenticationScheme;
                options.AddScheme<LatchkeySessionHandler>(LatchkeyDefaults.AuthenticationScheme, "Latchkey");
                options.AddScheme<LatchkeySessionHandler>(LatchkeyDefaults.SessionScheme, "Latchkey session");
            })
            .AddLatchkeyBearer(LatchkeyDefaults.BearerScheme, "Latchkey bearer", static _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<LatchkeyBearerOptions>, ServerBearerOptionsSetup>());
        services.AddAuthorization();
        return builder;
    }

    // Mail leaves through SMTP when Latchkey:Smtp:Host is set, else into the data directory's pickup folder.
    private static void AddMail(IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton<MimeMessageFactory>();
        services.TryAddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<SmtpOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp)
            : ActivatorUtilities.CreateInstance<PickupFolderEmailSender>(sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, MailSenderAnnouncement>());
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
