-- The append-only audit log (auth/audit.py). There is deliberately no UPDATE or DELETE here.

-- name: audit_insert!
-- One audit entry; counts is JSON text.
INSERT INTO audit_log (logged_at, user_name, action, area, counts, detail)
VALUES (CAST($logged_at AS TIMESTAMP), $user_name, $action, $area, $counts, $detail);

-- name: audit_search
-- Audit entries, newest first; every filter is optional (NULL = any). $until is exclusive.
SELECT id, logged_at, user_name, action, area, counts, detail
FROM audit_log
WHERE (CAST($user_name AS VARCHAR) IS NULL OR user_name = $user_name)
  AND (CAST($action AS VARCHAR) IS NULL OR action = $action)
  AND (CAST($since AS TIMESTAMP) IS NULL OR logged_at >= CAST($since AS TIMESTAMP))
  AND (CAST($until AS TIMESTAMP) IS NULL OR logged_at < CAST($until AS TIMESTAMP))
ORDER BY id DESC
LIMIT $limit;
