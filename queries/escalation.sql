-- The escalation watch-list (analytics/escalation.py). Deadlines, places and states of petitions come
-- from petition_items (queries/petitions.sql); this adds what only the watch-list reads.

-- name: watch_escalations
-- Every petition's level reached and the day it escalated (store/migrations/0010).
SELECT id, level_reached, escalated_on FROM petitions;
