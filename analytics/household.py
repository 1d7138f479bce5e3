"""One household's whole record (民情档案, issue 20): what is known about it, newest first.

The head (name, members, phone and address as the user may see them, tags, status, grid, village,
township, point, last home visit), its open follow-ups ("needs action": petitions and visit issues
not closed, with their deadlines), every visit (kind, visitor, note, the state of an issue
raised), every petition (state and deadlines, from the same work list as the petitions page:
:func:`analytics.petitions.items`), the 结穷亲 pairings, the grids it belonged to and who answered
for them over that time (``staff_grids`` history), and the changes of its status and grid (kept
from store/migrations/0009 on; before that day only the current state is known).

The page (pages/household.py) and ``manage.py report household --code CODE`` both show
:meth:`Record.rows`, so they cannot differ. Scope and masking are those of every list: a household
is visible when its grid lies in the user's areas (or the user's staff member is paired with it);
names, phones, addresses, tags and points are masked with :func:`auth.masking.mask_frame`. Opening
a record is written to the audit log (``household_view``: who looked at whose record, when), as the
PIPL expects for sensitive personal information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics import calendar, petitions
from analytics.reports import ReportError
from auth import audit
from auth.masking import mask_frame
from store import db

#: the columns of :meth:`Record.rows` (``manage.py report household``)
RECORD_COLUMNS = ["section", "date", "item", "detail", "status", "until", "overdue", "by"]
#: the sections of a record, in the order shown
SECTIONS = ("household", "follow_up", "visit", "petition", "pairing", "responsible", "change")
#: the fields of the ``household`` section, in order
HEAD_FIELDS = (
    "household_code",
    "head_name",
    "members",
    "phone",
    "address",
    "tags",
    "status",
    "grid",
    "village",
    "township",
    "point",
    "last_home_visit",
)


class HouseholdError(ReportError):
    """A record that cannot be shown (a sentence).

    ``reason`` is ``missing`` (no such household) or ``outside`` (not in the user's areas).
    """

    def __init__(self, message: str = "", reason: str = "", **keyed: Any):
        super().__init__(message, **keyed)
        self.reason = reason


@dataclass
class Record:
    """One household's record; each frame newest first.

    Attributes
    ----------
    head : the household (``household_head`` columns), names and phone masked for the user.
    visits : ``visit_id, visited_on, kind, staff_id, staff_name, note, needs_action, issue_status``.
    petitions : the household's petitions as in the petitions work list (``WORKLIST_COLUMNS``).
    open_items : its petitions and visit issues not closed (same columns).
    pairings : ``staff_id, staff_name, role, rank, since``.
    responsible : ``grid_code, grid_name, staff_id, staff_name, role, valid_from, valid_to`` for the
        grids the household was in, limited to the time it was there.
    changes : ``changed_on, field, old_value, new_value, source, changed_by``.
    changes_since : the day recording of changes began (None on a database without it).
    """

    code: str
    head: dict[str, Any]
    visits: pd.DataFrame
    petitions: pd.DataFrame
    open_items: pd.DataFrame
    pairings: pd.DataFrame
    responsible: pd.DataFrame
    changes: pd.DataFrame
    changes_since: dt.date | None

    def rows(self) -> pd.DataFrame:
        """The whole record as one table with :data:`RECORD_COLUMNS`, section by section.

        Returns
        -------
        pandas.DataFrame
            Sections in the order of :data:`SECTIONS`, newest first within each; values are codes
            (``home``, ``closed``, ``grid_leader``), dates ``datetime.date``.
        """
        return record_rows(self)


def _date(v: Any) -> dt.date | None:
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return None
    return pd.Timestamp(v).date()


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and not isinstance(v, str)):
        items = [str(x) for x in list(v)]
        return "、".join(items) if items else None
    if pd.isna(v):
        return None
    s = str(v)
    return s if s.strip() else None


def _grid_periods(current: str | None, changes: pd.DataFrame) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """The grids the household was in, with the first and last day (None: open).

    Read from its grid changes (newest first) back from the current grid.

    Returns
    -------
    list of (str, datetime.date or None, datetime.date or None)
        (grid code, first day, last day), the current grid first.
    """
    out: list[tuple[str, dt.date | None, dt.date | None]] = []
    grid_changes = changes[changes["field"] == "grid_code"]
    end: dt.date | None = None
    grid = current
    for _, c in grid_changes.iterrows():  # newest first
        day = _date(c["changed_on"])
        if grid:
            out.append((grid, day, end))
        end = day - dt.timedelta(days=1) if day else None
        grid = c["old_value"] if isinstance(c["old_value"], str) and c["old_value"] else None
    if grid:
        out.append((grid, None, end))
    return out


def _responsible(con: Any, current: str | None, changes: pd.DataFrame) -> pd.DataFrame:
    """Who answered for the household: the assignments (``staff_grids``) of each grid it was in.

    Each is cut to the time the household was there (``valid_from``/``valid_to`` are those of the
    overlap; None: open).

    Returns
    -------
    pandas.DataFrame
        ``grid_code, grid_name, staff_id, staff_name, role, valid_from, valid_to``, the latest first.
    """
    periods = _grid_periods(current, changes)
    cols = ["grid_code", "grid_name", "staff_id", "staff_name", "role", "valid_from", "valid_to"]
    if not periods:
        return pd.DataFrame(columns=cols)
    rows = db.df(con, "household_responsible", grids=sorted({g for g, _, _ in periods}))
    keep = []
    for _, r in rows.iterrows():
        vf, vt = _date(r["valid_from"]), _date(r["valid_to"])
        for g, start, end in periods:
            if r["grid_code"] != g:
                continue
            if (vt is None or start is None or vt >= start) and (vf is None or end is None or vf <= end):
                frm = start if vf is None else (vf if start is None else max(vf, start))
                to = end if vt is None else (vt if end is None else min(vt, end))
                keep.append({**{c: r[c] for c in cols}, "valid_from": frm, "valid_to": to})
    if not keep:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(keep, columns=cols)
    far, never = dt.date.max, dt.date.min
    out["_to"] = [far if v is None else v for v in out["valid_to"]]
    out["_from"] = [never if v is None else v for v in out["valid_from"]]
    out = out.sort_values(["_to", "_from", "role", "staff_id"], ascending=[False, False, True, True], kind="mergesort")
    return out.drop(columns=["_to", "_from"]).reset_index(drop=True)


def visible(con: Any, code: str, user: Any = None) -> bool:
    """Whether ``user`` (None: the local administrator) may open the household's record.

    It may when the household's grid lies in their areas, or their staff member is paired with it
    (结穷亲).

    Returns
    -------
    bool
        True when the record may be opened.
    """
    scope = getattr(user, "scope", None) if user is not None else None
    return bool(
        db.one(
            con,
            "household_visible",
            scope=None if scope is None else list(scope),
            code=code,
            staff_id=getattr(user, "staff_id", None),
        )
    )


def open_record(con: Any, code: str, user: Any = None, today: dt.date | None = None, audited: bool = True) -> Record:
    """A household's record as ``user`` may see it, written to the audit log.

    Parameters
    ----------
    code : the household code (户编号).
    user : an :class:`auth.users.User`, or None for the local administrator (the command line).
    today : the day deadlines are judged against (default today in Asia/Shanghai).
    audited : write the ``household_view`` audit entry (who, whose record, when). Only the page's
        reruns of a record already opened pass False.

    Returns
    -------
    :class:`Record`.

    Raises
    ------
    HouseholdError
        With a sentence when there is no such household or it lies outside the user's areas.

    Examples
    --------
    >>> open_record(db.connect(":memory:"), "H01")
    Traceback (most recent call last):
    ...
    analytics.household.HouseholdError: 没有户编号为 H01 的户，请检查户编号 / no household with code H01
    """
    code = str(code or "").strip()
    today = today or calendar.today()
    head = db.df(con, "household_head", code=code)
    if head.empty:
        raise HouseholdError(reason="missing", key="household.error.no_household", code=code)
    name = getattr(user, "name", None) or "admin"
    if not visible(con, code, user):
        raise HouseholdError(reason="outside", key="household.error.outside_user", code=code, name=name)
    head = mask_frame(head, user, con)
    h = head.iloc[0].to_dict()
    grid = h.get("grid_code") if isinstance(h.get("grid_code"), str) else None

    visits = db.df(con, "household_visits", code=code)
    items = petitions.items(con, today, scope=[grid] if grid else None)
    mine = items[items["household_code"] == code]
    pets = mine[mine["kind"] == "petition"].sort_values(["received_on", "id"], ascending=False, kind="mergesort")
    open_items = mine[mine["status"] != "closed"].sort_values(["received_on", "id"], ascending=False, kind="mergesort")
    pairings = db.df(con, "household_pairings", code=code)
    changes = db.df(con, "household_changes", code=code)
    since = db.one(con, "household_changes_since")
    record = Record(
        code=code,
        head=h,
        visits=visits,
        petitions=pets.reset_index(drop=True),
        open_items=open_items.reset_index(drop=True),
        pairings=pairings,
        responsible=_responsible(con, grid, changes),
        changes=changes,
        changes_since=dt.date.fromisoformat(since) if since else None,
    )
    if audited:
        audit.record(con, user if user is not None else "admin", "household_view", area=grid, detail=code)
    return record


def _next_due(r: pd.Series) -> dt.date | None:
    """The deadline an open item works to: the reply until replied (taken up), then the close.

    Returns
    -------
    datetime.date or None
        The due date, or None when it has none.
    """
    return _date(r["close_due"] if r["replied"] else r["reply_due"])


def _who(name: Any, code: Any) -> str | None:
    """``网格长甲 S1`` — a person by name and id.

    Returns
    -------
    str or None
        Name and id joined by a space (either alone when the other is empty), None when both are.
    """
    return " ".join(x for x in (_text(name), _text(code)) if x) or None


def record_rows(rec: Record) -> pd.DataFrame:
    """:meth:`Record.rows` (see there).

    Parameters
    ----------
    rec : Record
        An opened record.

    Returns
    -------
    pandas.DataFrame
        The record's rows, columns :data:`RECORD_COLUMNS`.
    """
    out: list[dict[str, Any]] = []

    def add(
        section: str,
        date: Any = None,
        item: Any = None,
        detail: Any = None,
        status: Any = None,
        until: Any = None,
        overdue: Any = None,
        by: Any = None,
    ) -> None:
        out.append(
            {
                "section": section,
                "date": _date(date),
                "item": _text(item),
                "detail": _text(detail),
                "status": _text(status),
                "until": _date(until),
                "overdue": overdue,
                "by": _text(by),
            }
        )

    h = rec.head
    point = (
        f"{float(h['lon']):.6f},{float(h['lat']):.6f}"
        if h.get("lon") is not None and not pd.isna(h.get("lon")) and not pd.isna(h.get("lat"))
        else None
    )
    grid = " ".join(x for x in (_text(h.get("grid_code")), _text(h.get("grid_name"))) if x) or None
    village = " ".join(x for x in (_text(h.get("village_code")), _text(h.get("village_name"))) if x) or None
    township = " ".join(x for x in (_text(h.get("township_code")), _text(h.get("township_name"))) if x) or None
    members = None if h.get("members") is None or pd.isna(h.get("members")) else int(h["members"])
    values = {
        "household_code": rec.code,
        "head_name": h.get("head_name"),
        "members": members,
        "phone": h.get("phone"),
        "address": h.get("address"),
        "tags": h.get("tags"),
        "status": h.get("status"),
        "grid": grid,
        "village": village,
        "township": township,
        "point": point,
        "last_home_visit": None,
    }
    for f in HEAD_FIELDS:
        if f == "last_home_visit":
            add("household", date=h.get("last_home_on"), item=f)
        else:
            add("household", item=f, detail=values[f])

    for _, r in rec.open_items.iterrows():
        add(
            "follow_up",
            r["received_on"],
            f"{r['kind']} {r['id']}",
            r["category"] if r["kind"] == "petition" else r["text"],
            r["status"],
            _next_due(r),
            bool(r["overdue"]),
        )
    for _, r in rec.visits.iterrows():
        add("visit", r["visited_on"], r["kind"], r["note"], r["issue_status"], by=_who(r["staff_name"], r["staff_id"]))
    for _, r in rec.petitions.iterrows():
        detail = " · ".join(
            x
            for x in (
                _text(r["category"]),
                _text(r["channel"]),
                f"{int(r['people'])}" if not pd.isna(r["people"]) else None,
            )
            if x
        )
        add(
            "petition",
            r["received_on"],
            r["id"],
            detail,
            r["status"],
            None if r["status"] == "closed" else _next_due(r),
            bool(r["overdue"]),
        )
    for _, r in rec.pairings.iterrows():
        add(
            "pairing",
            r["since"],
            _who(r["staff_name"], r["staff_id"]),
            None if pd.isna(r["rank"]) else int(r["rank"]),
            r["role"],
        )
    for _, r in rec.responsible.iterrows():
        add(
            "responsible",
            r["valid_from"],
            _who(r["grid_name"], r["grid_code"]),
            _who(r["staff_name"], r["staff_id"]),
            r["role"],
            r["valid_to"],
        )
    for _, r in rec.changes.iterrows():
        add(
            "change",
            r["changed_on"],
            r["field"],
            f"{_text(r['old_value']) or '—'} → {_text(r['new_value']) or '—'}",
            by=" ".join(x for x in (_text(r["source"]), _text(r["changed_by"])) if x),
        )
    add("change", rec.changes_since, "recorded_since")
    return pd.DataFrame(out, columns=RECORD_COLUMNS)
