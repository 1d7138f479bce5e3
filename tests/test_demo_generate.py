"""Tests for the demo world generator (demo/generate.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from i18n import t
import shapely

from demo.generate import DemoWorld, generate, load_outline
from tests.stores import on_postgres

pytestmark = pytest.mark.skipif(
    on_postgres(),
    reason="the demo generator writes no store: the DuckDB round ran these (the PostgreSQL round would repeat them)",
)

ROOT = Path(__file__).resolve().parents[1]
OUTLINE = ROOT / "data" / "boundaries" / "500155-liangping-gcj02.geojson"
TODAY = date(2026, 11, 26)
SMALL = dict(households=3000, seed=7, today=TODAY, townships=6, villages_per_township=5, grids_per_village=3)


@pytest.fixture(scope="module")
def outline():
    return load_outline(OUTLINE)


@pytest.fixture(scope="module")
def world(outline) -> DemoWorld:
    return generate(outline, **SMALL)


# ---------------------------------------------------------------------------------------------


def test_outline_is_wgs84_and_shifted(outline):
    import geopandas as gpd

    raw = shapely.union_all(gpd.read_file(OUTLINE).geometry.values)
    assert outline.is_valid and outline.geom_type in ("Polygon", "MultiPolygon")
    x0, y0, x1, y1 = outline.bounds
    assert 107.3 < x0 < x1 < 108.2 and 30.3 < y0 < y1 < 31.0
    # GCJ-02 is shifted by a few hundred metres: the WGS-84 outline moves back by about that.
    shift = shapely.centroid(raw).distance(shapely.centroid(outline))
    assert 0.001 < shift < 0.01


def test_deterministic(outline, world):
    again = generate(outline, **SMALL)
    for name in [
        "county",
        "townships",
        "villages",
        "grids",
        "households",
        "staff",
        "staff_grids",
        "pairings",
        "visits",
        "petitions",
    ]:
        pd.testing.assert_frame_equal(getattr(world, name), getattr(again, name), obj=name)
    other = generate(outline, **{**SMALL, "seed": 8})
    assert not world.households[["lon", "lat"]].equals(other.households[["lon", "lat"]])


def test_progress_called_with_the_catalogs_step_keys(outline):
    calls = []
    generate(
        outline,
        households=300,
        seed=1,
        townships=3,
        villages_per_township=2,
        grids_per_village=2,
        progress=lambda f, m: calls.append((f, m)),
    )
    fractions = [f for f, _ in calls]
    assert len(calls) >= 5 and fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(m.startswith("demo.step.") and t(m, "zh") != m and t(m, "en") != m for _, m in calls)


def test_codes_names_and_parents(world):
    t, v, g = world.townships, world.villages, world.grids
    assert list(world.county.code) == ["500155"] and list(world.county.name) == ["梁平区"]
    allcodes = pd.concat([world.county.code, t.code, v.code, g.code])
    assert allcodes.is_unique
    assert t.code.str.fullmatch(r"500155\d{3}000").all()
    assert (t.parent_code == "500155").all()
    assert t.name.str.contains(r"(?:镇|街道|乡)$").all() and t.name.is_unique
    assert v.code.str.fullmatch(r"500155\d{6}").all()
    assert v.parent_code.isin(t.code).all()
    assert (v.code.str[:9] == v.parent_code.str[:9]).all()
    assert v.name.str.contains(r"(?:村|社区)$").all()
    assert not v.duplicated(["parent_code", "name"]).any()
    assert g.parent_code.isin(v.code).all()
    assert g.code.str.fullmatch(r"500155\d{6}-W\d{2}").all()
    assert (g.code.str[:12] == g.parent_code).all()
    assert g.name.str.fullmatch(r"第[一二三四五六七八九十]+网格").all()
    assert g[g.code.str.endswith("-W01")].name.eq("第一网格").all()
    for frame in (world.county, t, v, g):
        assert frame.crs.to_epsg() == 4326
        assert frame.geometry.is_valid.all()
        assert frame.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_counts_near_targets(world):
    assert len(world.townships) == 6
    assert 20 <= len(world.villages) <= 40
    assert 2.0 <= len(world.grids) / len(world.villages) <= 4.0
    assert len(world.households) == 3000


def _contains_exactly(parents, children, parent_col="parent_code"):
    pg = parents.set_index("code").geometry
    for pcode, group in children.groupby(parent_col):
        parent = pg[pcode]
        union = shapely.union_all(group.geometry.values)
        # the children tile the parent exactly (symmetric difference ~ 0)
        assert shapely.symmetric_difference(parent, union).area <= 1e-9 * parent.area + 1e-14
    # siblings do not overlap: the areas add up
    a_children = shapely.area(children.geometry.values).sum()
    a_parents = shapely.area(parents.geometry.values).sum()
    assert abs(a_children - a_parents) <= 1e-7 * a_parents


def test_nesting_grid_village_township_county(world):
    _contains_exactly(world.villages, world.grids)
    _contains_exactly(world.townships, world.villages)
    county = world.county.assign(code="500155")
    _contains_exactly(county, world.townships)
    # every area is in one piece at township and village level most of the time
    assert (world.villages.geom_type == "Polygon").mean() >= 0.9
    assert (world.townships.geom_type == "Polygon").mean() >= 0.9


def _queen_neighbors(frame) -> dict[str, set[str]]:
    """Neighbours by shared vertex (exact coordinates), without libpysal."""
    owners: dict[tuple[float, float], set[int]] = defaultdict(set)
    codes = list(frame.code)
    for i, geom in enumerate(frame.geometry):
        for x, y in shapely.get_coordinates(geom):
            owners[(x, y)].add(i)
    nb: dict[str, set[str]] = {c: set() for c in codes}
    for members in owners.values():
        if len(members) > 1:
            for i in members:
                nb[codes[i]].update(codes[j] for j in members if j != i)
    return nb


@pytest.mark.parametrize("level", ["grids", "villages", "townships"])
def test_queen_adjacency_by_shared_vertices(world, level):
    frame = getattr(world, level)
    nb = _queen_neighbors(frame)
    counts = np.array([len(v) for v in nb.values()])
    assert (counts >= 2).mean() >= 0.9
    # vertex sharing agrees with geometric touching (no near-miss vertices)
    g = frame.geometry.values
    touching = (
        sum(1 for i in range(len(g)) for j in range(i + 1, len(g)) if shapely.intersects(g[i], g[j]))
        if len(g) <= 200
        else None
    )
    if touching is not None:
        assert touching == counts.sum() // 2


def test_households_inside_their_grid(world):
    hh = world.households
    grids = world.grids.set_index("code").geometry
    for code, group in hh.groupby("grid_code"):
        poly = grids[code]
        assert shapely.contains_xy(poly, group.lon.to_numpy(), group.lat.to_numpy()).all(), code
    assert hh.grid_code.isin(world.grids.code).all()


def test_household_fields(world):
    hh = world.households
    assert hh.code.is_unique and hh.code.str.fullmatch(r"LP\d+").all()
    assert hh.phone.str.fullmatch(r"1[358]\d{9}").all()
    assert hh.members.between(1, 6).all()
    assert hh.head_name.str.len().between(2, 3).all()
    assert hh.address.str.contains(r"(?:镇|街道|乡).+(?:村|社区)\d+组\d+号$").all()
    allowed = {"低保", "空巢老人", "留守儿童", "残疾", "特困", "结对帮扶"}
    assert all(isinstance(t, list) and set(t) <= allowed for t in hh.tags)
    tagged = hh.tags.map(len).gt(0).mean()
    assert 0.12 <= tagged <= 0.3
    share = hh.status.value_counts(normalize=True)
    assert share["active"] > 0.94 and set(share.index) <= {"active", "moved", "closed"}
    start = TODAY - timedelta(days=364)
    assert (hh.created_on < start).mean() > 0.9
    assert all(isinstance(d, date) for d in hh.created_on)


def test_staff_and_responsibilities(world):
    st, sg = world.staff, world.staff_grids
    assert st.id.is_unique and st.id.str.fullmatch(r"LPS\d{5}").all()
    assert set(st.role) <= {"grid_leader", "grid_member", "secretary", "cadre"}
    assert sg.staff_id.isin(st.id).all() and sg.grid_code.isin(world.grids.code).all()
    assert not sg.duplicated().any()
    role = st.set_index("id").role
    sg = sg.assign(role=role.reindex(sg.staff_id).to_numpy())
    leaders_per_grid = sg[sg.role == "grid_leader"].groupby("grid_code").size()
    assert (leaders_per_grid == 1).all()
    assert len(leaders_per_grid) >= 0.97 * len(world.grids)
    assert set(sg.role) <= {"grid_leader", "grid_member"}
    members = sg[sg.role == "grid_member"]
    per = members.groupby("staff_id").grid_code.agg(list)
    assert per.map(len).max() <= 2
    for grids in per[per.map(len) == 2]:  # both grids in the same village
        assert grids[0][:12] == grids[1][:12]
    assert (st.role == "secretary").sum() == len(world.villages)
    cadres = st[st.role == "cadre"]
    assert cadres["rank"].between(1, 5).all() and st[st.role != "cadre"]["rank"].isna().all()
    assert str(st["rank"].dtype) == "Int64"


def test_pairings_follow_rank_quota(world):
    p, st, hh = world.pairings, world.staff, world.households
    rank = st.set_index("id")["rank"]
    per = p.groupby("staff_id").size()
    assert p.staff_id.isin(st.id[st.role == "cadre"]).all()
    assert ((6 - rank.reindex(per.index).astype(int)) == per).all()
    assert not p.household_code.duplicated().any()
    tags = hh.set_index("code").tags.reindex(p.household_code)
    poor = tags.map(lambda t: "低保" in t or "特困" in t).mean()
    assert poor >= 0.7
    assert tags.map(lambda t: "结对帮扶" in t).all()


def test_visits(world):
    v, hh, st = world.visits, world.households, world.staff
    start = TODAY - timedelta(days=364)
    assert v.household_code.isin(hh.code).all() and v.staff_id.isin(st.id).all()
    assert v.visited_on.min() >= start and v.visited_on.max() <= TODAY
    assert set(v.kind) <= {"home", "phone", "meeting", "reception"}
    assert not v.duplicated(["household_code", "staff_id", "visited_on", "kind"]).any()
    kinds = v.kind.value_counts(normalize=True)
    assert kinds["home"] > 0.75 and "reception" in kinds and "phone" in kinds
    days = pd.to_datetime(v.visited_on)
    assert (days.dt.dayofweek >= 5).mean() < 0.08
    assert 4 <= len(v) / len(hh) <= 14
    assert 0.02 <= v.needs_action.mean() <= 0.1
    assert v.note[v.needs_action].notna().all()
    assert v.note.isna().mean() > 0.7
    # reception visits are by secretaries, pairing visits by the cadre paired with the household
    role = st.set_index("id").role
    assert (role.reindex(v.staff_id[v.kind == "reception"]) == "secretary").all()
    cad = v[role.reindex(v.staff_id).to_numpy() == "cadre"]
    pairs = set(zip(world.pairings.staff_id, world.pairings.household_code))
    assert all((s, h) in pairs for s, h in zip(cad.staff_id, cad.household_code))


def test_visits_avoid_official_holidays(world):
    import chinese_calendar

    v = world.visits
    daily = v.groupby("visited_on").size()
    fest = [
        d
        for d in daily.index
        if chinese_calendar.get_holiday_detail(d)[1] is not None and chinese_calendar.is_holiday(d)
    ]
    work = [d for d in daily.index if chinese_calendar.is_workday(d)]
    assert daily.reindex(fest).mean() < 0.1 * daily.reindex(work).mean()


def test_coverage_and_weekly_quota(world):
    v, hh, st = world.visits, world.households, world.staff
    home = v[v.kind == "home"]
    active = hh[hh.status == "active"]
    coverage = active.code.isin(home.household_code).mean()
    assert 0.8 <= coverage <= 0.995
    leaders = st.id[st.role == "grid_leader"]
    lh = home[home.staff_id.isin(leaders)]
    iso = pd.to_datetime(lh.visited_on).dt.isocalendar()
    lh = lh.assign(week=iso.year * 100 + iso.week)
    full_weeks = sorted(lh.week.unique())[1:-1]  # drop the partial first and last week
    days = lh[lh.week.isin(full_weeks)].groupby(["staff_id", "week"]).visited_on.nunique()
    days = days.reindex(pd.MultiIndex.from_product([leaders, full_weeks]), fill_value=0)
    met = (days >= 3).groupby(level=0).mean()
    assert met.median() >= 0.6  # most leaders meet the quota in most weeks
    assert (met < 0.5).any()  # …and some fall behind


def test_petitions(world):
    p, hh = world.petitions, world.households
    start = TODAY - timedelta(days=364)
    assert p.id.is_unique and p.id.str.fullmatch(r"XF20\d{2}-\d{6}").all()
    assert (p.id.str[2:6].astype(int) == p.received_on.map(lambda d: d.year)).all()
    assert p.received_on.min() >= start and p.received_on.max() <= TODAY
    assert 0.01 <= len(p) / len(hh) <= 0.06
    assert p.household_code.dropna().isin(hh.code).all()
    assert p.village_code.dropna().isin(world.villages.code).all()
    has_h = p.household_code.notna()
    has_pt = p.lon.notna()
    has_v = p.village_code.notna()
    assert has_h.mean() > 0.7 and has_pt.mean() > 0.03 and has_v.mean() > 0.01
    assert p.lon[has_pt].between(107.3, 108.2).all()
    assert set(p.status) <= {"received", "in_progress", "replied", "closed"}
    replied = p.replied_on.notna()
    assert (p.replied_on[replied] >= p.received_on[replied]).all()
    closed = p.status == "closed"
    assert p.closed_on[closed].notna().all() and p.closed_on[~closed].isna().all()
    assert (p.closed_on[closed] >= p.replied_on[closed]).all()
    assert (p.replied_on[replied] <= TODAY).all()
    assert p.satisfaction[~closed].isna().all()
    assert p.satisfaction[closed].eq("satisfied").mean() > 0.8
    assert p.people.ge(1).all() and p.people.ge(5).any()
    assert p.level_reached.eq("county").mean() > 0.85
    assert set(p.category) <= {"土地征收", "环境", "劳资", "邻里纠纷", "医保社保", "住房", "村务公开"}
    assert set(p.channel) <= {"来访", "来信", "网上", "电话", "12345"}


def _village_of_petitions(world) -> pd.Series:
    hh_village = world.households.grid_code.str[:12]
    by_hh = dict(zip(world.households.code, hh_village))
    p = world.petitions
    village = p.household_code.map(by_hh)
    pts = p.lon.notna()
    if pts.any():
        vg = world.villages
        tree = shapely.STRtree(vg.geometry.values)
        i, j = tree.query(shapely.points(p.lon[pts], p.lat[pts]), predicate="within")
        located = pd.Series(vg.code.to_numpy()[j], index=p.index[pts].to_numpy()[i])
        village = village.fillna(located)
    return village.fillna(p.village_code)


def _gi_star(values: np.ndarray, nb: list[set[int]]) -> np.ndarray:
    """Analytical Getis-Ord Gi* z (binary queen weights including self)."""
    n = len(values)
    xbar = values.mean()
    s = np.sqrt((values**2).mean() - xbar**2)
    z = np.zeros(n)
    for i in range(n):
        idx = list(nb[i] | {i})
        w = len(idx)
        num = values[idx].sum() - xbar * w
        den = s * np.sqrt((n * w - w * w) / (n - 1))
        z[i] = num / den if den > 0 else 0.0
    return z


def test_petitions_have_spatial_clusters(outline):
    w = generate(
        outline, households=20000, seed=3, today=TODAY, townships=10, villages_per_township=8, grids_per_village=2
    )
    village = _village_of_petitions(w)
    counts = village.value_counts()
    active = w.households[w.households.status == "active"]
    hh = active.grid_code.str[:12].value_counts()
    vg = w.villages.reset_index(drop=True)
    rate = (1000 * counts.reindex(vg.code).fillna(0) / hh.reindex(vg.code)).fillna(0).to_numpy()
    nbd = _queen_neighbors(vg)
    pos = {c: i for i, c in enumerate(vg.code)}
    nb = [{pos[c] for c in nbd[code]} for code in vg.code]
    z = _gi_star(rate, nb)
    hot = np.nonzero(z >= 2.576)[0]
    assert len(hot) >= 2
    # the hot villages sit next to each other (a genuine cluster, not a lone outlier)
    assert any(nb[i] & set(hot) for i in hot)
    # and their rates are well above the rest
    assert rate[hot].mean() > 2.5 * np.median(rate)


def test_one_cluster_grows_in_recent_months(world):
    p = world.petitions
    land = p[p.category == "土地征收"]
    months = pd.to_datetime(land.received_on).dt.to_period("M")
    recent = (months >= pd.Period(TODAY, "M") - 3).sum()
    early = (months <= pd.Period(TODAY, "M") - 8).sum()
    assert recent > 2 * max(early, 1)
