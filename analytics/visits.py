"""Visits entered in the app, and the week of a grid worker.

Issue 7: "Have I met this week's quota, and whom must I visit next?"

The quota numbers themselves come from :func:`analytics.reports.quotas` (CONTRACT.md §4), the
same function ``manage.py report quotas`` calls; this module adds what the weekly page needs
around them: the seven days with the working-day calendar (:mod:`analytics.calendar`), the
households due next, recording / editing / deleting a visit (each audited), and the township's
ranking.

Errors a person can fix are raised as :class:`VisitError` with a sentence (``str(e)`` in Chinese;
``e.key``/``e.params`` to show it in another language with :func:`i18n.t`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Sequence

import duckdb
import pandas as pd

from analytics import calendar, reports
from analytics.grids import today as today_in_shanghai
from analytics.reports import VISIT_KINDS, parse_week
from auth import audit
from i18n import t
from i18n.message import Message
from ingest.normalize import clean_text, normalize_value
from store import db
from vocabulary.households import VULNERABLE_TAGS

#: a worker may edit or delete their own visits dated this many days back (and not older)
EDIT_DAYS = 14
#: the longest 民情 note accepted
NOTE_MAX = 2000
#: retries when concurrent writers collide in DuckDB's optimistic concurrency control
_RETRIES = 8


class VisitError(ValueError):
    """A visit that cannot be recorded as given; ``str(e)`` says what to fix (Chinese).

    ``key`` and ``params`` give the same sentence in any language (:meth:`text`); a parameter that is
    itself a term (an ``i18n.Message`` such as ``Message("kind.home")``) is worded in that language too.
    """

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(self.text("zh"))

    def text(self, lang: str = "zh") -> str:
        """The sentence in ``lang``.

        Returns
        -------
        str
            The catalog's wording of ``key`` with ``params`` (a Message among them worded in ``lang``).
        """
        return Message(self.key, **self.params).text(lang)


def week_of(day: dt.date) -> str:
    """The ISO week of ``day`` as ``2026-W47`` (what :func:`analytics.reports.parse_week` reads).

    Returns
    -------
    str
        ``YYYY-Www`` of the ISO year.

    Examples
    --------
    >>> week_of(dt.date(2026, 11, 22)), week_of(dt.date(2027, 1, 1))
    ('2026-W47', '2026-W53')
    """
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def week_days(con: duckdb.DuckDBPyConnection, staff_ids: Sequence[str], week: str) -> pd.DataFrame:
    """The seven days Monday–Sunday of ``week`` with the home visits of ``staff_ids`` on each.

    Parameters
    ----------
    staff_ids : the staff whose visits count (one person on the grid worker's page).
    week : ``2026-W47``.

    Returns
    -------
    pandas.DataFrame
        7 rows: ``day`` (date), ``weekday`` (0 = Monday), ``visits`` (home visits), ``households``
        (distinct households visited at home), then the calendar of
        :func:`analytics.calendar.days_between` (the official calendar with the administrator's
        放假安排): ``workday, holiday, holiday_name, makeup, known``. The days with ``visits > 0``
        are the week's ``visit_days`` of :func:`analytics.reports.quotas`.
    """
    start, end = parse_week(week)
    got = db.df(con, "visit_week_days", week_start=start, week_end=end, staff=list(staff_ids))
    by_day = {
        pd.Timestamp(d).date(): (int(v), int(h)) for d, v, h in zip(got["visited_on"], got["visits"], got["households"])
    }
    return _days_of_week(con, start, by_day)


def _days_of_week(con: duckdb.DuckDBPyConnection, start: dt.date, by_day: dict) -> pd.DataFrame:
    # week_days' frame from {day: (home visits, households)} and the calendar
    cal = calendar.days_between(con, start, start + dt.timedelta(days=6))
    counts = [by_day.get(day, (0, 0)) for day in cal["day"]]
    out = pd.DataFrame(
        {
            "day": cal["day"],
            "weekday": range(len(cal)),
            "visits": [v for v, _ in counts],
            "households": [h for _, h in counts],
        }
    )
    return pd.concat([out, cal.drop(columns=["day", "source"])], axis=1)


def other_kinds(con: duckdb.DuckDBPyConnection, staff_ids: Sequence[str], week: str) -> dict[str, int]:
    """Visits of the kinds that do not count for the quota (phone, meeting, reception) in the week.

    Returns
    -------
    dict of str to int
        Visit kind → visits (kinds without visits left out).
    """
    start, end = parse_week(week)
    got = db.df(con, "visit_week_other_kinds", week_start=start, week_end=end, staff=list(staff_ids))
    return {k: int(n) for k, n in zip(got["kind"], got["visits"])}


def staff_quota(con: duckdb.DuckDBPyConnection, staff_id: str, week: str) -> dict[str, Any]:
    """One staff member's row of :func:`analytics.reports.quotas` (the CONTRACT numbers) as a dict.

    Worked out for this staff member alone (the report reads every staff member of the county): their
    grids of the week and name (``visit_staff_responsible``, the report's ``grid_code`` and ``name``)
    and their counts (``visit_week_totals``, the report's counts of home visits to active households).
    Someone responsible for no grid that week has no row in the report; their counts are then
    worked out the same way with ``responsible`` False, ``name`` their id and ``grid_code`` empty.

    Returns
    -------
    dict of str to Any
        The report's columns (``visits, visit_days, households_visited, target_days`` as int,
        ``met`` as bool) and ``responsible``.
    """
    start, end = parse_week(week)
    r = db.execute(con, "visit_week_totals", staff=[staff_id], week_start=start, week_end=end).fetchone()
    return _quota_row(con, staff_id, start, end, r)


def _quota_row(con: duckdb.DuckDBPyConnection, staff_id: str, start: dt.date, end: dt.date, r: Sequence) -> dict:
    # staff_quota's dict from the week's counts r = (visits, visit days, households visited)
    resp = db.execute(con, "visit_staff_responsible", staff_id=staff_id, week_start=start, week_end=end).fetchone()
    target = int(db.rule(con, "visit_target_days"))
    return {
        "staff_id": staff_id,
        "name": resp[0] if resp else staff_id,
        "grid_code": resp[1] if resp else "",
        "visits": int(r[0]),
        "visit_days": int(r[1]),
        "households_visited": int(r[2]),
        "target_days": target,
        "met": int(r[1]) >= target,
        "responsible": resp is not None,
    }


def staff_week(
    con: duckdb.DuckDBPyConnection, staff_id: str, week: str
) -> tuple[dict[str, Any], pd.DataFrame, dict[str, int]]:
    """A grid worker's week as the weekly page shows it, from one read of their visits of the week.

    Equal to ``(staff_quota(con, staff_id, week), week_days(con, [staff_id], week),
    other_kinds(con, [staff_id], week))``: the same visits (named query ``visit_week_of_staff``: the home
    visits a quota counts, ``quota_visits``, and the visits of the other kinds) counted here instead of
    by three queries that each read the week's visits.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    staff_id : str
        The grid worker.
    week : str
        ``2026-W47``.

    Returns
    -------
    tuple
        (quota, days, others): :func:`staff_quota`'s dict, :func:`week_days`' seven rows and
        :func:`other_kinds`' dict (kinds in alphabetical order).
    """
    start, end = parse_week(week)
    got = db.df(con, "visit_week_of_staff", staff_id=staff_id, week_start=start, week_end=end)
    home = got[got["kind"] == "home"]
    # per day: visits and distinct households (count(*), count(DISTINCT hid): nunique leaves NULL out too)
    by_day = {pd.Timestamp(d).date(): (len(h), int(h.nunique())) for d, h in home.groupby("visited_on")["hid"]}
    quota = _quota_row(con, staff_id, start, end, (len(home), len(by_day), int(home["hid"].nunique())))
    others = got.loc[got["kind"] != "home", "kind"].value_counts()
    return quota, _days_of_week(con, start, by_day), {str(k): int(others[k]) for k in sorted(others.index)}


# ----------------------------------------------------------------------------- whom next


def _tags(v: Any) -> list[str]:
    if v is None:
        return []
    try:
        return [str(x) for x in list(v)]
    except TypeError:
        return []


def _is_vulnerable(tags: Any) -> bool:
    return any(tag in VULNERABLE_TAGS for tag in _tags(tags))


def staff_grids(con: duckdb.DuckDBPyConnection, staff_id: str, as_of: dt.date) -> list[str]:
    """The grids ``staff_id`` answers for on ``as_of``.

    Returns
    -------
    list of str
        Grid codes (the named query ``visit_staff_grids``).
    """
    return db.df(con, "visit_staff_grids", staff_id=staff_id, as_of=as_of)["grid_code"].tolist()


def due_households(
    con: duckdb.DuckDBPyConnection,
    staff_id: str,
    as_of: dt.date,
    scope: Sequence[str] | None = None,
    days: int | None = None,
    grids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Households of the staff member's grids due for a home visit as of ``as_of``, in visiting order.

    The due households of each grid come from :func:`analytics.reports.unvisited` (``extra=True``);
    the order is: never visited first, then the oldest last visit; within equal last visits the
    vulnerable (低保、空巢老人、留守儿童、残疾、特困) first, then those paired with the staff member
    (结穷亲), then by household code. ``grids`` (default: those the staff member answers for on
    ``as_of``) are the grids looked in.

    Returns
    -------
    pandas.DataFrame
        The columns of ``unvisited(extra=True)`` (``household_code, head_name, grid_code,
        last_visit, days_since, tags, phone, address, lon, lat``) plus ``vulnerable`` and ``paired``
        (bool).

    Examples
    --------
    >>> from store import db
    >>> due_households(db.connect(":memory:"), "S1", dt.date(2026, 11, 22)).empty
    True
    """
    parts = [
        reports.unvisited(con, g, as_of, days=days, scope=scope, extra=True)
        for g in (staff_grids(con, staff_id, as_of) if grids is None else grids)
    ]
    cols = reports.UNVISITED_COLUMNS + ["tags", "phone", "address", "lon", "lat", "vulnerable", "paired"]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True).drop_duplicates("household_code")
    paired = set(db.df(con, "visit_staff_pairings", staff_id=staff_id)["household_code"])
    out["vulnerable"] = out["tags"].map(_is_vulnerable).astype(bool)
    out["paired"] = out["household_code"].isin(paired).astype(bool)
    out["_never"] = out["last_visit"].isna()
    out["_last"] = pd.to_datetime(out["last_visit"])
    out = out.sort_values(
        ["_never", "_last", "vulnerable", "paired", "household_code"],
        ascending=[False, True, False, False, True],
        na_position="first",
        kind="mergesort",
    )
    return out.drop(columns=["_never", "_last"]).reset_index(drop=True)[cols]


def staff_households(
    con: duckdb.DuckDBPyConnection, staff_id: str, as_of: dt.date, scope: Sequence[str] | None = None
) -> pd.DataFrame:
    """The active households ``staff_id`` may record visits for on ``as_of``, longest unvisited first.

    Their grids' and their 结穷亲 households (within ``scope``).

    Returns
    -------
    pandas.DataFrame
        ``household_code, head_name, address, grid_code, tags, created_on, lon, lat, last_visit, paired``.
    """
    return db.df(con, "visit_households", staff_id=staff_id, as_of=as_of, scope=None if scope is None else list(scope))


# ----------------------------------------------------------------------------- record / edit / delete


def _as_date(v: Any, field: str = "visited_on") -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(normalize_value(v))  # ２０２６－１１－０３ typed in IME mode
        except ValueError:
            pass
    raise VisitError("weekly_page.err.bad_date", value=str(v))


def _check_kind(kind: str) -> str:
    if kind not in VISIT_KINDS:
        raise VisitError("weekly_page.err.bad_kind", value=str(kind))
    return kind


def _check_note(note: Any) -> str | None:
    # a missing note read from a frame is NaN (pandas' str dtype): no note, never the text "nan"
    if note is None or (not isinstance(note, str) and pd.isna(note)):
        return None
    note = clean_text(str(note))  # invisible characters pasted from chat apps, spaces of any kind
    if len(note) > NOTE_MAX:
        raise VisitError("weekly_page.err.note_too_long", n=NOTE_MAX, length=len(note))
    return note or None


def _staff_of(user: Any) -> str:
    sid = getattr(user, "staff_id", None)
    if not sid:
        raise VisitError("weekly_page.err.no_staff")
    return str(sid)


def _check_household(con: duckdb.DuckDBPyConnection, user: Any, staff_id: str, code: str, visited_on: dt.date) -> tuple:
    row = db.execute(con, "visit_household_get", code=str(code)).fetchone()
    if row is None:
        raise VisitError("weekly_page.err.no_household", code=str(code))
    hcode, _name, grid, status, created_on = row
    if status != "active":
        raise VisitError("weekly_page.err.inactive", code=hcode)
    scope = getattr(user, "scope", None)
    if scope is not None:
        from auth.scope import in_scope

        if not (grid and in_scope(con, user, grid)) and not db.one(
            con, "visit_is_paired", staff_id=staff_id, household_code=hcode
        ):
            raise VisitError("weekly_page.err.out_of_scope", code=hcode)
    if created_on is not None and visited_on < created_on:
        raise VisitError("weekly_page.err.before_created", code=hcode, created=created_on.isoformat())
    return row


def _retrying(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (one transaction), again when it lost a race with a concurrent writer.

    Returns
    -------
    Any
        What ``fn`` returned (store.db.retrying, :data:`_RETRIES` attempts).
    """
    return db.retrying(fn, attempts=_RETRIES)


def record_visit(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    household_code: str,
    visited_on: dt.date | str,
    kind: str = "home",
    note: str | None = None,
    needs_action: bool = False,
    today: dt.date | None = None,
    lang: str = "zh",
) -> tuple[bool, str]:
    """Record a visit by the signed-in grid worker, audited as ``visit_add``.

    Parameters
    ----------
    user : the signed-in :class:`auth.users.User`; the visit is theirs (``user.staff_id``).
    household_code : a household of their grids (or their 结穷亲 household), active.
    visited_on : not after ``today``, not before the household was registered (``created_on``).
    kind : ``home`` (入户走访, the default), ``phone``, ``meeting`` (院坝会) or ``reception`` (接访).
    note : the 民情 note; needs_action : the note needs follow-up.
    today : today's date (default :func:`analytics.grids.today`, i.e. today in Asia/Shanghai or
        ``$LIANXIN_TODAY``; ``ui.common.today()`` on the page).
    lang : language of the returned message.

    Returns
    -------
    tuple of (bool, str)
        (created, message): ``(True, "已登记…")``, or ``(False, "已经登记过…")`` when the same
        household, person, day and kind is already recorded (a double submit never makes two visits).

    Raises
    ------
    VisitError
        The sentence saying what to fix (future date, unknown household, …).

    Examples
    --------
    >>> from store import db
    >>> from auth.users import User
    >>> record_visit(db.connect(":memory:"), User("x", "admin", []), "H01", dt.date(2026, 11, 22))
    Traceback (most recent call last):
    ...
    analytics.visits.VisitError: 您的账号没有对应的网格工作人员，不能登记走访，请联系管理员
    """
    today = today or today_in_shanghai()
    staff_id = _staff_of(user)
    kind = _check_kind(kind)
    day = _as_date(visited_on)
    if day > today:
        raise VisitError("weekly_page.err.future", date=day.isoformat(), today=today.isoformat())
    note = _check_note(note)
    row = _check_household(con, user, staff_id, normalize_value(household_code), day)
    hcode, head_name, grid = row[0], row[1], row[2]

    def write() -> int | None:
        with audit.atomic(con):
            # a visit that raises no issue by the quiet statement (it writes needs_action FALSE itself): it
            # leaves the work list's visit issues shared (store/version.py QUIET_STATEMENTS)
            got = db.execute(
                con,
                "visit_insert" if needs_action else "visit_insert_quiet",
                household_code=hcode,
                staff_id=staff_id,
                visited_on=day,
                kind=kind,
                note=note,
                needs_action=bool(needs_action),
                created_by=getattr(user, "name", None),
            ).fetchone()
            if got is None:
                return None
            if kind == "home":  # only a home visit can move the last home visit, and only forward
                db.execute(con, "last_home_forward", household_code=hcode, visited_on=day)
            audit.record(
                con,
                user,
                "visit_add",
                area=grid,
                counts={"visit_id": int(got[0])},
                detail=f"{hcode} {day.isoformat()} {kind}",
            )
            return int(got[0])

    new_id = _retrying(write)
    params = {
        "household": t("format.named_code", lang, name=head_name, code=hcode),
        "date": day.isoformat(),
        "kind": t(f"kind.{kind}", lang),
    }
    if new_id is None:
        return False, t("weekly_page.already_recorded", lang, **params)
    return True, t("weekly_page.saved", lang, **params)


def recount_last_home(con: duckdb.DuckDBPyConnection, household_code: str) -> None:
    """Keep ``households.last_home_on`` right after a home visit of it changed (store/migrations/0004).

    With other writers at work, take ``household_lock`` first in the same transaction (the recount
    reads the visits committed when it runs).
    """
    db.execute(con, "last_home_recount", household_code=household_code)


def _own_recent(con: duckdb.DuckDBPyConnection, user: Any, visit_id: int, today: dt.date) -> tuple:
    staff_id = _staff_of(user)
    row = db.execute(con, "visit_get", id=int(visit_id)).fetchone()
    if row is None:
        raise VisitError("weekly_page.err.no_visit", id=int(visit_id))
    if row[2] != staff_id:
        raise VisitError("weekly_page.err.not_own")
    if row[3] < today - dt.timedelta(days=EDIT_DAYS):
        raise VisitError("weekly_page.err.too_old", days=EDIT_DAYS)
    return row


def edit_visit(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    visit_id: int,
    *,
    today: dt.date,
    visited_on: dt.date | str | None = None,
    kind: str | None = None,
    note: str | None = None,
    needs_action: bool | None = None,
    lang: str = "zh",
) -> str:
    """Change one of the user's own recent visits (dated within :data:`EDIT_DAYS` days).

    Audited as ``visit_edit`` with the old and new values. Arguments left ``None`` keep their value.

    Returns
    -------
    str
        The message to show, in ``lang``.

    Raises
    ------
    VisitError
        When the change is not allowed (not the user's, too old, a future date …) or would
        duplicate another visit of the same household, day and kind.
    """
    row = _own_recent(con, user, visit_id, today)
    vid, hcode, staff_id, old_day, old_kind, old_note, old_action = row[:7]
    head_name, grid = row[8], row[9]
    day = _as_date(visited_on) if visited_on is not None else old_day
    new_kind = _check_kind(kind) if kind is not None else old_kind
    new_note = _check_note(note) if note is not None else old_note
    new_action = bool(needs_action) if needs_action is not None else bool(old_action)
    if day > today:
        raise VisitError("weekly_page.err.future", date=day.isoformat(), today=today.isoformat())
    if day != old_day:
        _check_household(con, user, staff_id, hcode, day)
    if (day, new_kind, new_note, new_action) == (old_day, old_kind, old_note, bool(old_action)):
        return t("weekly_page.unchanged", lang)
    if db.one(con, "visit_key_taken", household_code=hcode, staff_id=staff_id, visited_on=day, kind=new_kind, id=vid):
        raise VisitError("weekly_page.err.duplicate", date=day.isoformat(), kind=Message(f"kind.in_text.{new_kind}"))
    changes = []
    if day != old_day:
        changes.append(f"visited_on {old_day.isoformat()} → {day.isoformat()}")
    if new_kind != old_kind:
        changes.append(f"kind {old_kind} → {new_kind}")
    if new_note != old_note:
        changes.append("note")
    if new_action != bool(old_action):
        changes.append(f"needs_action {bool(old_action)} → {new_action}")

    def write() -> None:
        with audit.atomic(con):
            db.execute(con, "household_lock", household_code=hcode)  # before the recount below
            edit = {"id": vid, "household_code": hcode, "visited_on": day, "kind": new_kind, "note": new_note}
            # a visit without an issue before and after: the quiet statement, which changes only a row
            # still without one (store/version.py QUIET_STATEMENTS); otherwise, or when the row has
            # been flagged since it was read, the statement that moves the visit issues' version
            if (old_action or new_action) or db.execute(con, "visit_update_quiet", **edit).fetchone() is None:
                db.execute(con, "visit_update", needs_action=new_action, **edit)
            if "home" in (old_kind, new_kind):
                recount_last_home(con, hcode)
            audit.record(
                con,
                user,
                "visit_edit",
                area=grid,
                counts={"visit_id": int(vid)},
                detail=f"{hcode}: " + "; ".join(changes),
            )

    _retrying(write)
    household = t("format.named_code", lang, name=head_name, code=hcode)
    return t("weekly_page.edited", lang, household=household, date=day.isoformat())


def delete_visit(con: duckdb.DuckDBPyConnection, user: Any, visit_id: int, *, today: dt.date, lang: str = "zh") -> str:
    """Delete one of the user's own recent visits, audited as ``visit_delete``.

    What was deleted is kept in the audit entry. A visit that is not the user's own or is older
    than :data:`EDIT_DAYS` days raises :class:`VisitError` (from ``_own_recent``).

    Returns
    -------
    str
        The message to show, in ``lang``.
    """
    row = _own_recent(con, user, visit_id, today)
    vid, hcode, _sid, day, kind, note, action = row[:7]
    head_name, grid = row[8], row[9]

    def write() -> None:
        with audit.atomic(con):
            db.execute(con, "household_lock", household_code=hcode)  # before the recount below
            # as in edit_visit: the quiet statement for a visit without an issue, else visit_delete
            if action or db.execute(con, "visit_delete_quiet", id=vid, household_code=hcode).fetchone() is None:
                db.execute(con, "visit_delete", id=vid, household_code=hcode)
            if kind == "home":
                recount_last_home(con, hcode)
            audit.record(
                con,
                user,
                "visit_delete",
                area=grid,
                counts={"visit_id": int(vid), "needs_action": bool(action)},
                detail=f"{hcode} {day.isoformat()} {kind}" + (f": {note}" if note else ""),
            )

    _retrying(write)
    household = t("format.named_code", lang, name=head_name, code=hcode)
    return t("weekly_page.deleted", lang, household=household, date=day.isoformat())


def recent_visits(
    con: duckdb.DuckDBPyConnection, staff_id: str, today: dt.date, days: int = EDIT_DAYS, limit: int = 50
) -> pd.DataFrame:
    """The staff member's visits (every kind) dated in the last ``days`` days, newest first.

    These are the ones they may still edit.

    Returns
    -------
    pandas.DataFrame
        ``id, visited_on, kind, household_code, head_name, grid_code, note, needs_action``, at most
        ``limit`` rows.
    """
    return db.df(
        con, "visits_recent_of_staff", staff_id=staff_id, since=today - dt.timedelta(days=days), limit=int(limit)
    )


# ----------------------------------------------------------------------------- township office

RANKING_COLUMNS = [
    "rank",
    "staff_id",
    "name",
    "grid_code",
    "visits",
    "visit_days",
    "households_visited",
    "target_days",
    "met",
    "grid_households",
    "grid_visited",
    "coverage",
]


def office_week(
    con: duckdb.DuckDBPyConnection, week: str, scope: Sequence[str] | None, today: dt.date, min_visits: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The week across all grid staff in ``scope``.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame, pandas.DataFrame)
        (quotas, ranked, inactive): ``quotas`` is exactly :func:`analytics.reports.quotas` (what
        ``manage.py report quotas`` prints); ``ranked`` the staff with at least ``min_visits`` home
        visits, ranked by visit days, then households visited, then ``coverage`` of their grids
        (share of the grids' active households with a home visit in the revisit period up to the end
        of the week, or today if earlier, a fraction 0–1), with :data:`RANKING_COLUMNS`;
        ``inactive`` the others ("no activity", never ranked), same columns with ``rank`` empty.
    """
    start, end = parse_week(week)
    q = reports.quotas(con, week, scope=scope)
    as_of = min(end, today)
    days = int(db.rule(con, "revisit_days"))
    cov = db.df(
        con,
        "staff_grid_coverage",
        week_start=start,
        week_end=end,
        as_of=as_of,
        days=days,
        scope=None if scope is None else list(scope),
    )
    full = q.merge(cov, on="staff_id", how="left")
    full["grid_households"] = full["grid_households"].fillna(0).astype(int)
    full["grid_visited"] = full["grid_visited"].fillna(0).astype(int)
    full["coverage"] = reports.coverage_ratio(full["grid_visited"], full["grid_households"])
    active = full["visits"] >= min_visits
    ranked = (
        full[active]
        .sort_values(
            ["visit_days", "households_visited", "coverage", "staff_id"],
            ascending=[False, False, False, True],
            na_position="last",
            kind="mergesort",
        )
        .reset_index(drop=True)
    )
    # equal numbers share a rank (1, 2, 2, 4 …)
    key = list(zip(ranked["visit_days"], ranked["households_visited"], ranked["coverage"].fillna(-1)))
    ranks, prev = [], None
    for i, k in enumerate(key):
        ranks.append(ranks[-1] if k == prev else i + 1)
        prev = k
    ranked.insert(0, "rank", pd.Series(ranks, dtype="Int64"))
    inactive = full[~active].reset_index(drop=True)
    inactive.insert(0, "rank", pd.Series([pd.NA] * len(inactive), dtype="Int64"))
    return q, ranked[RANKING_COLUMNS], inactive[RANKING_COLUMNS]


def secretary_receptions(con: duckdb.DuckDBPyConnection, week: str, scope: Sequence[str] | None = None) -> pd.DataFrame:
    """书记每周一次接待群众: per village secretary in scope, the receptions in the week.

    Receptions are visits of kind ``reception``; ``met`` says whether there was at least one.

    Returns
    -------
    pandas.DataFrame
        ``staff_id, name, receptions, reception_days, met``.
    """
    start, end = parse_week(week)
    out = db.df(
        con, "secretary_receptions", week_start=start, week_end=end, scope=None if scope is None else list(scope)
    )
    out["met"] = out["met"].astype(bool)
    return out


def weeks_back(today: dt.date, n: int = 26) -> list[str]:
    """The ISO weeks from ``today``'s back ``n - 1`` weeks, newest first (the page's week picker).

    Returns
    -------
    list of str
        ``n`` ISO weeks (:func:`week_of`).

    Examples
    --------
    >>> weeks_back(dt.date(2026, 11, 25), 3)
    ['2026-W48', '2026-W47', '2026-W46']
    """
    monday = today - dt.timedelta(days=today.weekday())
    return [week_of(monday - dt.timedelta(weeks=i)) for i in range(n)]


def household_label(row: dict | pd.Series, lang: str = "zh") -> str:
    """``张三 · H01 · 地址`` — how a household is shown in the type-ahead picker.

    Returns
    -------
    str
        Head name, code and address joined by `` · ``, empty parts left out.
    """
    parts: Iterable[Any] = (row.get("head_name"), row.get("household_code"), row.get("address"))
    return " · ".join(str(p) for p in parts if p is not None and p == p and str(p).strip())
