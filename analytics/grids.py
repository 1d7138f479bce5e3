"""Who answers for every grid and every household (网格责任).

The directory of grids with their leader (网格长) and members (网格员), the gaps (vacant grids,
staff without a grid, pairing quotas not met), the search "who is responsible for this household",
and reassignment with history. ``manage.py report grids`` and pages/responsibility.py call these
same functions, so their numbers cannot differ. SQL in queries/grids.sql.

"Currently responsible" on a date ``on`` (default: today in Asia/Shanghai, ``LIANXIN_TODAY``
overrides it): an active staff member with a ``staff_grids`` row whose ``valid_from``…``valid_to``
holds that date. History is kept: a reassignment closes rows (``valid_to = effective − 1 day``)
and opens new ones (``valid_from = effective``), so last week's quota stays with the old leader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import duckdb
import pandas as pd

from analytics import calendar
from analytics.reports import ReportError
from auth.scope import mask_phone
from i18n import fmt_list, t
from store import db
from vocabulary.roles import REASSIGN_ROLES  # noqa: F401  (re-exported)

#: CONTRACT.md §3 ``report grids`` columns, in order.
GRID_COLUMNS = ["code", "name", "village_code", "households", "leader_id", "leader_name", "members"]
#: Staffing status of a grid, worst first (the map's classes).
STATUSES = ("no_staff", "leader_vacant", "overloaded", "ok")
#: Who may reassign grids.
LIST_SEP = "、"
Scope = Sequence[str] | None


class GridError(ReportError):
    """A request about grids that cannot be done; the message is a sentence saying what to fix."""


def today() -> dt.date:
    """Today in Asia/Shanghai: :func:`analytics.calendar.today` (``LIANXIN_TODAY`` overrides it).

    Returns
    -------
    datetime.date
    """
    return calendar.today()


def _scope(scope: Scope) -> list[str] | None:
    return None if scope is None else list(scope)


def _check_area(con: duckdb.DuckDBPyConnection, area: str | None) -> str | None:
    if area is None or str(area).strip() == "":
        return None
    level = db.one(con, "grids_area_level", code=str(area))
    if level is None:
        raise GridError(key="grid.error.no_area", area=area)
    return level


def _join(values: Any) -> str:
    if values is None:
        return ""
    try:
        items = list(values)
    except TypeError:
        return str(values)
    return LIST_SEP.join(str(v) for v in items if v is not None and str(v) != "")


def _with_phones(names: Any, phones: Any) -> str:
    """``网格长甲 138****1234、网格员乙`` — names with their masked phones.

    Returns
    -------
    str
        Each name with its masked phone (the name alone without one), joined with 、.
    """
    out = []
    for n, p in zip(list(names if names is not None else []), list(phones if phones is not None else [])):
        masked = mask_phone(p)
        out.append(f"{n} {masked}" if masked else str(n))
    return LIST_SEP.join(out)


# ----------------------------------------------------------------------------- the directory


def grid_directory(
    con: duckdb.DuckDBPyConnection,
    area: str | None = None,
    scope: Scope = None,
    on: dt.date | None = None,
    grids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every grid of an area with the people responsible for it on a date.

    Parameters
    ----------
    area : an area code of any level (a grid gives one row); None for every grid in scope.
    scope : area codes the user may see; None for everything.
    on : the date (default today); history in ``staff_grids`` answers for past dates.
    grids : only these grid codes (used by :func:`find_responsible`).

    Returns
    -------
    DataFrame starting with the contract's ``code,name,village_code,households,leader_id,
    leader_name,members`` (households: active ones; members: grid members responsible; leader: the
    grid leader responsible, the first by id when several — ``multiple_leaders`` flags it), then
    ``village_name, leader_phone`` (masked), ``leader_count, multiple_leaders, leaders, member_ids,
    member_names, member_contacts`` (names with masked phones), ``other_staff`` (secretaries,
    cadres), ``staff_count, staff_ids`` (everyone responsible, joined by 、),
    ``households_per_staff, pairing_leaders, paired_households, status``
    (ok / leader_vacant / overloaded / no_staff) and ``overloaded`` (households per staff member above
    the rule ``households_per_staff_max``, whatever the status).

    Examples
    --------
    >>> from store import db
    >>> grid_directory(db.connect(":memory:")).columns.tolist()[:7]
    ['code', 'name', 'village_code', 'households', 'leader_id', 'leader_name', 'members']
    """
    _check_area(con, area)
    on = on or today()
    max_per_staff = db.rule(con, "households_per_staff_max")
    raw = db.df(
        con,
        "grids_directory",
        area=area or None,
        scope=_scope(scope),
        on=on,
        grids=None if grids is None else list(grids),
        max_per_staff=max_per_staff,
    )
    out = raw[GRID_COLUMNS + ["village_name"]].copy()
    out["households"] = out["households"].astype("int64")
    out["members"] = out["members"].astype("int64")
    out["leader_phone"] = raw["leader_phone"].map(mask_phone)
    out["leader_count"] = raw["leader_count"].astype("int64")
    out["multiple_leaders"] = out["leader_count"] > 1
    out["leaders"] = [_with_phones(n, p) for n, p in zip(raw["leader_names"], raw["leader_phones"])]
    out["member_ids"] = raw["member_ids"].map(_join)
    out["member_names"] = raw["member_names"].map(_join)
    out["member_contacts"] = [_with_phones(n, p) for n, p in zip(raw["member_names"], raw["member_phones"])]
    out["other_staff"] = raw["other_names"].map(_join)
    out["staff_count"] = raw["staff_count"].astype("int64")
    out["staff_ids"] = raw["staff_ids"].map(_join)
    out["households_per_staff"] = raw["households_per_staff"].astype(float)
    out["pairing_leaders"] = raw["pairing_names"].map(_join)
    out["paired_households"] = raw["paired_households"].astype("int64")
    out["status"] = raw["status"]
    out["overloaded"] = raw["overloaded"].astype(bool)
    return out.reset_index(drop=True)


