-- 0016: the data's version in two parts (issue 16 §1, store/version.py). A visit recorded in the
-- evening rush (a visit row, its household's last home visit, the grid tallies) changes coverage,
-- quotas and the work list, but no petition hot spot, no watch list and no grid directory: the
-- sequence of 0011 still moves on every write, this one on every write but those of visits, and the
-- results that read no visit (ui/shared.py READS_NO_VISITS) are shared under it, so that twenty
-- leaders on the hotspot page are not recomputed after every grid leader's visit.
CREATE SEQUENCE data_version_no_visits START 1;
