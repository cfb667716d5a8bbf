using Latchkey.Accounts.Recovery;
using Latchkey.Accounts;
using Latchkey.Keys;
using Latchkey.Mail;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Sessions;
using Latchkey.Storage;
using Latchkey.Stores.PostgreSql;
using Latchkey.Stores.Relational;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgreSqlLatchkeyBuilderExtensions
{
    /// <summary>
    /// Keeps everything durable in PostgreSQL (migrations applied at start, safe when several nodes start
    /// at once) and tells other nodes about revocations with <c>LISTEN</c>/<c>NOTIFY</c>. Several nodes
    /// given the same connection string form one cluster; add Redis for sessions and throttling.
    /// <c>Latchkey:Keys:MasterSecret</c> must then be configured, the same on every node: the start fails without it.
    /// </summary>
    public static LatchkeyBuilder UsePostgreSql(this LatchkeyBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        services.AddSingleton(new PostgreSqlConnectionString(connectionString));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyOptions>, SharedStoreMasterSecretValidator>());
        services.TryAddSingleton(sp => new PostgreSqlDatabase(
            connectionString, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgreSqlDatabase>>(),
            sp.GetService<Latchkey.Diagnostics.LatchkeyMetrics>()));
        services.Replace(ServiceDescriptor.Singleton<IAccountStore, PostgreSqlAccountStore>());
        services.Replace(ServiceDescriptor.Singleton<IAccountTokenStore, PostgreSqlAccountTokenStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Mfa.IMfaStore, PostgreSqlMfaStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Passkeys.IPasskeyStore, PostgreSqlPasskeyStore>());
        services.Replace(ServiceDescriptor.Singleton<ISessionStore, PostgreSqlSessionStore>());
        services.Replace(ServiceDescriptor.Singleton<ISigningKeyStore, PostgreSqlSigningKeyStore>());
        services.Replace(ServiceDescriptor.Singleton<IRefreshTokenStore, PostgreSqlRefreshTokenStore>());
        services.Replace(ServiceDescriptor.Singleton<IRevocationStore, PostgreSqlRevocationStore>());
        services.Replace(ServiceDescriptor.Singleton<IMailOutboxStore, PostgreSqlMailOutboxStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Authorization.IConsentStore, PostgreSqlConsentStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Clients.IClientStore, PostgreSqlClientStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Authorization.IAuthorizationCodeStore, PostgreSqlAuthorizationCodeStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Logout.IBackChannelLogoutStore, PostgreSqlBackChannelLogoutStore>());
        services.Replace(ServiceDescriptor.Singleton<IRevocationBroadcaster, PostgreSqlRevocationBroadcaster>());
        services.AddSingleton<IStoreHealth, PostgreSqlStoreHealth>();
        services.AddHostedService<DatabaseInitializer<PostgreSqlDatabase>>();
        return builder;
    }
}