def status_counts(directory: pd.DataFrame) -> dict[str, int]:
    """How many grids have each staffing status (every status present, 0 when none).

    Parameters
    ----------
    directory : pandas.DataFrame
        :func:`grid_directory`'s rows (a ``status`` column).

    Returns
    -------
    dict of str to int
        Status (:data:`STATUSES`, in that order) → number of grids.
    """
    counts = directory["status"].value_counts().to_dict() if len(directory) else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}


#: :func:`village_staffing`'s columns, in order.
VILLAGE_COLUMNS = ["village_code", "village_name", "grids", "households", *STATUSES, "status"]


def village_staffing(directory: pd.DataFrame) -> pd.DataFrame:
    """The grid directory summed up by village: its grids by staffing status, and its worst status.

    The responsibility page shows this instead of the grids when an area has too many grids to list
    one by one (a county's 3,000): a leader sees which villages have vacant grids, then opens one.

    Parameters
    ----------
    directory : pandas.DataFrame
        :func:`grid_directory`'s rows (``code, village_code, village_name, households, status``).

    Returns
    -------
    pandas.DataFrame
        One row per village, by village code, with :data:`VILLAGE_COLUMNS`: ``grids`` (how many),
        ``households`` (active ones, summed over its grids), one column per status of :data:`STATUSES`
        (grids with that status; they add up to ``grids``) and ``status``, the worst status among its
        grids (the first of :data:`STATUSES` with a grid). Grids without a village are one row with
        an empty village code.

    Examples
    --------
    >>> d = pd.DataFrame({"code": ["G1", "G2", "G3"], "village_code": ["V1", "V1", "V2"],
    ...                   "village_name": ["甲村", "甲村", "乙村"], "households": [10, 5, 7],
    ...                   "status": ["ok", "leader_vacant", "ok"]})
    >>> village_staffing(d)[["village_code", "grids", "households", "leader_vacant", "status"]].values.tolist()
    [['V1', 2, 15, 1, 'leader_vacant'], ['V2', 1, 7, 0, 'ok']]
    """
    if directory.empty:
        return pd.DataFrame(columns=VILLAGE_COLUMNS)
    d = directory.assign(village_code=directory["village_code"].fillna(""))
    out = d.groupby("village_code", sort=True).agg(
        village_name=("village_name", "first"), grids=("code", "size"), households=("households", "sum")
    )
    counts = pd.crosstab(d["village_code"], d["status"]).reindex(columns=list(STATUSES), fill_value=0)
    out = out.join(counts).reset_index()
    out["households"] = out["households"].astype("int64")
    for s in STATUSES:
        out[s] = out[s].astype("int64")
    worst = (out[list(STATUSES)].to_numpy() > 0).argmax(axis=1)  # every village has a grid, so some status
    out["status"] = [STATUSES[i] for i in worst]
    return out[VILLAGE_COLUMNS]


