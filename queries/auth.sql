-- Accounts (auth/users.py) and scopes (auth/scope.py).
-- Scope convention for every query: $scope is NULL (everything) or a VARCHAR[] of area codes;
-- an area is in scope when one of its ancestors (itself included, table area_ancestors) is in $scope.

-- name: auth_user_get
-- One account, with its hash and throttling state.
SELECT name, password_hash, role, areas, staff_id, disabled, failed_logins, locked_until, is_demo
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
-- A new password also clears the lock and the failure count.
UPDATE users SET password_hash = $password_hash, failed_logins = 0, locked_until = NULL
WHERE name = $user_name;

-- name: auth_user_set_disabled!
-- Disable (or enable again) an account.
UPDATE users SET disabled = $disabled WHERE name = $user_name;

-- name: auth_login_failed!
-- Count a failed login; locked_until is set once the limit is reached.
UPDATE users SET failed_logins = $failed_logins, locked_until = CAST($locked_until AS TIMESTAMP)
WHERE name = $user_name;

-- name: auth_login_ok!
-- A successful login resets the throttling state.
UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = $user_name;

-- name: auth_users_all
-- Every account for the administrator's page (never the hash).
SELECT name, role, areas, staff_id, disabled, failed_logins, locked_until, is_demo, created_at
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
SELECT CAST($scope AS VARCHAR[]) IS NULL
    OR list_contains(CAST($scope AS VARCHAR[]), $code)
    OR EXISTS (
        SELECT 1 FROM area_ancestors x
        WHERE x.code = $code
          AND list_contains(CAST($scope AS VARCHAR[]), x.ancestor_code)
    );

-- name: scope_visible_areas
-- The areas of one level inside $scope, for the sidebar's area picker.
SELECT a.code, a.name, a.parent_code
FROM areas a
WHERE a.level = $level
  AND (CAST($scope AS VARCHAR[]) IS NULL
       OR list_contains(CAST($scope AS VARCHAR[]), a.code)
       OR EXISTS (
           SELECT 1 FROM area_ancestors x
           WHERE x.code = a.code
             AND list_contains(CAST($scope AS VARCHAR[]), x.ancestor_code)
       ))
ORDER BY a.code;
