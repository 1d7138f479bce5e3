-- Signed-in sessions that survive a reload (auth/session.py, store/migrations/0008).

-- name: session_secret_init!
-- The HMAC secret, made once by whichever process needs it first (the others keep the first one).
INSERT INTO meta (key, value) VALUES ('session_secret', $value) ON CONFLICT (key) DO NOTHING;

-- name: session_secret
SELECT value FROM meta WHERE key = 'session_secret';

-- name: session_insert!
INSERT INTO sessions (token_hash, user_name, issued_at, expires_at, last_seen)
VALUES ($token_hash, $user_name, $now, $expires_at, $now);

-- name: session_get
SELECT user_name, expires_at, last_seen, ended_at FROM sessions WHERE token_hash = $token_hash;

-- name: session_touch!
-- The session was used now (the idle window starts again).
UPDATE sessions SET last_seen = $now WHERE token_hash = $token_hash AND ended_at IS NULL;

-- name: session_end!
UPDATE sessions SET ended_at = $now WHERE token_hash = $token_hash AND ended_at IS NULL;

-- name: session_prune!
-- Sessions that can no longer be used and ended or expired before $before.
DELETE FROM sessions WHERE expires_at < $before OR ended_at < $before;

-- name: session_end_user!
-- Every open session of an account (its password was changed): each process refuses them on its next check.
UPDATE sessions SET ended_at = $now WHERE user_name = $user_name AND ended_at IS NULL;