# ----------------------------------------------------------------------------- gaps


@dataclass
class Gaps:
    """What is missing: grids without a leader or any staff, staff without a grid, pairings short."""

    vacant: pd.DataFrame
    idle_staff: pd.DataFrame
    pairing: pd.DataFrame
    overloaded: pd.DataFrame = field(default_factory=pd.DataFrame)

    def total(self) -> int:
        """Vacant grids, idle staff and short pairings together (the overloaded grids not counted).

        Returns
        -------
        int
            The number of rows of ``vacant``, ``idle_staff`` and ``pairing``.
        """
        return len(self.vacant) + len(self.idle_staff) + len(self.pairing)


VACANT_COLUMNS = ["code", "name", "village_code", "village_name", "households", "status", "member_names"]
IDLE_COLUMNS = ["staff_id", "name", "role", "phone", "rank", "grid_code", "valid_to"]
PAIRING_COLUMNS = ["staff_id", "name", "role", "rank", "quota", "paired", "missing"]
OVERLOAD_COLUMNS = ["code", "name", "village_name", "households", "staff_count", "households_per_staff"]


def gaps(
    con: duckdb.DuckDBPyConnection,
    area: str | None = None,
    scope: Scope = None,
    on: dt.date | None = None,
    directory: pd.DataFrame | None = None,
) -> Gaps:
    """The gaps in responsibility under an area.

    Parameters
    ----------
    area, scope, on : as in :func:`grid_directory`.
    directory : the grid directory already computed for the same arguments (saves a query).

    Returns
    -------
    :class:`Gaps` with

    - ``vacant``: grids with no staff (``no_staff``) or no grid leader (``leader_vacant``);
    - ``idle_staff``: active grid leaders and members (secretaries and cadres need no grid)
      responsible for no grid (for the whole county: all of them; for a township or village:
      those whose last grid lay there), with their last grid and the day it ended;
    - ``pairing``: cadres of rank r with fewer active paired households (结穷亲) than the rule
      ``pairing_quota_rank<r>`` (5/4/3/2/1), with ``quota, paired, missing``;
    - ``overloaded``: grids with more households per staff member than ``households_per_staff_max``.
    """
    level = _check_area(con, area)
    on = on or today()
    if directory is None:
        directory = grid_directory(con, area, scope, on)
    vacant = directory[directory["status"].isin(["no_staff", "leader_vacant"])][VACANT_COLUMNS]
    over = directory[directory["overloaded"]][OVERLOAD_COLUMNS]
    unrestricted = scope is None and (area is None or level == "county")
    idle = db.df(con, "grids_idle_staff", on=on, area=area or None, scope=_scope(scope), unrestricted=unrestricted)
    idle["phone"] = idle["phone"].map(mask_phone)
    idle["rank"] = idle["rank"].astype("Int64")
    pairing = db.df(con, "grids_pairing_gaps", on=on, area=area or None, scope=_scope(scope), unrestricted=unrestricted)
    for c in ("rank", "quota", "paired", "missing"):
        pairing[c] = pairing[c].astype("int64")
    return Gaps(
        vacant=vacant.reset_index(drop=True),
        idle_staff=idle[IDLE_COLUMNS],
        pairing=pairing[PAIRING_COLUMNS],
        overloaded=over.reset_index(drop=True),
    )


# ----------------------------------------------------------------------------- search

FIND_COLUMNS = [
    "household_code",
    "head_name",
    "address",
    "phone",
    "grid_code",
    "grid_name",
    "village_name",
    "leader_id",
    "leader_name",
    "leader_phone",
    "member_names",
    "member_contacts",
    "last_visit",
    "last_visit_by",
]


def _like(query: str) -> str:
    esc = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


#: the most households the search of 网格责任 lists (:func:`find_responsible`)
FIND_LIMIT = 50


