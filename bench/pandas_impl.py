"""The baseline: the four numbers of CONTRACT.md §4 computed with pandas on frames already in memory.

This is how a Streamlit app with ``st.cache_data`` would do it: load the tables once (:func:`load`,
timed separately as the cache fill), keep household codes as a categorical over the household
table (so a visit knows its household's row), the visit kind categorical, dates as datetime64,
and each household's ancestors per level as columns; then every report is a few vectorised
pandas/numpy operations. Definitions are exactly those of queries/reports.sql.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from analytics.reports import (
    COVERAGE_COLUMNS,
    HOTSPOT_COLUMNS,
    QUOTA_COLUMNS,
    UNVISITED_COLUMNS,
    gi_bins,
    gi_star_from_pairs,
    parse_week,
)
from vocabulary.areas import LEVELS
from vocabulary.visits import VISIT_KINDS


@dataclass
class Frames:
    """The tables the four reports need, in memory as a cached Streamlit app would hold them."""

    areas: pd.DataFrame  # code, name, level (ordered by code)
    anc: dict[str, dict[str, str]]  # level → {area code → ancestor code at that level}
    households: pd.DataFrame  # code, head_name, grid_code, active, county…grid ancestor columns
    visits: pd.DataFrame  # household_code (categorical over households.code), staff_id, visited_on, kind
    petitions: pd.DataFrame  # received_on, household_code, point_grid_code, point_village_code, village_code, …
    staff: pd.DataFrame
    staff_grids: pd.DataFrame
    neighbors: pd.DataFrame  # code, neighbor, level
    target_days: int
    revisit_days: int


def round4(x: np.ndarray) -> np.ndarray:
    """DuckDB's round(x, 4) for non-negative x (half away from zero).

    Returns
    -------
    numpy.ndarray
        ``x`` rounded to 4 decimals, as float.
    """
    return np.floor(np.asarray(x, dtype=float) * 1e4 + 0.5) / 1e4


def load(con: duckdb.DuckDBPyConnection) -> Frames:
    """Read every table the reports need into memory (the ``st.cache_data`` step).

    Returns
    -------
    Frames
        The tables, codes categorical and ancestors per level as columns.
    """
    areas = con.execute("SELECT code, name, level FROM areas ORDER BY code").df()
    a = con.execute("SELECT code, ancestor_code, ancestor_level FROM area_ancestors").df()
    anc = {lvl: dict(zip(g["code"], g["ancestor_code"])) for lvl, g in a.groupby("ancestor_level")}
    hh = con.execute(
        "SELECT code, head_name, grid_code, status = 'active' AS active FROM households ORDER BY code"
    ).df()
    for lvl in LEVELS:
        hh[lvl] = hh["grid_code"].map(anc.get(lvl, {}))
    cats = pd.CategoricalDtype(hh["code"].to_numpy(), ordered=False)
    # Codes are turned into category positions inside DuckDB: reading tens of millions of visits
    # as Python strings first would need many GB (a cached app would also keep them categorical).
    staff_ids = con.execute("SELECT DISTINCT staff_id FROM visits ORDER BY 1").df()["staff_id"].to_numpy()
    kinds = np.array(VISIT_KINDS, dtype=object)
    v = con.execute(
        """
        WITH hp AS (SELECT code, (row_number() OVER (ORDER BY code) - 1)::INTEGER AS pos FROM households),
             sp AS (SELECT staff_id, (row_number() OVER (ORDER BY staff_id) - 1)::INTEGER AS pos
                    FROM (SELECT DISTINCT staff_id FROM visits))
        SELECT coalesce(hp.pos, -1) AS h, sp.pos AS s, v.visited_on,
               (list_position($kinds::VARCHAR[], v.kind) - 1)::TINYINT AS k
        FROM visits v LEFT JOIN hp ON hp.code = v.household_code JOIN sp ON sp.staff_id = v.staff_id
        """,
        {"kinds": list(kinds)},
    ).df()
    v = pd.DataFrame(
        {
            "household_code": pd.Categorical.from_codes(v["h"].to_numpy(), dtype=cats),
            "staff_id": pd.Categorical.from_codes(v["s"].to_numpy(), categories=staff_ids),
            "visited_on": v["visited_on"].to_numpy(),
            "kind": pd.Categorical.from_codes(v["k"].to_numpy(), categories=kinds),
        }
    )
    p = con.execute("""SELECT received_on, household_code, point_grid_code, point_village_code, village_code,
                              category, channel, people, status FROM petitions""").df()
    p["household_code"] = p["household_code"].astype(cats)
    staff = con.execute("SELECT id, name, active FROM staff").df()
    sg = con.execute("SELECT staff_id, grid_code, valid_from, valid_to FROM staff_grids").df()
    nb = con.execute("SELECT n.code, n.neighbor, a.level FROM area_neighbors n JOIN areas a ON a.code = n.code").df()
    rules = dict(con.execute("SELECT key, value FROM rules").fetchall())
    return Frames(areas, anc, hh, v, p, staff, sg, nb, int(rules["visit_target_days"]), int(rules["revisit_days"]))


def _ts(d: dt.date) -> pd.Timestamp:
    return pd.Timestamp(d)


def coverage(
    F: Frames, level: str, date_from: dt.date, date_to: dt.date, kinds: Sequence[str] = ("home",)
) -> pd.DataFrame:
    """Coverage per area of ``level``: ``analytics.reports.coverage`` in pandas.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.COVERAGE_COLUMNS`, one row per area of the level, by code.
    """
    v = F.visits
    m = v["kind"].isin(list(kinds)) & v["visited_on"].between(_ts(date_from), _ts(date_to))
    seen = np.zeros(len(F.households), dtype=bool)
    seen[v["household_code"].cat.codes.to_numpy()[m.to_numpy()]] = True
    hh = F.households
    act = hh["active"].to_numpy()
    g = pd.DataFrame({"code": hh[level].to_numpy()[act], "v": seen[act]}).groupby("code")["v"].agg(["size", "sum"])
    lvl = F.areas.loc[F.areas["level"] == level, ["code", "name"]]
    out = lvl.merge(g, left_on="code", right_index=True, how="left")
    n = out["size"].fillna(0).astype("int64").to_numpy()
    k = out["sum"].fillna(0).astype("int64").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = np.where(n > 0, round4(k / np.maximum(n, 1)), np.nan)
    return pd.DataFrame(
        {"code": out["code"].to_numpy(), "name": out["name"].to_numpy(), "households": n, "visited": k, "coverage": cov}
    )[COVERAGE_COLUMNS]


def quotas(F: Frames, week: str) -> pd.DataFrame:
    """The weekly quota of every active staff member: ``analytics.reports.quotas`` in pandas.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.QUOTA_COLUMNS`, one row per staff member responsible for a grid
        that week, by id.
    """
    start, end = parse_week(week)
    s0, s1 = _ts(start), _ts(end)
    sg = F.staff_grids
    live = F.staff.loc[F.staff["active"], ["id", "name"]]
    ok = (sg["valid_from"].isna() | (sg["valid_from"] <= s1)) & (sg["valid_to"].isna() | (sg["valid_to"] >= s0))
    r = sg.loc[ok & sg["staff_id"].isin(live["id"]), ["staff_id", "grid_code"]].drop_duplicates()
    resp = r.sort_values(["staff_id", "grid_code"]).groupby("staff_id", sort=True)["grid_code"].agg("、".join)
    v = F.visits
    act = F.households["active"].to_numpy()
    m = (v["kind"] == "home") & v["visited_on"].between(s0, s1)
    w = v.loc[m]
    w = w.loc[act[w["household_code"].cat.codes.to_numpy()]]
    agg = w.groupby("staff_id", observed=True).agg(
        visits=("visited_on", "size"),
        visit_days=("visited_on", "nunique"),
        households_visited=("household_code", "nunique"),
    )
    agg.index = agg.index.astype(object)
    out = pd.DataFrame({"staff_id": resp.index.to_numpy(), "grid_code": resp.to_numpy()})
    out = out.merge(live.rename(columns={"id": "staff_id"}), on="staff_id", how="left")
    out = out.merge(agg, left_on="staff_id", right_index=True, how="left")
    for c in ("visits", "visit_days", "households_visited"):
        out[c] = out[c].fillna(0).astype("int64")
    out["target_days"] = np.int32(F.target_days)
    out["met"] = out["visit_days"] >= F.target_days
    return out.sort_values("staff_id").reset_index(drop=True)[QUOTA_COLUMNS]


def unvisited(F: Frames, area: str, as_of: dt.date, days: int | None = None) -> pd.DataFrame:
    """Households of ``area`` not visited at home for ``days``: ``analytics.reports.unvisited`` in pandas.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.UNVISITED_COLUMNS`, never visited first, then the longest ago.
    """
    days = F.revisit_days if days is None else days
    lvl = F.areas.loc[F.areas["code"] == area, "level"].iloc[0]
    hh = F.households
    inside = (hh[lvl].to_numpy() == area) & hh["active"].to_numpy()
    v = F.visits
    codes = v["household_code"].cat.codes.to_numpy()
    m = inside[codes] & (v["kind"] == "home").to_numpy() & (v["visited_on"] <= _ts(as_of)).to_numpy()
    last = pd.Series(v["visited_on"].to_numpy()[m]).groupby(codes[m]).max()
    sel = np.flatnonzero(inside)
    out = hh.iloc[sel][["code", "head_name", "grid_code"]].rename(columns={"code": "household_code"})
    out["last_visit"] = last.reindex(sel).to_numpy()
    since = (_ts(as_of) - out["last_visit"]).dt.days
    out["days_since"] = since.astype("Int64")
    out = out[out["last_visit"].isna() | (since >= days)]
    out = out.sort_values(["last_visit", "household_code"], na_position="first", kind="stable")
    return out.reset_index(drop=True)[UNVISITED_COLUMNS]


def hotspots(F: Frames, level: str, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """Petitions per 1,000 households and Getis-Ord Gi*: ``analytics.reports.hotspots`` in pandas.

    Returns
    -------
    pandas.DataFrame
        :data:`analytics.reports.HOTSPOT_COLUMNS`, one row per area of the level.
    """
    lvl = F.areas.loc[F.areas["level"] == level, ["code", "name"]].reset_index(drop=True)
    hh = F.households
    n_hh = hh.loc[hh["active"], level].value_counts()
    p = F.petitions
    p = p[p["received_on"].between(_ts(date_from), _ts(date_to))]
    hc = p["household_code"].cat.codes.to_numpy()
    grid = np.where(hc >= 0, hh["grid_code"].to_numpy()[hc], None)
    loc = pd.Series(grid, dtype=object)
    for c in ("point_grid_code", "point_village_code", "village_code"):
        loc = loc.fillna(pd.Series(p[c].to_numpy(), dtype=object))
    n_pet = loc.map(F.anc.get(level, {})).value_counts()
    counts = pd.DataFrame(
        {
            "code": lvl["code"],
            "name": lvl["name"],
            "households": lvl["code"].map(n_hh).fillna(0).astype("int64"),
            "petitions": lvl["code"].map(n_pet).fillna(0).astype("int64"),
        }
    )
    h = counts["households"].to_numpy(dtype=float)
    k = counts["petitions"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(h > 0, 1000.0 * k / h, np.nan)
    counts["per_1000"] = np.round(rate, 2)
    z = gi_star_from_pairs(
        counts["code"].tolist(), np.nan_to_num(rate, nan=0.0), F.neighbors[F.neighbors["level"] == level]
    )
    pv = 2.0 * norm.sf(np.abs(z))
    counts["gi_z"] = np.round(z, 4)
    counts["gi_p"] = np.round(pv, 4)
    counts["gi_bin"] = gi_bins(z, pv)
    return counts[HOTSPOT_COLUMNS]
