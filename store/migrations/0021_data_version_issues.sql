-- 0021: a third part of the data's version (issue 16 §1, store/version.py). Most visits saved in the
-- evening rush raise no issue (visits.needs_action false, before and after the write): they change
-- coverage, quotas and last home visits, but not the work list's visit issues, which read only
-- flagged visits and their issues' state (queries/petitions.sql visit_issue_items). This sequence
-- moves on every write but such a quiet visit's (store/version.py QUIET_STATEMENTS); the results that
-- read no quiet visit (ui/shared.py READS_NO_QUIET_VISITS) are shared under it, so that a leader's
-- petitions page is not computed again after every grid leader's visit, and a visit that raises an
-- issue (or any other write) still shows in everyone's next view.
CREATE SEQUENCE data_version_no_quiet_visits START 1;