def find_responsible(
    con: duckdb.DuckDBPyConnection,
    query: str,
    scope: Scope = None,
    on: dt.date | None = None,
    limit: int = FIND_LIMIT,
) -> pd.DataFrame:
    """Find active households by code, head's name or address, and who answers for each.

    Parameters
    ----------
    query : part of a household code (``H01``), a name (``张三``) or an address; case-insensitive.
    scope : area codes the user may see; None for everything (unassigned households only then).
    on : the date whose responsibility is shown (default today).
    limit : at most this many households (exact code first, then exact name, then by code).

    Returns
    -------
    DataFrame ``household_code, head_name, address, phone, grid_code, grid_name, village_name,
    leader_id, leader_name, leader_phone`` (masked) ``, member_names, member_contacts, last_visit,
    last_visit_by`` (the last home visit up to ``on`` and who made it; empty when never visited).
    Names and household phones are not masked here: the page masks them for the user.
    """
    q = (query or "").strip()
    if not q:
        return pd.DataFrame(columns=FIND_COLUMNS)
    on = on or today()
    hits = db.df(con, "grids_find_households", query=q, like=_like(q), scope=_scope(scope), on=on, limit=int(limit))
    codes = sorted({c for c in hits["grid_code"].dropna()})
    if codes:
        d = grid_directory(con, None, None, on, grids=codes)
        d = d[["code", "leader_id", "leader_name", "leader_phone", "member_names", "member_contacts"]]
        hits = hits.merge(d, how="left", left_on="grid_code", right_on="code").drop(columns=["code"])
    else:
        for c in ("leader_id", "leader_name", "leader_phone", "member_names", "member_contacts"):
            hits[c] = None
    hits["last_visit"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in hits["last_visit"]]
    return hits[FIND_COLUMNS].reset_index(drop=True)


# ----------------------------------------------------------------------------- reassignment


@dataclass
class Reassignment:
    """What :func:`reassign` changed."""

    grid_code: str
    effective: dt.date
    closed: list[str]
    opened: list[str]

    def sentence(self, lang: str = "zh") -> str:
        """The change in one sentence: the grid, the date, who was added and whose duty ended.

        Parameters
        ----------
        lang : ``zh`` (default) or ``en``; worded by the catalog (``grid.reassigned*`` keys).

        Returns
        -------
        str
            E.g. ``网格 G001 自 2026-12-01 起：新增 S01；结束 S02``.

        Examples
        --------
        >>> r = Reassignment("G001", dt.date(2026, 12, 1), closed=["S02"], opened=["S01", "S03"])
        >>> r.sentence()
        '网格 G001 自 2026-12-01 起：新增 S01、S03；结束 S02'
        >>> r.sentence("en")
        'grid G001 from 2026-12-01: added S01, S03; ended S02'
        """
        parts = []
        if self.opened:
            parts.append(t("grid.reassigned.added", lang, staff=fmt_list(self.opened, lang)))
        if self.closed:
            parts.append(t("grid.reassigned.ended", lang, staff=fmt_list(self.closed, lang)))
        return t(
            "grid.reassigned",
            lang,
            grid=self.grid_code,
            date=self.effective.isoformat(),
            changes=t("grid.reassigned.part_sep", lang).join(parts),
        )


def _user_parts(user: Any) -> tuple[str, str | None, list[str] | None]:
    """(name, role, scope) of a User, or of a plain name (the local administrator).

    Returns
    -------
    tuple of (str, str or None, list of str or None)
        A plain name (``"admin"`` for None) has no role and no scope.
    """
    if user is None or isinstance(user, str):
        return (user or "admin"), None, None
    return getattr(user, "name", "?"), getattr(user, "role", None), getattr(user, "scope", None)


