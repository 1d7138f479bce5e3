-- 0028: a visit's note stored as the text 'nan' is no note (NULL, as a visit recorded without a note).
--
-- Why: until the fix of 633ffa4 the edit form of 本周走访 (我最近的走访) showed a visit without a note as
-- "nan" — the note read from a frame was NaN and `r["note"] or ""` kept it — and 保存修改 stored that
-- text: exactly 'nan' (clean_text leaves it so; a NaN is never 'NaN', 'None' or '<NA>' there, and pd.NA
-- failed before any write). 民情档案 then showed "nan" as the visit's note. Only visits.note was written
-- that way (visit_issues.note is typed on 信访办理 or taken from the database, never from a frame), and
-- only a note that is exactly 'nan': 'nan是', 'Nan Ping' or 'NaN' are someone's words and stay.
UPDATE visits SET note = NULL WHERE note = 'nan';
