-- Accounts and sessions (SPEC §6): users with roles, login sessions whose refresh tokens
-- rotate on every use, revoked access-token ids, and the login failure counters.

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254
                                         AND email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$'),
    full_name       text NOT NULL DEFAULT '' CHECK (char_length(full_name) <= 200),
    role            text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    is_active       boolean NOT NULL DEFAULT true,
    -- $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
    password_hash   text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    -- The page language the user chose; NULL = follow the browser.
    language        text CHECK (language IS NULL OR language IN ('ru', 'en')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);

CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE events
    ADD CONSTRAINT events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX events_user_idx ON events (user_id, id) WHERE user_id IS NOT NULL;

-- One login = one session (the refresh-token family). Revoking it ends every token of it.
CREATE TABLE sessions (
    id              uuid PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Absolute end, whatever the rotations.
    expires_at      timestamptz NOT NULL,
    last_used_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    revoke_reason   text CHECK (revoke_reason IS NULL OR revoke_reason IN
                                ('logout', 'token_reuse', 'password_changed', 'user_disabled',
                                 'admin', 'user_deleted')),
    client_ip       text NOT NULL DEFAULT '' CHECK (char_length(client_ip) <= 64),
    user_agent      text NOT NULL DEFAULT '' CHECK (char_length(user_agent) <= 300)
);

CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Refresh tokens are kept only as SHA-256 hashes; a used one stays (used_at set) so that a
-- second use is recognised as theft and kills its session.
CREATE TABLE refresh_tokens (
    token_hash      text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Access tokens revoked before their expiry (logout); rows go once the token has expired.
CREATE TABLE revoked_tokens (
    jti             text PRIMARY KEY CHECK (jti ~ '^[0-9a-f]{32}$'),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX revoked_tokens_expires_idx ON revoked_tokens (expires_at);

-- Failed logins per (client address, email) in a window that starts at the first failure.
CREATE TABLE login_attempts (
    client_ip       text NOT NULL CHECK (char_length(client_ip) <= 64),
    email           text NOT NULL CHECK (char_length(email) <= 254),
    window_start    timestamptz NOT NULL DEFAULT now(),
    failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    PRIMARY KEY (client_ip, email)
);

CREATE INDEX login_attempts_window_idx ON login_attempts (window_start);
