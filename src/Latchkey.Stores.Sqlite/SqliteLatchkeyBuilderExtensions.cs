using Latchkey.Accounts.Recovery;
using Latchkey.RefreshTokens;
using Latchkey;
using Latchkey.Accounts;
using Latchkey.Keys;
using Latchkey.Mail;
using Latchkey.Revocation;
using Latchkey.Sessions;
using Latchkey.Storage;
using Latchkey.Stores.Sqlite;
using Latchkey.Stores.Relational;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite store.</summary>
public static class SqliteLatchkeyBuilderExtensions
{
    /// <summary>
    /// Keeps accounts, sessions, keys, refresh tokens and revocations in a SQLite database in the data directory (WAL mode, migrations
    /// applied at start). Suits one node; for several, use the PostgreSQL and Redis stores.
    /// </summary>
    public static LatchkeyBuilder UseSqlite(this LatchkeyBuilder builder, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SqliteStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(
            o => o.GroupCommitWindow >= TimeSpan.Zero && o.GroupCommitWindow <= SqliteStoreOptions.MaxGroupCommitWindow,
            "Latchkey:Sqlite:GroupCommitWindow must be between 00:00:00 and 00:00:00.010 (10 milliseconds).").ValidateOnStart();

        services.TryAddSingleton<SqliteDatabase>();
        services.Replace(ServiceDescriptor.Singleton<IAccountStore, SqliteAccountStore>());
        services.Replace(ServiceDescriptor.Singleton<IAccountTokenStore, SqliteAccountTokenStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Mfa.IMfaStore, SqliteMfaStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Passkeys.IPasskeyStore, SqlitePasskeyStore>());
        services.Replace(ServiceDescriptor.Singleton<ISessionStore, SqliteSessionStore>());
        services.Replace(ServiceDescriptor.Singleton<ISigningKeyStore, SqliteSigningKeyStore>());
        services.Replace(ServiceDescriptor.Singleton<IRefreshTokenStore, SqliteRefreshTokenStore>());
        services.Replace(ServiceDescriptor.Singleton<IRevocationStore, SqliteRevocationStore>());
        services.Replace(ServiceDescriptor.Singleton<IMailOutboxStore, SqliteMailOutboxStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Authorization.IConsentStore, SqliteConsentStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Clients.IClientStore, SqliteClientStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Authorization.IAuthorizationCodeStore, SqliteAuthorizationCodeStore>());
        services.Replace(ServiceDescriptor.Singleton<Latchkey.Logout.IBackChannelLogoutStore, SqliteBackChannelLogoutStore>());
        services.AddSingleton<IStoreHealth, SqliteStoreHealth>();
        services.AddHostedService<DatabaseInitializer<SqliteDatabase>>();
        return builder;
    }
}
