using Latchkey.Stores.Relational;

namespace Latchkey.Stores.PostgreSql;

/// <summary>Accounts in PostgreSQL.</summary>
public sealed class PostgreSqlAccountStore(PostgreSqlDatabase database) : RelationalAccountStore(database);

/// <summary>Sessions in PostgreSQL, keyed by the hash of the session id.</summary>
public sealed class PostgreSqlSessionStore(PostgreSqlDatabase database) : RelationalSessionStore(database);

/// <summary>Signing keys (private halves encrypted) in PostgreSQL, shared by every node.</summary>
public sealed class PostgreSqlSigningKeyStore(PostgreSqlDatabase database) : RelationalSigningKeyStore(database);

/// <summary>Refresh-token families in PostgreSQL.</summary>
public sealed class PostgreSqlRefreshTokenStore(PostgreSqlDatabase database) : RelationalRefreshTokenStore(database);

/// <summary>Revocation entries in PostgreSQL.</summary>
public sealed class PostgreSqlRevocationStore(PostgreSqlDatabase database) : RelationalRevocationStore(database);

/// <summary>Readiness of PostgreSQL.</summary>
public sealed class PostgreSqlStoreHealth(PostgreSqlDatabase database) : RelationalStoreHealth(database);

/// <summary>The mail outbox in PostgreSQL, shared by every node; a lease gives each message to one node at a time.</summary>
public sealed class PostgreSqlMailOutboxStore(PostgreSqlDatabase database) : RelationalMailOutboxStore(database);

/// <summary>Emailed account tokens in PostgreSQL.</summary>
public sealed class PostgreSqlAccountTokenStore(PostgreSqlDatabase database) : RelationalAccountTokenStore(database);

/// <summary>Second factors (TOTP, recovery codes) in PostgreSQL.</summary>
public sealed class PostgreSqlMfaStore(PostgreSqlDatabase database) : RelationalMfaStore(database);

/// <summary>Passkeys and passkey ceremonies in PostgreSQL.</summary>
public sealed class PostgreSqlPasskeyStore(PostgreSqlDatabase database) : RelationalPasskeyStore(database);

/// <summary>Consents in PostgreSQL.</summary>
public sealed class PostgreSqlConsentStore(PostgreSqlDatabase database) : RelationalConsentStore(database);

/// <summary>Authorization codes (hashes) in PostgreSQL, shared by every node.</summary>
public sealed class PostgreSqlAuthorizationCodeStore(PostgreSqlDatabase database) : RelationalAuthorizationCodeStore(database);

/// <summary>Back-channel logout (sessions' clients and the notices owed to them) in PostgreSQL.</summary>
public sealed class PostgreSqlBackChannelLogoutStore(PostgreSqlDatabase database) : RelationalBackChannelLogoutStore(database);

/// <summary>Clients registered at run time, in PostgreSQL.</summary>
public sealed class PostgreSqlClientStore(PostgreSqlDatabase database) : RelationalClientStore(database);
