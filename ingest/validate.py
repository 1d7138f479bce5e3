"""Row validation for tabular imports (CONTRACT.md §2, "Rules for every import").

A row is bad when a required value is missing, any given value is invalid, or its key repeats
one earlier in the same file (the later one is rejected). Exact duplicate visit lines are not
errors: they are skipped and counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from i18n import Message, message_of

from . import values as V
from .errors import RowError
from .reader import Table
from .spec import (
    GRID_SEPARATORS,
    HOUSEHOLD_STATUS,
    LEVEL_REACHED,
    PETITION_STATUS,
    SATISFACTION,
    SPECS,
    STAFF_ROLE,
    TAG_SEPARATORS,
    VISIT_KIND,
)


@dataclass
class Known:
    """Codes that already exist in the store (only those the file mentions)."""

    households: set[str] = field(default_factory=set)
    staff: set[str] = field(default_factory=set)
    grids: set[str] = field(default_factory=set)
    villages: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Bounds:
    """What a plausible value is, and today, for the dates.

    From the rules table: ``earliest_record_year``, ``household_members_max``, ``petition_people_max``
    (ingest.tables.bounds).
    """

    today: dt.date
    earliest: dt.date
    members_max: int
    people_max: int


@dataclass
class Checked:
    """The rows of a file after checking.

    Attributes
    ----------
    records : list of dict
        The accepted rows, one dict of canonical column → parsed value each.
    errors : list of RowError
        One sentence per rejected cell or row rule.
    rows : int
        Data rows read.
    duplicates : int
        Exact duplicate lines, skipped (visits).
    """

    records: list[dict[str, Any]]
    errors: list[RowError]
    rows: int
    duplicates: int = 0  # exact duplicate lines, skipped (visits)

    @property
    def rejected_rows(self) -> int:
        """The number of distinct rows with at least one error."""
        return len({e.row for e in self.errors})


def _parsers(kind: str, known: Known, bounds: Bounds) -> dict[str, Callable[[Any], Any]]:
    def exists(pool: set[str], what: str) -> Callable[[Any], str]:
        def f(v: Any) -> str:
            s = v
            if s not in pool:
                raise ValueError(Message("ingest.error.unknown_code", what=Message(f"ingest.what.{what}"), code=s))
            return s

        return f

    def grids(v: Any) -> list[str]:
        codes = V.split_list(v, GRID_SEPARATORS)
        unknown = [c for c in codes if c not in known.grids]
        if unknown:
            raise ValueError(Message("ingest.error.unknown_grids", codes="、".join(unknown)))
        return codes

    def date(label: str) -> Callable[[Any], Any]:
        return lambda v: V.check_date(V.parse_date(v), bounds.earliest, bounds.today, Message(f"ingest.what.{label}"))

    def choice(vocabulary: dict[str, str], what: str) -> Callable[[Any], str]:
        return lambda v: V.parse_choice(v, vocabulary, Message(f"ingest.what.{what}"))

    common = {"tags": lambda v: V.split_list(v, TAG_SEPARATORS)}
    table: dict[str, dict[str, Callable[[Any], Any]]] = {
        "households": {
            "phone": V.parse_phone,
            "members": lambda v: V.parse_int(v, 1, bounds.members_max),
            "lon": V.parse_lon,
            "lat": V.parse_lat,
            "grid_code": exists(known.grids, "grid"),
            "status": choice(HOUSEHOLD_STATUS, "household_status"),
            **common,
        },
        "staff": {
            "role": choice(STAFF_ROLE, "role"),
            "grid_code": grids,
            "phone": V.parse_phone,
        },
        "visits": {
            "household_code": exists(known.households, "household_code"),
            "staff_id": exists(known.staff, "staff_id"),
            "visited_on": date("visited_on"),
            "kind": choice(VISIT_KIND, "kind"),
        },
        "petitions": {
            "received_on": date("received_on"),
            "replied_on": date("replied_on"),
            "closed_on": date("closed_on"),
            "household_code": exists(known.households, "household_code"),
            "lon": V.parse_lon,
            "lat": V.parse_lat,
            "village_code": exists(known.villages, "village_code"),
            "people": lambda v: V.parse_int(v, 1, bounds.people_max),
            "status": choice(PETITION_STATUS, "status"),
            "satisfaction": choice(SATISFACTION, "satisfaction"),
            "level_reached": choice(LEVEL_REACHED, "level_reached"),
            "escalated_on": V.parse_date,
        },
    }
    return table[kind]


DEFAULTS = {
    "households": {"status": "active", "tags": []},
    "staff": {"role": "grid_member", "grid_code": []},
    "visits": {"kind": "home"},
    "petitions": {"people": 1, "status": "received"},
}


def _cross_checks(kind: str, rec: dict[str, Any], table: Table) -> list[tuple[str, str]]:
    """Rules between columns of one row.

    Returns
    -------
    list of (str, str)
        (column, message) for each rule the row breaks: lon without lat (or the reverse), a household
        with neither coordinates nor a grid, a petition's dates before its received date, an escalation
        date without a level reached above the county.
    """
    out: list[tuple[str, str]] = []
    if kind in ("households", "petitions"):
        has_lon, has_lat = rec.get("lon") is not None, rec.get("lat") is not None
        if has_lon != has_lat:
            missing = "lat" if has_lon else "lon"
            out.append((missing, Message("ingest.error.lon_lat_pair")))
        elif kind == "households" and not has_lon and not rec.get("grid_code"):
            out.append(("lon", Message("ingest.error.no_location")))
    if kind == "petitions":
        rec_on = rec.get("received_on")
        for col in ("replied_on", "closed_on", "escalated_on"):
            d = rec.get(col)
            if d is not None and rec_on is not None and d < rec_on:
                out.append(
                    (col, Message("ingest.error.before_received", date=d.isoformat(), received=rec_on.isoformat()))
                )
        if rec.get("escalated_on") is not None and rec.get("level_reached") in (None, "county"):
            out.append(("escalated_on", Message("ingest.error.escalation_level")))
    return out


def check(table: Table, kind: str, known: Known, bounds: Bounds) -> Checked:
    """Validate every row of a table.

    Each cell is first cleaned by its column's kind (:func:`ingest.values.cell`: NFKC for codes,
    numbers, dates and phones, format characters removed, exact digits for codes from number
    cells), then parsed and checked against a plausible range (``bounds``).

    Parameters
    ----------
    table : the rows read by :func:`ingest.reader.read_table`.
    kind : households, staff, visits or petitions.
    known : the codes already stored that rows may refer to.
    bounds : dates no later than today and not before the rule's year; members and people at most
        the rules' maxima (:func:`ingest.tables.bounds` reads them from the rules table).

    Returns
    -------
    Checked: the valid records (canonical names, parsed values, ``_row``), one RowError per problem.
    """
    spec = SPECS[kind]
    parsers = _parsers(kind, known, bounds)
    defaults = DEFAULTS[kind]
    errors: list[RowError] = []
    records: list[dict[str, Any]] = []
    seen: dict[tuple, tuple[int, tuple]] = {}
    duplicates = 0
    cols = [
        (c.name, c.required, table.mapping[c.name], c.kind, c.label) for c in spec.columns if c.name in table.mapping
    ]
    missing_required = [c for c in spec.columns if c.required and c.name not in table.mapping]
    if missing_required:
        # the header itself lacks a required column: every row is bad for the same reason
        c = missing_required[0]
        for n, _ in table.rows:
            errors.append(RowError(table.source, n, c.label, "", Message("ingest.error.no_column", label=c.label)))
        return Checked([], errors, len(table.rows))

    for n, cells in table.rows:
        rec: dict[str, Any] = {"_row": n}
        row_errors: list[RowError] = []
        raw_values: list[str] = []
        for name, required, idx, vkind, vlabel in cols:
            raw = cells[idx] if idx < len(cells) else ""
            try:
                value = V.cell(raw, vkind, table.label(name))
            except ValueError as e:
                row_errors.append(RowError(table.source, n, table.label(name), V.text(raw), message_of(e)))
                continue
            s = V.text(value)
            raw_values.append(s)
            if s == "":
                if required:
                    row_errors.append(
                        RowError(
                            table.source,
                            n,
                            table.label(name),
                            "",
                            Message("ingest.error.required", label=table.label(name)),
                        )
                    )
                rec[name] = defaults.get(name)
                continue
            parse = parsers.get(name)
            try:
                rec[name] = parse(value) if parse else s
            except ValueError as e:
                row_errors.append(RowError(table.source, n, table.label(name), s, message_of(e)))
        for name, value in defaults.items():
            if rec.get(name) is None:
                rec[name] = value if not isinstance(value, list) else []
        if not row_errors:
            for col, msg in _cross_checks(kind, rec, table):
                row_errors.append(RowError(table.source, n, table.label(col), V.text(rec.get(col)), msg))
        key = tuple(rec.get(k) for k in spec.key)
        if all(k not in (None, "") for k in key):
            if key in seen:
                first_row, first_values = seen[key]
                if kind == "visits" and not row_errors and first_values == _comparable(rec):
                    duplicates += 1  # the same visit written twice: skipped, counted
                    continue
                label = table.label(spec.key[0])
                same = "、".join(table.label(k) for k in spec.key)
                row_errors.append(
                    RowError(
                        table.source,
                        n,
                        label,
                        V.text(rec.get(spec.key[0])),
                        Message("ingest.error.repeats_row", first=first_row, same=same),
                    )
                )
            else:
                seen[key] = (n, _comparable(rec))
        if row_errors:
            errors.extend(row_errors)
        else:
            records.append(rec)
    return Checked(records, errors, len(table.rows), duplicates)


def _comparable(rec: dict[str, Any]) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in rec.items() if k != "_row"))
