using Latchkey.Stores.Relational;

namespace Latchkey.Stores.PostgreSql;

/// <summary>
/// The schema for PostgreSQL, the same tables and columns as the embedded store. Times are Unix
/// milliseconds (<c>bigint</c>), hashes <c>bytea</c>. A released migration never changes.
/// </summary>
internal static class PostgreSqlMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "accounts and sessions", """
            CREATE TABLE accounts (
                id text NOT NULL PRIMARY KEY,
                email text NOT NULL,
                email_normalized text NOT NULL UNIQUE,
                password_hash text NOT NULL,
                created_at bigint NOT NULL,
                password_changed_at bigint NOT NULL
            );

            CREATE TABLE sessions (
                id_hash bytea NOT NULL PRIMARY KEY,
                public_id text NOT NULL UNIQUE,
                user_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                last_seen_at bigint NOT NULL,
                idle_expires_at bigint NOT NULL,
                absolute_expires_at bigint NOT NULL,
                user_agent text,
                ip_address text
            );

            CREATE INDEX sessions_user ON sessions(user_id);
            CREATE INDEX sessions_idle_expiry ON sessions(idle_expires_at);
            CREATE INDEX sessions_absolute_expiry ON sessions(absolute_expires_at);
            """),
        new(2, "tokens: signing keys, refresh-token families, revocations", """
            ALTER TABLE accounts ADD COLUMN token_generation bigint NOT NULL DEFAULT 0;

            CREATE TABLE signing_keys (
                kid text NOT NULL PRIMARY KEY,
                sequence bigint NOT NULL UNIQUE,
                algorithm text NOT NULL,
                created_at bigint NOT NULL,
                activates_at bigint NOT NULL,
                private_key bytea NOT NULL
            );

            CREATE TABLE refresh_families (
                family_id text NOT NULL PRIMARY KEY,
                user_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                client_id text NOT NULL,
                scope text NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                revoked_at bigint
            );

            CREATE INDEX refresh_families_user ON refresh_families(user_id);
            CREATE INDEX refresh_families_expiry ON refresh_families(expires_at);

            CREATE TABLE refresh_tokens (
                token_hash bytea NOT NULL PRIMARY KEY,
                family_id text NOT NULL REFERENCES refresh_families(family_id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                spent_at bigint,
                successor_hash bytea
            );

            CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);

            CREATE TABLE revocations (
                kind bigint NOT NULL,
                id text NOT NULL,
                generation bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (kind, id)
            );

            CREATE INDEX revocations_expiry ON revocations(expires_at);
            """),
        new(3, "mail outbox", """
            CREATE TABLE mail_outbox (
                id text NOT NULL PRIMARY KEY,
                account_id text REFERENCES accounts(id) ON DELETE CASCADE,
                payload bytea NOT NULL,
                created_at bigint NOT NULL,
                attempts bigint NOT NULL,
                next_attempt_at bigint NOT NULL,
                lease_until bigint NOT NULL
            );

            CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at);
            CREATE INDEX mail_outbox_account ON mail_outbox(account_id);
            """),
        new(4, "account tokens and email verification", """
            ALTER TABLE accounts ADD COLUMN email_verified_at bigint;

            CREATE TABLE account_tokens (
                token_hash bytea NOT NULL PRIMARY KEY,
                account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                purpose integer NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                used_at bigint,
                binding text
            );

            CREATE INDEX account_tokens_account ON account_tokens(account_id, purpose);
            CREATE INDEX account_tokens_expiry ON account_tokens(expires_at);
            """),
        new(5, "accounts: disabled_at", """
            ALTER TABLE accounts ADD COLUMN disabled_at bigint;
            """),
        new(6, "multi-factor authentication: session methods, TOTP, recovery codes", """
            ALTER TABLE sessions ADD COLUMN methods integer NOT NULL DEFAULT 1;

            CREATE TABLE mfa_totp (
                account_id text NOT NULL PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                secret bytea NOT NULL,
                created_at bigint NOT NULL,
                confirmed_at bigint,
                last_step bigint NOT NULL DEFAULT -1
            );

            CREATE TABLE mfa_recovery_codes (
                account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                code_hash bytea NOT NULL,
                created_at bigint NOT NULL,
                used_at bigint,
                PRIMARY KEY (account_id, code_hash)
            );
            """),
        new(7, "passkeys and passkey ceremonies", """
            CREATE TABLE passkeys (
                id text NOT NULL PRIMARY KEY,
                account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                credential_id bytea NOT NULL UNIQUE,
                public_key bytea NOT NULL,
                sign_count bigint NOT NULL,
                backup_eligible integer NOT NULL,
                backed_up integer NOT NULL,
                name text NOT NULL,
                created_at bigint NOT NULL,
                last_used_at bigint
            );

            CREATE INDEX passkeys_account ON passkeys(account_id);

            CREATE TABLE passkey_ceremonies (
                id_hash bytea NOT NULL PRIMARY KEY,
                kind integer NOT NULL,
                account_id text REFERENCES accounts(id) ON DELETE CASCADE,
                options text NOT NULL,
                expires_at bigint NOT NULL
            );

            CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies(expires_at);
            CREATE INDEX passkey_ceremonies_account ON passkey_ceremonies(account_id);
            """),
        new(8, "OpenID Connect: consents, authorization codes, the sign-in of refresh-token families", """
            CREATE TABLE consents (
                user_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                client_id text NOT NULL,
                scope text NOT NULL,
                granted_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                PRIMARY KEY (user_id, client_id)
            );

            CREATE TABLE authorization_codes (
                code_hash bytea NOT NULL PRIMARY KEY,
                client_id text NOT NULL,
                user_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                redirect_uri text NOT NULL,
                scope text NOT NULL,
                code_challenge text NOT NULL,
                nonce text,
                session_id text NOT NULL,
                auth_time bigint NOT NULL,
                methods integer NOT NULL,
                grant_id text NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                redeemed_at bigint
            );

            CREATE INDEX authorization_codes_expiry ON authorization_codes(expires_at);
            CREATE INDEX authorization_codes_user ON authorization_codes(user_id);

            ALTER TABLE refresh_families ADD COLUMN auth_time bigint;
            ALTER TABLE refresh_families ADD COLUMN methods integer NOT NULL DEFAULT 1;
            CREATE INDEX refresh_families_user_client ON refresh_families(user_id, client_id);
            """),
        new(9, "Back-channel logout: the clients each session signed into, and the logout notices owed to them", """
            CREATE TABLE session_clients (
                session_id text NOT NULL,
                client_id text NOT NULL,
                user_id text NOT NULL,
                created_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                PRIMARY KEY (session_id, client_id)
            );

            CREATE INDEX session_clients_user ON session_clients(user_id);
            CREATE INDEX session_clients_expiry ON session_clients(expires_at);

            CREATE TABLE logout_outbox (
                session_id text NOT NULL,
                client_id text NOT NULL,
                user_id text NOT NULL,
                created_at bigint NOT NULL,
                attempts bigint NOT NULL,
                next_attempt_at bigint NOT NULL,
                lease_until bigint NOT NULL,
                PRIMARY KEY (session_id, client_id)
            );

            CREATE INDEX logout_outbox_due ON logout_outbox(next_attempt_at);
            """),
        new(10, "Clients registered at run time", """
            CREATE TABLE clients (
                client_id text NOT NULL PRIMARY KEY,
                secret_hash bytea,
                definition text NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL
            );
            """),
        new(11, "Account roles (the admin API)", """
            ALTER TABLE accounts ADD COLUMN roles bigint NOT NULL DEFAULT 0;
            """),
    ];
}
