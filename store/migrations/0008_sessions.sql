-- 0008: signed-in sessions that survive a reload (auth/session.py). The browser holds a signed,
-- expiring token in a cookie; this table holds only the SHA-256 of the token's random part (a copy
-- of the database hands out no live session), so any app process sharing the database can check a
-- token, and a logout ends it everywhere. The HMAC secret is the `session_secret` row of meta.
CREATE TABLE sessions (
    token_hash  VARCHAR PRIMARY KEY,
    user_name   VARCHAR NOT NULL,
    issued_at   TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP
);
