-- Login throttling kept in the database, so that several app processes share it (auth/throttle.py):
-- one row per name, per name and client, and per client address with recent failed logins, whether
-- or not the name is an account (the same behaviour for both). The per-account lock columns are gone: a
-- stranger could lock any account with five requests.
CREATE TABLE login_throttle (
    key             VARCHAR PRIMARY KEY,     -- 'user:'/'pair:' sha256 of the name (':' client), 'client:' address
    failures        INTEGER NOT NULL,
    last_failed_at  TIMESTAMP NOT NULL,
    wait_until      TIMESTAMP                -- no attempt is checked before this moment
);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