def reassign(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    grid_code: str,
    leader_id: str | None = None,
    add_members: Iterable[str] = (),
    remove_members: Iterable[str] = (),
    effective: dt.date | None = None,
) -> Reassignment:
    """Change who answers for a grid from a date on, keeping the history.

    Rows ending are closed with ``valid_to = effective − 1 day`` (a row that would end before it
    starts never took effect and is removed); new rows start with ``valid_from = effective``.
    One transaction, audited as ``grid_reassign``.

    Parameters
    ----------
    user : who does it: an :class:`auth.users.User` (must be admin or office, the grid in scope)
        or a name (the local administrator, e.g. the command line).
    grid_code : the grid.
    leader_id : the new grid leader (a staff member whose role is 网格长); the grid's other
        leaders stop on ``effective``. None keeps the leader.
    add_members : staff ids to make responsible too (not grid leaders: use ``leader_id``).
    remove_members : staff ids (members or leaders) currently responsible who stop.
    effective : the first day of the new arrangement (default today). It may not be before the
        grid's latest change (an existing ``valid_from``, or the day after a ``valid_to``).

    Returns
    -------
    :class:`Reassignment` (``.sentence()`` says what changed).

    Raises
    ------
    GridError
        With a sentence: unknown grid or staff, not allowed, nothing to change, date too early.
    """
    from auth import audit

    name, role, scope = _user_parts(user)
    effective = effective or today()
    if isinstance(effective, dt.datetime):
        effective = effective.date()
    grid_code = str(grid_code or "").strip()
    if role is not None and role not in REASSIGN_ROLES:
        raise GridError(key="grid.error.role")
    if db.one(con, "grids_area_level", code=grid_code) != "grid":
        raise GridError(key="grid.error.no_grid", grid=grid_code)
    if scope is not None and not db.one(con, "scope_contains", scope=list(scope), code=grid_code):
        raise GridError(key="grid.error.outside", grid=grid_code)

    add = [str(s).strip() for s in add_members if str(s).strip()]
    remove = [str(s).strip() for s in remove_members if str(s).strip()]
    leader = str(leader_id).strip() if leader_id else None

    def staff(sid: str) -> tuple:
        row = db.execute(con, "grids_staff_get", id=sid).fetchone()
        if row is None:
            raise GridError(key="grid.error.no_staff", staff_id=sid)
        if not row[3]:
            raise GridError(key="grid.error.inactive", name=row[1], staff_id=sid)
        return row

    if leader:
        row = staff(leader)
        if row[2] != "grid_leader":
            raise GridError(key="grid.error.not_leader", name=row[1], staff_id=leader)
    for sid in add:
        row = staff(sid)
        if row[2] == "grid_leader":
            raise GridError(key="grid.error.is_leader", name=row[1], staff_id=sid)
    overlap = (set(add) | ({leader} if leader else set())) & set(remove)
    if overlap:
        raise GridError(key="grid.error.add_and_remove", staff="、".join(sorted(overlap)))

    def change() -> Reassignment:
        # the grid's row is held from here to the commit: its history is read and changed under it
        with audit.atomic(con):
            db.execute(con, "grids_lock", grid=grid_code)
            return _reassign(con, user, name, grid_code, leader, add, remove, effective)

    return db.retrying(change)


def _reassign(
    con: Any,
    user: Any,
    name: str,
    grid_code: str,
    leader: str | None,
    add: list[str],
    remove: list[str],
    effective: dt.date,
) -> Reassignment:
    from auth import audit

    last = db.one(con, "grids_last_change", grid=grid_code)
    if last is not None and effective < last:
        raise GridError(
            key="grid.error.before_last_change", effective=effective.isoformat(), grid=grid_code, last=last.isoformat()
        )

    rows = db.df(con, "grids_current_rows", grid=grid_code, effective=effective)
    current = rows[rows["valid_to"].isna()]
    current_ids = set(current["staff_id"])
    missing = [s for s in remove if s not in current_ids]
    if missing:
        raise GridError(key="grid.error.not_responsible", staff="、".join(missing), grid=grid_code)

    to_close = current[
        current["staff_id"].isin(remove)
        | ((current["role"] == "grid_leader") & (current["staff_id"] != leader) & bool(leader))
    ]
    to_open = [s for s in dict.fromkeys(([leader] if leader else []) + add) if s not in current_ids]
    if to_close.empty and not to_open:
        raise GridError(key="grid.error.no_change", grid=grid_code)

    before = effective - dt.timedelta(days=1)
    for rid, vfrom in zip(to_close["id"], to_close["valid_from"]):
        vfrom = None if pd.isna(vfrom) else pd.Timestamp(vfrom).date()
        if vfrom is not None and vfrom > before:
            db.execute(con, "grids_delete_row", id=int(rid))
        else:
            db.execute(con, "grids_close_row", id=int(rid), valid_to=before)
    for sid in to_open:
        db.execute(con, "grids_open_row", staff_id=sid, grid=grid_code, valid_from=effective)
    closed = sorted(set(to_close["staff_id"]))
    audit.record(
        con,
        user if not isinstance(user, str) else name,
        "grid_reassign",
        area=grid_code,
        counts={"closed": len(closed), "opened": len(to_open)},
        detail=(
            f"effective {effective.isoformat()}; leader={leader or '-'}; "
            f"opened={','.join(to_open) or '-'}; closed={','.join(closed) or '-'}"
        ),
    )
    return Reassignment(grid_code=grid_code, effective=effective, closed=closed, opened=to_open)


def staff_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Active staff (id, name, role, phone masked) for the reassignment form.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    pandas.DataFrame
        The named query ``grids_staff_options``, phones masked (auth.scope.mask_phone).
    """
    out = db.df(con, "grids_staff_options")
    out["phone"] = out["phone"].map(mask_phone)
    return out
