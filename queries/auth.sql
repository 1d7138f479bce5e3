-- Accounts (auth/users.py) and scopes (auth/scope.py).
-- Scope convention for every query: $scope is NULL (everything) or a VARCHAR[] of area codes;
-- an area is in scope when one of its ancestors (itself included, table area_ancestors) is in $scope.

-- name: auth_user_get
-- One account, with its hash.
SELECT name, password_hash, role, areas, staff_id, disabled, is_demo
FROM users
WHERE name = $user_name;

-- name: auth_user_insert!
-- A new account.
INSERT INTO users (name, password_hash, role, areas, staff_id, is_demo, created_at)
VALUES ($user_name, $password_hash, $role, CAST($areas AS VARCHAR[]), $staff_id, $is_demo, $created_at);

-- name: auth_user_set_hash!
-- Replace the hash after a rehash on login (same password, newer parameters).
UPDATE users SET password_hash = $password_hash WHERE name = $user_name;

-- name: auth_user_set_password!
-- A new password (the login delay of the account is cleared beside it, auth/throttle.py).
UPDATE users SET password_hash = $password_hash
WHERE name = $user_name;

-- name: auth_user_set_disabled!
-- Disable (or enable again) an account.
UPDATE users SET disabled = $disabled WHERE name = $user_name;

-- name: auth_users_all
-- Every account for the administrator's page (never the hash).
SELECT name, role, areas, staff_id, disabled, is_demo, created_at
FROM users
ORDER BY name;

-- name: auth_demo_account_count
-- How many demo accounts exist (the login page then shows the demo password notice).
SELECT count(*) FROM users WHERE is_demo;

-- name: auth_missing_areas
-- The given area codes that are not in the areas table.
SELECT c AS code
FROM unnest(CAST($codes AS VARCHAR[])) AS t(c)
WHERE c NOT IN (SELECT code FROM areas)
ORDER BY c;

-- name: auth_staff_count
-- 1 when the staff member exists.
SELECT count(*) FROM staff WHERE id = $staff_id;

-- name: scope_contains
-- Whether area $code is inside $scope.
SELECT in_scope($code, CAST($scope AS VARCHAR[]));

-- name: scope_contains_which
-- Which of the area codes $codes lie inside $scope (scope_contains for many areas in one statement).
SELECT DISTINCT c.code FROM unnest(CAST($codes AS VARCHAR[])) AS c(code)
WHERE in_scope(c.code, CAST($scope AS VARCHAR[]));

-- name: scope_visible_areas
-- The areas of one level inside $scope, for the sidebar's area picker.
SELECT a.code, a.name, a.parent_code
FROM areas a
WHERE a.level = $level
  AND in_scope(a.code, CAST($scope AS VARCHAR[]))
ORDER BY a.code;

-- ----------------------------------------------------------------------------- login throttling

-- name: throttle_wait_until
-- The latest moment before which one of $keys may not try again (NULL: no wait).
SELECT max(wait_until)
FROM login_throttle
WHERE key IN (SELECT unnest(CAST($keys AS VARCHAR[])))
  AND wait_until > CAST($now AS TIMESTAMP);

-- name: throttle_rows
-- The throttling state of some keys (the administrator's list of accounts).
SELECT key, failures, last_failed_at, wait_until
FROM login_throttle
WHERE key IN (SELECT unnest(CAST($keys AS VARCHAR[])));

-- name: throttle_count_failure
-- One more failure for $key; failures older than $forget_before are forgotten first. Returns the count.
INSERT INTO login_throttle (key, failures, last_failed_at, wait_until)
VALUES ($key, 1, CAST($now AS TIMESTAMP), NULL)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN login_throttle.last_failed_at < CAST($forget_before AS TIMESTAMP) THEN 1
                    ELSE login_throttle.failures + 1 END,
    last_failed_at = excluded.last_failed_at
RETURNING failures;

-- name: throttle_set_wait!
-- No attempt for $key is checked before $wait_until.
UPDATE login_throttle SET wait_until = CAST($wait_until AS TIMESTAMP) WHERE key = $key;

-- name: throttle_clear!
-- Forget the failures of $key (a successful login, or an administrator's unlock).
DELETE FROM login_throttle WHERE key = $key;

-- name: throttle_clear_prefix!
-- Forget the failures of every key starting with $prefix (an account's name from each client).
DELETE FROM login_throttle WHERE substr(key, 1, length($prefix)) = $prefix;

-- name: throttle_prune!
-- Forget every key whose last failure is older than $forget_before.
DELETE FROM login_throttle WHERE last_failed_at < CAST($forget_before AS TIMESTAMP);
