"""Importing households, staff, visits and petitions (CONTRACT.md §2) — one transaction per file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import duckdb
import numpy as np
import pandas as pd

from gis import areas as A
from gis.datum import to_wgs84
from i18n import Message
from store import db

from . import values as V
from .errors import ImportFailed, RowError
from .reader import Table, read_table
from .spec import GRID_SEPARATORS, KINDS, SPECS
from .validate import Bounds, Checked, Known, check
from vocabulary.roles import BOUNDARY_ROLES, IMPORT_ROLES  # noqa: F401  (re-exported)

Progress = Callable[[float, str], None]  # (fraction done, catalog key of the step: ingest.step.*)
Audit = Callable[[duckdb.DuckDBPyConnection, dict], None]


@dataclass
class ImportResult:
    """What importing (or dry-running) one tabular file did.

    Attributes
    ----------
    kind : str
        households, staff, visits or petitions.
    source : str
        The file name shown in messages.
    rows : int
        Data rows read.
    imported, updated, skipped, rejected : int
        Rows new to the store, rows that changed a stored record, rows unchanged or repeated in the
        file, rows rejected with a sentence.
    unassigned : int
        Households in no grid (households only).
    written : bool
        Whether the transaction committed (False for a dry run, ``strict`` with errors, or nothing to write).
    errors : list of RowError
        The rejected rows' sentences, by row.
    unassigned_codes : list of str
        The codes of the unassigned households.
    table : Table or None
        The file as read.
    """

    kind: str
    source: str
    rows: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    unassigned: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)
    unassigned_codes: list[str] = field(default_factory=list)
    table: Table | None = None

    def summary(self) -> str:
        """One line: the file (and the sheet read), imported, updated, skipped, rejected (, unassigned).

        Returns
        -------
        str
            E.g. ``households.csv: households imported 3, updated 0, skipped 0, rejected 1, unassigned 0``.
        """
        sheet = f" (sheet {self.table.sheet})" if self.table is not None and self.table.sheet else ""
        s = (
            f"{self.source}{sheet}: {self.kind} imported {self.imported}, updated {self.updated}, "
            f"skipped {self.skipped}, rejected {self.rejected}"
        )
        if self.kind == "households":
            s += f", unassigned {self.unassigned}"
        return s

    @property
    def ok(self) -> bool:
        """Succeeds unless rows were rejected and none was accepted."""
        return not (self.rejected and not (self.imported or self.updated or self.skipped))


def _known(con: duckdb.DuckDBPyConnection, table: Table, kind: str) -> Known:
    """Look up only the codes the file mentions.

    Returns
    -------
    Known
        The stored households, staff, grids or villages among the codes the file names.
    """
    spec = SPECS[kind]

    def col(name: str, split: bool = False) -> list[str]:
        i = table.mapping.get(name)
        if i is None:
            return []
        kind_ = spec.column(name).kind

        def clean(c: list[Any]) -> str:
            try:
                return V.text(V.cell(c[i], kind_)) if i < len(c) else ""
            except ValueError:
                return ""  # the row is rejected by check()

        vals = (clean(c) for _, c in table.rows)
        if split:
            return sorted({p for v in vals for p in V.split_list(v, GRID_SEPARATORS)})
        return sorted({v for v in vals if v})

    k = Known()
    if kind in ("visits", "petitions"):
        k.households = {r[0] for r in db.rows(con, "existing_households", codes=col("household_code"))}
    if kind == "visits":
        k.staff = {r[0] for r in db.rows(con, "existing_staff", codes=col("staff_id"))}
    if kind == "households":
        k.grids = {r[0] for r in db.rows(con, "existing_areas", level="grid", codes=col("grid_code"))}
    if kind == "staff":
        k.grids = {r[0] for r in db.rows(con, "existing_areas", level="grid", codes=col("grid_code", True))}
    if kind == "petitions":
        k.villages = {r[0] for r in db.rows(con, "existing_areas", level="village", codes=col("village_code"))}
    return k


def bounds(con: duckdb.DuckDBPyConnection, today: dt.date) -> Bounds:
    """The plausible ranges of values, from the rules table (migration 0006) and today.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (rules earliest_record_year, household_members_max, petition_people_max).
    today : datetime.date
        The latest date a record may carry.

    Returns
    -------
    Bounds
        Dates from 1 January of the earliest record year (at most this year) to ``today``; members
        and people capped at the rules (and at 2³¹ − 1).
    """
    year = int(db.rule(con, "earliest_record_year"))
    return Bounds(
        today=today,
        earliest=dt.date(min(max(year, 1), today.year), 1, 1),
        members_max=min(int(db.rule(con, "household_members_max")), 2**31 - 1),
        people_max=min(int(db.rule(con, "petition_people_max")), 2**31 - 1),
    )


def _lonlat(records: list[dict[str, Any]], coords: str) -> tuple[np.ndarray, np.ndarray]:
    lon = np.array([r.get("lon") if r.get("lon") is not None else np.nan for r in records], dtype=float)
    lat = np.array([r.get("lat") if r.get("lat") is not None else np.nan for r in records], dtype=float)
    has = ~np.isnan(lon)
    if has.any():
        wl, wt = to_wgs84(lon[has], lat[has], coords)
        lon[has], lat[has] = wl, wt
    return lon, lat


def _none_if_nan(a: np.ndarray) -> list[Any]:
    return [None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in a]


def _frame_households(con: duckdb.DuckDBPyConnection, recs: list[dict[str, Any]], coords: str) -> pd.DataFrame:
    lon, lat = _lonlat(recs, coords)
    given = np.array([bool(r.get("grid_code")) for r in recs], dtype=bool)
    grid = np.array([r.get("grid_code") or None for r in recs], dtype=object)
    need = ~given & ~np.isnan(lon)
    if need.any():
        grids = A.load_level(con, "grid")
        grid[need] = A.locate_points(lon[need], lat[need], grids)
    return pd.DataFrame(
        {
            "code": [r["code"] for r in recs],
            "head_name": [r["head_name"] for r in recs],
            "phone": [r.get("phone") for r in recs],
            "address": [r.get("address") for r in recs],
            "members": pd.array([r.get("members") for r in recs], dtype="Int32"),
            "lon": _none_if_nan(lon),
            "lat": _none_if_nan(lat),
            "grid_code": list(grid),
            "grid_given": given,
            "tags": [list(r.get("tags") or []) for r in recs],
            "status": [r.get("status") or "active" for r in recs],
        }
    )


def _frame_staff(recs: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r["id"] for r in recs],
            "name": [r["name"] for r in recs],
            "role": [r.get("role") or "grid_member" for r in recs],
            "phone": [r.get("phone") for r in recs],
            "grids": [sorted(r.get("grid_code") or []) for r in recs],
        }
    )


def _frame_visits(recs: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_code": [r["household_code"] for r in recs],
            "staff_id": [r["staff_id"] for r in recs],
            "visited_on": pd.Series([r["visited_on"] for r in recs], dtype="object"),
            "kind": [r.get("kind") or "home" for r in recs],
            "note": [r.get("note") or None for r in recs],
        }
    )


def _frame_petitions(con: duckdb.DuckDBPyConnection, recs: list[dict[str, Any]], coords: str) -> pd.DataFrame:
    lon, lat = _lonlat(recs, coords)
    has = ~np.isnan(lon)
    pv = np.full(len(recs), None, dtype=object)
    pg = np.full(len(recs), None, dtype=object)
    if has.any():
        pv[has] = A.locate_points(lon[has], lat[has], A.load_level(con, "village"))
        pg[has] = A.locate_points(lon[has], lat[has], A.load_level(con, "grid"))
    return pd.DataFrame(
        {
            "id": [r["id"] for r in recs],
            "received_on": pd.Series([r["received_on"] for r in recs], dtype="object"),
            "household_code": [r.get("household_code") or None for r in recs],
            "lon": _none_if_nan(lon),
            "lat": _none_if_nan(lat),
            "village_code": [r.get("village_code") or None for r in recs],
            "point_village_code": list(pv),
            "point_grid_code": list(pg),
            "category": [r.get("category") or None for r in recs],
            "channel": [r.get("channel") or None for r in recs],
            "people": [int(r.get("people") or 1) for r in recs],
            "status": [r.get("status") or "received" for r in recs],
            "replied_on": pd.Series([r.get("replied_on") for r in recs], dtype="object"),
            "closed_on": pd.Series([r.get("closed_on") for r in recs], dtype="object"),
            "satisfaction": [r.get("satisfaction") or None for r in recs],
            "level_reached": [r.get("level_reached") or None for r in recs],
            "escalated_on": pd.Series([r.get("escalated_on") for r in recs], dtype="object"),
        }
    )


def load(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    coords: str = "wgs84",
    strict: bool = False,
    sheet: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    audit: Audit | None = None,
    today: dt.date | None = None,
    actor: str = "admin",
    table: Table | None = None,
    scope: list[str] | None = None,
) -> ImportResult:
    """Import one tabular file.

    Parameters
    ----------
    con : the store.
    kind : households, staff, visits or petitions.
    path : a .csv (UTF-8, BOM, GBK/GB18030) or .xlsx file.
    coords : datum of the lon/lat columns: wgs84, gcj02 or bd09.
    strict : write nothing if any row is bad.
    sheet : Excel sheet name.
    dry_run : validate and count, write nothing (the import page's preview).
    audit : called inside the transaction with the counts, to write the audit entry.
    today : the day dates may not be later than (default today in Asia/Shanghai, ``LIANXIN_TODAY``).
    table : the file already read by :func:`ingest.reader.read_table` (the import page reads it in
        a separate process: ingest/isolated.py); ``path`` is then only its name.
    scope : the importing user's areas (None: everything). A row whose area — the grid or village
        it names or is located in, and for a stored record the one it has now — lies outside is
        rejected with a sentence; a row in no area at all too.

    Returns
    -------
    ImportResult
        The counts and the rejected rows.

    Raises
    ------
    ImportFailed
        When ``kind`` is unknown or the file cannot be read at all (nothing is written).
    """  # noqa: DOC501 — _DryRun is raised and caught inside (it rolls the dry run's transaction back)
    if kind not in KINDS:
        raise ImportFailed(key="ingest.error.kind", kind=kind)

    def step(f: float, msg: str) -> None:
        if progress:
            progress(f, msg)

    if today is None:
        from analytics.grids import today as today_in_shanghai

        today = today_in_shanghai()
    step(0.05, "ingest.step.read")
    if table is None:
        table = read_table(path, SPECS[kind], sheet)
    step(0.3, "ingest.step.check")
    checked: Checked = check(table, kind, _known(con, table, kind), bounds(con, today))
    res = ImportResult(
        kind=kind,
        source=table.source,
        rows=checked.rows,
        errors=checked.errors,
        rejected=checked.rejected_rows,
        skipped=checked.duplicates,
        table=table,
    )
    recs = checked.records
    if not recs or (strict and checked.errors):
        return res
    step(0.5, "ingest.step.locate")
    if kind == "households":
        frame = _frame_households(con, recs, coords)
        res.unassigned_codes = frame.loc[frame["grid_code"].isna(), "code"].tolist()
        res.unassigned = len(res.unassigned_codes)
    elif kind == "staff":
        frame = _frame_staff(recs)
    elif kind == "visits":
        frame = _frame_visits(recs)
    else:
        frame = _frame_petitions(con, recs, coords)

    if scope is not None and len(frame):
        drop, outside = _outside_scope(con, kind, frame, recs, list(scope), table, actor)
        if drop.any():
            frame = frame.loc[~drop].reset_index(drop=True)
            res.errors = sorted(res.errors + outside, key=lambda e: e.row)
            res.rejected = len({e.row for e in res.errors})
            if kind == "households":
                res.unassigned_codes = frame.loc[frame["grid_code"].isna(), "code"].tolist()
                res.unassigned = len(res.unassigned_codes)
            if frame.empty or strict:
                return res

    step(0.7, "ingest.step.write")
    name = f"incoming_{kind}"
    skipped = res.skipped
    con.register(name, frame)

    def write() -> None:
        """The file's one transaction; run again whole if it lost a race with another import.

        Raises
        ------
        _DryRun
            With ``dry_run``, after counting: rolls the transaction back.
        """
        with db.transaction(con):
            new, changed = db.execute(con, f"{kind}_diff").fetchone()
            res.imported, res.updated = int(new), int(changed)
            res.skipped = skipped + len(frame) - res.imported - res.updated
            if dry_run:
                raise _DryRun()
            if kind == "visits":
                db.execute(con, "visits_upsert", actor=actor)
                db.execute(con, "last_home_from_incoming")
            else:
                if kind == "households":  # status and grid changes are kept (store/migrations/0009)
                    db.execute(con, "household_changes_from_import", today=today, actor=actor)
                db.execute(con, f"{kind}_upsert")
            if kind == "staff":
                db.execute(con, "staff_grids_close", today=today)
                db.execute(con, "staff_grids_open", today=today)
            if audit:
                audit(
                    con,
                    {
                        "kind": kind,
                        "file": table.source,
                        "imported": res.imported,
                        "updated": res.updated,
                        "skipped": res.skipped,
                        "rejected": res.rejected,
                        "unassigned": res.unassigned,
                    },
                )
            res.written = True

    try:
        # two clerks importing overlapping files at once on PostgreSQL: the one that loses a
        # deadlock or a serialization race is rolled back whole and written again (db.retrying)
        db.retrying(write)
    except _DryRun:
        pass
    finally:
        con.unregister(name)
    step(1.0, "ingest.step.done")
    return res


#: who may import at all, and who may import boundaries (the import page and ``manage.py --as``)


def check_may_import(role: str | None, name: str, kind: str) -> None:
    """Refuse an import by a role that may not make it, with one sentence.

    ``role`` None is the local administrator (the command line without ``--as``).

    Parameters
    ----------
    role : str or None
        The user's role (vocabulary/roles.py).
    name : str
        The user's name, in the sentence.
    kind : str
        boundaries, households, staff, visits or petitions.

    Raises
    ------
    ImportFailed
        Naming the user and what they may not do: boundaries need a role of ``BOUNDARY_ROLES``,
        other files one of ``IMPORT_ROLES``.
    """
    if role is None or role in BOUNDARY_ROLES:
        return
    if kind == "boundaries":
        raise ImportFailed(key="ingest.error.boundaries_role", name=name, role=role)
    if role not in IMPORT_ROLES:
        raise ImportFailed(key="ingest.error.import_role", name=name, role=role)


def _outside_scope(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    frame: pd.DataFrame,
    recs: list[dict[str, Any]],
    scope: list[str],
    table: Table,
    actor: str,
) -> tuple[np.ndarray, list[RowError]]:
    """Rows a scoped user may not write: their area (new or stored) lies outside the user's areas.

    Returns
    -------
    tuple of (numpy.ndarray, list of RowError)
        A boolean mask of shape (len(frame),) of the rows to drop, and one RowError per dropped row.
    """
    grids = set(db.df(con, "scope_visible_areas", scope=scope, level="grid")["code"])
    villages = set(db.df(con, "scope_visible_areas", scope=scope, level="village")["code"])
    inside = grids | villages
    n = len(frame)
    where: list[list[Any]] = [[] for _ in range(n)]  # the areas each row touches (None: none)
    if kind == "households":
        stored = dict(db.rows(con, "households_grid_of", codes=frame["code"].tolist()))
        for i, (code, grid) in enumerate(zip(frame["code"], frame["grid_code"])):
            where[i] = [grid] + ([stored[code]] if code in stored else [])
        column = "grid_code"
    elif kind == "visits":
        stored = dict(db.rows(con, "households_grid_of", codes=sorted(set(frame["household_code"]))))
        where = [[stored.get(h)] for h in frame["household_code"]]
        column = "household_code"
    elif kind == "petitions":
        hh = dict(db.rows(con, "households_grid_of", codes=sorted({h for h in frame["household_code"] if h})))
        stored = dict(db.rows(con, "petitions_loc_of", codes=frame["id"].tolist()))
        for i, r in enumerate(frame.itertuples(index=False)):
            loc = (
                (hh.get(r.household_code) if r.household_code else None)
                or r.point_grid_code
                or r.point_village_code
                or r.village_code
            )
            where[i] = [loc] + ([stored[r.id]] if r.id in stored else [])
        column = "id"
    else:  # staff
        stored_pairs = db.rows(con, "staff_grids_of", codes=frame["id"].tolist())
        old: dict[str, list[str]] = {}
        for sid, g in stored_pairs:
            old.setdefault(sid, []).append(g)
        where = [list(g) + old.get(sid, []) or [None] for sid, g in zip(frame["id"], frame["grids"])]
        column = "grid_code"
    drop = np.array([any(a is None or a not in inside for a in w) for w in where], dtype=bool)
    errors = []
    label = table.label(column)
    for i in np.flatnonzero(drop):
        shown = "、".join(str(a) for a in where[i] if a is not None and a not in inside) or "无 none"
        errors.append(
            RowError(
                table.source,
                int(recs[i]["_row"]),
                label,
                shown,
                Message("ingest.error.outside", actor=actor, areas=shown),
            )
        )
    return drop, errors


class _DryRun(Exception):
    """Rolls the transaction back after counting."""
