-- name: rule_value
-- The value of one rule.
SELECT value FROM rules WHERE key = $key;

-- name: rules_all
-- Every rule, for the administrator's page.
SELECT key, value, unit, description FROM rules ORDER BY key;

-- name: rule_set!
-- Change one rule (the caller writes the audit entry in the same transaction).
UPDATE rules SET value = $value WHERE key = $key;
