using Latchkey.Stores.Relational;

namespace Latchkey.Stores.Sqlite;

/// <summary>
/// The schema, as an ordered list of migrations. A released migration never changes: new schema goes
/// into a new entry with the next version, so that every existing database can be brought up to date.
/// Times are Unix milliseconds (INTEGER); hashes are BLOBs.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "accounts and sessions", """
            CREATE TABLE accounts (
                id TEXT NOT NULL PRIMARY KEY,
                email TEXT NOT NULL,
                email_normalized TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                password_changed_at INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE sessions (
                id_hash BLOB NOT NULL PRIMARY KEY,
                public_id TEXT NOT NULL UNIQUE,
                user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                last_seen_at INTEGER NOT NULL,
                idle_expires_at INTEGER NOT NULL,
                absolute_expires_at INTEGER NOT NULL,
                user_agent TEXT,
                ip_address TEXT
            ) STRICT;

            CREATE INDEX sessions_user ON sessions(user_id);
            CREATE INDEX sessions_idle_expiry ON sessions(idle_expires_at);
            CREATE INDEX sessions_absolute_expiry ON sessions(absolute_expires_at);
            """),
        new(2, "tokens: signing keys, refresh-token families, revocations", """
            ALTER TABLE accounts ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;

            CREATE TABLE signing_keys (
                kid TEXT NOT NULL PRIMARY KEY,
                sequence INTEGER NOT NULL UNIQUE,
                algorithm TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                activates_at INTEGER NOT NULL,
                private_key BLOB NOT NULL
            ) STRICT;

            CREATE TABLE refresh_families (
                family_id TEXT NOT NULL PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                client_id TEXT NOT NULL,
                scope TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER
            ) STRICT;

            CREATE INDEX refresh_families_user ON refresh_families(user_id);
            CREATE INDEX refresh_families_expiry ON refresh_families(expires_at);

            CREATE TABLE refresh_tokens (
                token_hash BLOB NOT NULL PRIMARY KEY,
                family_id TEXT NOT NULL REFERENCES refresh_families(family_id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                spent_at INTEGER,
                successor_hash BLOB
            ) STRICT;

            CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

            CREATE TABLE revocations (
                kind INTEGER NOT NULL,
                id TEXT NOT NULL,
                generation INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (kind, id)
            ) STRICT;

            CREATE INDEX revocations_expiry ON revocations(expires_at);
            """),
        new(3, "mail outbox", """
            CREATE TABLE mail_outbox (
                id TEXT NOT NULL PRIMARY KEY,
                account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
                payload BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL,
                lease_until INTEGER NOT NULL
            ) STRICT;

            CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at);
            CREATE INDEX mail_outbox_account ON mail_outbox(account_id);
            """),
        new(4, "account tokens and email verification", """
            ALTER TABLE accounts ADD COLUMN email_verified_at INTEGER;

            CREATE TABLE account_tokens (
                token_hash BLOB NOT NULL PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                purpose INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at INTEGER,
                binding TEXT
            ) STRICT;

            CREATE INDEX account_tokens_account ON account_tokens(account_id, purpose);
            CREATE INDEX account_tokens_expiry ON account_tokens(expires_at);
            """),
        new(5, "accounts: disabled_at", """
            ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;
            """),
        new(6, "multi-factor authentication: session methods, TOTP, recovery codes", """
            ALTER TABLE sessions ADD COLUMN methods INTEGER NOT NULL DEFAULT 1;

            CREATE TABLE mfa_totp (
                account_id TEXT NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                secret BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                confirmed_at INTEGER,
                last_step INTEGER NOT NULL DEFAULT -1
            ) STRICT;

            CREATE TABLE mfa_recovery_codes (
                account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                code_hash BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                used_at INTEGER,
                PRIMARY KEY (account_id, code_hash)
            ) STRICT;
            """),
        new(7, "passkeys and passkey ceremonies", """
            CREATE TABLE passkeys (
                id TEXT NOT NULL PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                credential_id BLOB NOT NULL UNIQUE,
                public_key BLOB NOT NULL,
                sign_count INTEGER NOT NULL,
                backup_eligible INTEGER NOT NULL,
                backed_up INTEGER NOT NULL,
                name TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER
            ) STRICT;

            CREATE INDEX passkeys_account ON passkeys(account_id);

            CREATE TABLE passkey_ceremonies (
                id_hash BLOB NOT NULL PRIMARY KEY,
                kind INTEGER NOT NULL,
                account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
                options TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            ) STRICT;

            CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies(expires_at);
            CREATE INDEX passkey_ceremonies_account ON passkey_ceremonies(account_id);
            """),
        new(8, "OpenID Connect: consents, authorization codes, the sign-in of refresh-token families", """
            CREATE TABLE consents (
                user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                client_id TEXT NOT NULL,
                scope TEXT NOT NULL,
                granted_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (user_id, client_id)
            ) STRICT;

            CREATE TABLE authorization_codes (
                code_hash BLOB NOT NULL PRIMARY KEY,
                client_id TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                redirect_uri TEXT NOT NULL,
                scope TEXT NOT NULL,
                code_challenge TEXT NOT NULL,
                nonce TEXT,
                session_id TEXT NOT NULL,
                auth_time INTEGER NOT NULL,
                methods INTEGER NOT NULL,
                grant_id TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                redeemed_at INTEGER
            ) STRICT;

            CREATE INDEX authorization_codes_expiry ON authorization_codes(expires_at);
            CREATE INDEX authorization_codes_user ON authorization_codes(user_id);

            ALTER TABLE refresh_families ADD COLUMN auth_time INTEGER;
            ALTER TABLE refresh_families ADD COLUMN methods INTEGER NOT NULL DEFAULT 1;
            CREATE INDEX refresh_families_user_client ON refresh_families(user_id, client_id);
            """),
        new(9, "Back-channel logout: the clients each session signed into, and the logout notices owed to them", """
            CREATE TABLE session_clients (
                session_id TEXT NOT NULL,
                client_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (session_id, client_id)
            ) STRICT;

            CREATE INDEX session_clients_user ON session_clients(user_id);
            CREATE INDEX session_clients_expiry ON session_clients(expires_at);

            CREATE TABLE logout_outbox (
                session_id TEXT NOT NULL,
                client_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL,
                lease_until INTEGER NOT NULL,
                PRIMARY KEY (session_id, client_id)
            ) STRICT;

            CREATE INDEX logout_outbox_due ON logout_outbox(next_attempt_at);
            """),
        new(10, "Clients registered at run time", """
            CREATE TABLE clients (
                client_id TEXT NOT NULL PRIMARY KEY,
                secret_hash BLOB,
                definition TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT;
            """),
        new(11, "Account roles (the admin API)", """
            ALTER TABLE accounts ADD COLUMN roles INTEGER NOT NULL DEFAULT 0;
            """),
    ];
}
