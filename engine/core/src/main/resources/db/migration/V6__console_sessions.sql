-- Console sign-in sessions (issue 19). Runs unchanged on H2 2.x and PostgreSQL 12+.

-- One row per signed-in browser: only the SHA-256 of the session id (the quench_session cookie, 256 random
-- bits) is kept, so the store and its backups hold no usable session. A session acts as the token it was
-- signed in with (token_hash is api_token.token_hash): a revoked or expired token ends its sessions on every
-- node at once, because each request checks the token too. Expired rows are deleted as others sign in.
create table console_session (
    id_hash         varchar(64)   primary key,
    token_hash      varchar(64)   not null,
    token_name      varchar(64)   not null,
    created_at      timestamp with time zone not null,
    expires_at      timestamp with time zone not null
);
create index console_session_expires on console_session (expires_at);
create index console_session_token on console_session (token_name);
