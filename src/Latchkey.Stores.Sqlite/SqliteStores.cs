using Latchkey.Stores.Relational;

namespace Latchkey.Stores.Sqlite;

/// <summary>Accounts in the embedded database.</summary>
public sealed class SqliteAccountStore(SqliteDatabase database) : RelationalAccountStore(database);

/// <summary>Sessions in the embedded database, keyed by the hash of the session id.</summary>
public sealed class SqliteSessionStore(SqliteDatabase database) : RelationalSessionStore(database);

/// <summary>Signing keys (private halves encrypted) in the embedded database.</summary>
public sealed class SqliteSigningKeyStore(SqliteDatabase database) : RelationalSigningKeyStore(database);

/// <summary>Refresh-token families in the embedded database.</summary>
public sealed class SqliteRefreshTokenStore(SqliteDatabase database) : RelationalRefreshTokenStore(database);

/// <summary>Revocation entries in the embedded database.</summary>
public sealed class SqliteRevocationStore(SqliteDatabase database) : RelationalRevocationStore(database);

/// <summary>Readiness of the embedded database: it opens and answers a query.</summary>
public sealed class SqliteStoreHealth(SqliteDatabase database) : RelationalStoreHealth(database);

/// <summary>The mail outbox (encrypted messages awaiting delivery) in the embedded database.</summary>
public sealed class SqliteMailOutboxStore(SqliteDatabase database) : RelationalMailOutboxStore(database);

/// <summary>Emailed account tokens in the embedded SQLite database.</summary>
public sealed class SqliteAccountTokenStore(SqliteDatabase database) : RelationalAccountTokenStore(database);

/// <summary>Second factors (TOTP, recovery codes) in SQLite.</summary>
public sealed class SqliteMfaStore(SqliteDatabase database) : RelationalMfaStore(database);

/// <summary>Passkeys and passkey ceremonies in SQLite.</summary>
public sealed class SqlitePasskeyStore(SqliteDatabase database) : RelationalPasskeyStore(database);

/// <summary>Consents in the embedded database.</summary>
public sealed class SqliteConsentStore(SqliteDatabase database) : RelationalConsentStore(database);

/// <summary>Authorization codes (hashes) in the embedded database.</summary>
public sealed class SqliteAuthorizationCodeStore(SqliteDatabase database) : RelationalAuthorizationCodeStore(database);

/// <summary>Back-channel logout (sessions' clients and the notices owed to them) in the embedded database.</summary>
public sealed class SqliteBackChannelLogoutStore(SqliteDatabase database) : RelationalBackChannelLogoutStore(database);

/// <summary>Clients registered at run time, in the embedded database.</summary>
public sealed class SqliteClientStore(SqliteDatabase database) : RelationalClientStore(database);
