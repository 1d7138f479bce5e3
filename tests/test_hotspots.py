"""The petition hotspot page: Gi* against a hand calculation, emerging patterns, repeats, escalations, the page."""

from __future__ import annotations

import csv
import datetime as dt

import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from analytics import hotspots as H
from analytics import reports
from gis import maps, palette
from i18n import column_labels, t
from ingest.boundaries import import_boundaries
from ingest.tables import load
from store import db
from tests.factories import COUNTY, V11, V12, V21, signed_in_app

D = dt.date

# ----------------------------------------------------------------------------- a 5×5 lattice

TOWNSHIP = "500199001000"
SIZE = 0.01
X0, Y0 = 107.0, 30.0
ISLAND = "500199001299"
# petitions per village (row r from the south, column c from the west): a planted cluster in the NE corner
COUNTS = np.array(
    [
        [0, 1, 0, 1, 0],
        [1, 0, 2, 1, 1],
        [0, 1, 1, 4, 5],
        [1, 0, 3, 8, 9],
        [0, 1, 4, 9, 10],
    ]
)
HOUSEHOLDS_PER_VILLAGE = 10
ISLAND_COUNT = 2


def vcode(r: int, c: int) -> str:
    return f"500199001{2 * 100 + r * 5 + c + 1:03d}"


def _write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def lattice(tmp_path_factory):
    """5×5 square villages (one grid each) + one island village; households and petitions planted."""
    folder = tmp_path_factory.mktemp("lattice")
    from tests.factories import new_db

    con = db.connect(new_db(folder, "lattice"))
    twp = gpd.GeoDataFrame(
        {"code": [TOWNSHIP], "name": ["格子镇"], "parent_code": [None]},
        geometry=[shapely.box(X0, Y0, X0 + 0.2, Y0 + 0.05)],
        crs="EPSG:4326",
    )
    import_boundaries(con, None, "township", frame=twp, source="township.geojson")
    codes, geoms, names = [], [], []
    for r in range(5):
        for c in range(5):
            codes.append(vcode(r, c))
            names.append(f"村{r}{c}")
            geoms.append(shapely.box(X0 + c * SIZE, Y0 + r * SIZE, X0 + (c + 1) * SIZE, Y0 + (r + 1) * SIZE))
    codes.append(ISLAND)
    names.append("岛村")
    island_box = (X0 + 0.15, Y0 + 0.02, X0 + 0.16, Y0 + 0.03)
    geoms.append(shapely.box(*island_box))
    villages = gpd.GeoDataFrame(
        {"code": codes, "name": names, "parent_code": [TOWNSHIP] * len(codes)}, geometry=geoms, crs="EPSG:4326"
    )
    import_boundaries(con, None, "village", frame=villages, source="villages.geojson")
    grids = gpd.GeoDataFrame(
        {"code": [f"{c}-W01" for c in codes], "name": ["网格"] * len(codes), "parent_code": codes},
        geometry=geoms,
        crs="EPSG:4326",
    )
    import_boundaries(con, None, "grid", frame=grids, source="grids.geojson")
    hh_rows, pet_rows = [], []
    counts = {vcode(r, c): int(COUNTS[r, c]) for r in range(5) for c in range(5)}
    counts[ISLAND] = ISLAND_COUNT
    for code, g in zip(codes, geoms):
        minx, miny, _, _ = g.bounds
        for k in range(HOUSEHOLDS_PER_VILLAGE):
            hh_rows.append((f"{code}H{k:02d}", f"户主{k}", minx + 0.001 + 0.0008 * k, miny + 0.005))
        for k in range(counts[code]):
            pet_rows.append(
                (
                    f"{code}P{k:02d}",
                    "2026-06-15",
                    f"{code}H{k % HOUSEHOLDS_PER_VILLAGE:02d}",
                    "环境",
                    "来访",
                    "1",
                    "受理",
                )
            )
    load(con, "households", _write_csv(folder / "households.csv", ["户编号", "户主", "经度", "纬度"], hh_rows))
    load(
        con,
        "petitions",
        _write_csv(folder / "petitions.csv", ["编号", "受理日期", "户编号", "类别", "来源", "人数", "状态"], pet_rows),
    )
    yield con, codes, counts
    con.close()


def hand_gi_star(x: np.ndarray, neighbors: list[set[int]]) -> np.ndarray:
    """Getis-Ord Gi* by hand: binary weights with self, z = (Σ w x − W x̄) / (s √((n W − W²)/(n−1)))."""
    n = len(x)
    xbar = x.mean()
    s = np.sqrt((x**2).mean() - xbar**2)  # population standard deviation
    z = np.zeros(n)
    for i in range(n):
        js = neighbors[i] | {i}
        w = len(js)
        num = sum(x[j] for j in js) - w * xbar
        den = s * np.sqrt((n * w - w * w) / (n - 1))
        z[i] = num / den
    return z


def lattice_neighbors(codes: list[str]) -> list[set[int]]:
    idx = {c: i for i, c in enumerate(codes)}
    out: list[set[int]] = [set() for _ in codes]
    for r in range(5):
        for c in range(5):
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if (dr or dc) and 0 <= r + dr < 5 and 0 <= c + dc < 5:
                        out[idx[vcode(r, c)]].add(idx[vcode(r + dr, c + dc)])
    return out  # the island has no neighbours


def test_queen_neighbors_imported(lattice):
    con, codes, _ = lattice
    pairs = db.df(con, "neighbors_of_level", level="village")
    got = {c: set(pairs.loc[pairs["code"] == c, "neighbor"]) for c in codes}
    expected = lattice_neighbors(codes)
    assert {c: {codes[j] for j in expected[i]} for i, c in enumerate(codes)} == got
    assert got[ISLAND] == set()


def test_gi_star_matches_hand_calculation(lattice):
    con, codes, counts = lattice
    x = np.array([1000.0 * counts[c] / HOUSEHOLDS_PER_VILLAGE for c in codes])
    expected = hand_gi_star(x, lattice_neighbors(codes))
    got = reports.gi_star(con, "village", codes, x)
    np.testing.assert_allclose(got, expected, atol=1e-9)
    # the planted cluster is hot, the far corner is not
    assert expected[codes.index(vcode(4, 4))] > 2.576
    assert expected[codes.index(vcode(0, 0))] < 0


def test_reports_hotspots_matches_hand_calculation(lattice):
    con, codes, counts = lattice
    df = reports.hotspots(con, "village", D(2026, 1, 1), D(2026, 12, 31)).set_index("code").loc[codes]
    assert df["households"].tolist() == [HOUSEHOLDS_PER_VILLAGE] * len(codes)
    assert df["petitions"].tolist() == [counts[c] for c in codes]
    x = np.array([1000.0 * counts[c] / HOUSEHOLDS_PER_VILLAGE for c in codes])
    z = hand_gi_star(x, lattice_neighbors(codes))
    np.testing.assert_allclose(df["gi_z"].to_numpy(), np.round(z, 4), atol=1e-4)
    bins = np.sign(z) * np.select([np.abs(z) >= 2.576, np.abs(z) >= 1.960, np.abs(z) >= 1.645], [3, 2, 1], 0)
    assert df["gi_bin"].tolist() == bins.astype(int).tolist()
    assert df.loc[vcode(4, 4), "gi_bin"] == 3


def test_island_does_not_crash(lattice):
    con, codes, counts = lattice
    x = np.array([1000.0 * counts[c] / HOUSEHOLDS_PER_VILLAGE for c in codes])
    z = reports.gi_star(con, "village", codes, x)
    i = codes.index(ISLAND)
    assert np.isfinite(z).all()
    # an island's neighbourhood is itself: z = (x_i − x̄) / s
    assert z[i] == pytest.approx((x[i] - x.mean()) / x.std(), abs=1e-9)
    # the island alone, or with one other area, is not an error either
    assert reports.gi_star(con, "village", [ISLAND], x[i : i + 1]).tolist() == [0.0]
    assert np.isfinite(reports.gi_star(con, "village", [ISLAND, codes[0], codes[1]], x[[i, 0, 1]])).all()


def test_monthly_counts_and_gi(lattice):
    con, codes, counts = lattice
    mc = H.monthly_counts(con, "village", D(2026, 11, 26))
    assert list(mc.columns) == H.month_window(D(2026, 11, 26))
    assert mc.columns[0] == D(2025, 12, 1) and mc.columns[-1] == D(2026, 11, 1)
    assert mc[D(2026, 6, 1)].to_dict() == counts
    assert mc.drop(columns=[D(2026, 6, 1)]).to_numpy().sum() == 0
    hh = pd.Series(HOUSEHOLDS_PER_VILLAGE, index=mc.index)
    z, p, bins = H.monthly_gi(con, "village", mc, hh)
    # June's Gi* is the period's Gi*; months without petitions are all 0
    period = reports.hotspots(con, "village", D(2026, 6, 1), D(2026, 6, 30)).set_index("code")
    np.testing.assert_allclose(z[D(2026, 6, 1)].loc[period.index].round(4), period["gi_z"], atol=1e-4)
    assert (bins[D(2026, 6, 1)].loc[period.index] == period["gi_bin"]).all()
    assert (z[D(2026, 5, 1)] == 0).all()
    em = H.emerging(con, "village", D(2026, 11, 26))
    # hot in one month out of twelve, not the final one: no pattern
    assert set(em.classes["pattern"]) == {"none"}


# ----------------------------------------------------------------------------- emerging patterns

Z = 3.0
SERIES = {
    "new_hot": [0] * 11 + [Z],
    "consecutive_hot": [0] * 9 + [Z, Z, Z],
    "intensifying_hot": list(np.linspace(2.2, 6.0, 12)),
    "persistent_hot": [3.0, 4.0, 3.5, 3.2, 3.8, 3.1, 3.9, 3.3, 3.6, 3.4, 3.7, 3.5],
    "diminishing_hot": list(np.linspace(6.0, 2.2, 12)),
    "sporadic_hot": [Z, 0, 0, Z, 0, 0, Z, 0, 0, 0, 0, Z],
    "oscillating_hot": [-Z, 0, Z, 0, 0, 0, 0, 0, 0, 0, 0, Z],
    "historical_hot": [Z] * 11 + [0],
    "none": [0] * 12,
}


@pytest.mark.parametrize("pattern", list(SERIES))
def test_emerging_hot_patterns(pattern):
    out = H.emerging_classes([SERIES[pattern]])
    assert out["pattern"].tolist() == [pattern]


@pytest.mark.parametrize("pattern", [p for p in SERIES if p != "none"])
def test_emerging_cold_patterns_mirror(pattern):
    out = H.emerging_classes([[-v for v in SERIES[pattern]]])
    assert out["pattern"].tolist() == [pattern.replace("_hot", "_cold")]


def test_emerging_all_at_once_with_bins_and_index():
    names = list(SERIES)
    z = pd.DataFrame([SERIES[n] for n in names], index=names)
    bins = np.sign(z) * (z.abs() >= 1.96) * 2
    out = H.emerging_classes(z, bins=bins)
    assert out.index.tolist() == names
    assert out["pattern"].tolist() == names
    assert out.loc["intensifying_hot", "trend"] == "increasing"
    assert out.loc["diminishing_hot", "trend"] == "decreasing"
    assert out.loc["persistent_hot", "trend"] == "no trend"
    assert set(out["pattern"]) <= set(H.PATTERNS)
    # a weak 90 % bin does not count when only 95 % counts
    weak = H.emerging_classes([[0] * 11 + [1.8]])
    assert weak["pattern"].tolist() == ["none"]
    assert H.emerging_classes([[0] * 11 + [1.8]], alpha=0.10)["pattern"].tolist() == ["new_hot"]


def test_mann_kendall_edges():
    assert H.mann_kendall([1, 2])[0] == "no trend"
    assert H.mann_kendall([5] * 12)[0] == "no trend"
    assert H.mann_kendall(range(12))[0] == "increasing"
    assert H.mann_kendall(range(12, 0, -1))[0] == "decreasing"


def test_every_pattern_has_a_label_and_a_meaning():
    from i18n import CATALOG

    for lang in ("zh", "en"):
        for p in H.PATTERNS:
            assert f"hotspots_page.pattern.{p}" in CATALOG[lang]
            assert f"hotspots_page.meaning.{p}" in CATALOG[lang]
    assert set(palette.PATTERN_COLORS) == set(H.PATTERNS)


# ----------------------------------------------------------------------------- lists on the tiny world


def test_hottest_list_min_count():
    hot = pd.DataFrame(
        {
            "code": list("abcd"),
            "name": list("ABCD"),
            "households": [10] * 4,
            "petitions": [2, 5, 9, 3],
            "per_1000": [200.0, 500.0, 900.0, 300.0],
            "gi_z": [4.0, 1.0, 2.5, -1.0],
            "gi_p": [0.0] * 4,
            "gi_bin": [3, 0, 2, 0],
        }
    )
    classes = pd.DataFrame({"pattern": ["new_hot"] * 4, "count_trend": ["increasing"] * 4}, index=list("abcd"))
    out = H.hottest_list(hot, 3, classes, pd.Series({"c": 2}))
    # "a" has the highest z but fewer than 3 petitions: never ranked, keeps its z in the table
    assert out["code"].tolist() == ["c", "b", "d"]
    assert out["rank"].tolist() == [1, 2, 3]
    assert out["overdue_count"].tolist() == [2, 0, 0]
    assert out["pattern"].tolist() == ["new_hot"] * 3
    assert H.hottest_list(hot, 100).empty


def test_petitions_location_and_overdue(tiny):
    con, _ = tiny
    df = H.petitions(con, D(2026, 1, 1), D(2026, 12, 31))
    loc = dict(zip(df["id"], df["village_code"]))
    assert loc["P1"] == V11 and loc["P2"] == V12 and loc["P3"] == V21 and pd.isna(loc["P4"])
    # a scoped user never sees the unlocated petition
    scoped = H.petitions(con, D(2026, 1, 1), D(2026, 12, 31), scope=["500100001000"])
    assert set(scoped["id"]) == {"P1", "P2"}
    assert set(H.petitions(con, D(2026, 1, 1), D(2026, 12, 31), scope=[COUNTY])["id"]) == {"P1", "P2", "P3", "P4"}
    assert set(H.petitions(con, D(2026, 1, 1), D(2026, 12, 31), area=V12)["id"]) == {"P2"}
    assert set(H.petitions(con, D(2026, 1, 1), D(2026, 12, 31), categories=["环境"], group_only=True)["id"]) == {"P2"}
    od = H.overdue(con, df, D(2026, 11, 26)).set_axis(df["id"]).to_dict()
    # P2 and P4 are still "received" weeks later; P1 closed, P3 replied
    assert od == {"P1": False, "P2": True, "P3": False, "P4": True}
    # 7 working days after Tuesday 2026-11-03 is Thursday 2026-11-12
    p4 = df[df["id"] == "P4"]
    assert not H.overdue(con, p4, D(2026, 11, 12)).iloc[0]
    assert H.overdue(con, p4, D(2026, 11, 13)).iloc[0]


def test_repeat_and_escalated(tiny):
    con, _ = tiny
    con.execute("""INSERT INTO petitions (id, received_on, household_code, category, channel, people, status,
                                          level_reached)
        VALUES ('P5', DATE '2026-11-20', 'H01', '土地征收', '来访', 1, 'received', 'province'),
               ('P6', DATE '2026-01-05', 'H06', '环境', '来信', 1, 'closed', 'city'),
               ('P7', DATE '2026-06-01', 'H06', '环境', '来信', 1, 'received', 'county')""")
    rep = H.repeat_petitions(con, D(2026, 1, 1), D(2026, 12, 31), days=90)
    # P5 comes 43 days after P1 from the same household; P7 is 147 days after P6
    assert rep["id"].tolist() == ["P5"]
    r = rep.iloc[0]
    assert (r["previous_id"], r["days_between"], r["village_code"]) == ("P1", 43, V11)
    assert H.repeat_petitions(con, D(2026, 1, 1), D(2026, 12, 31), days=30).empty
    assert H.repeat_petitions(con, D(2026, 1, 1), D(2026, 12, 31), days=90, scope=["500100002000"]).empty
    esc = H.escalated(H.petitions(con, D(2026, 1, 1), D(2026, 12, 31)))
    assert sorted(esc["id"]) == ["P5", "P6"]


def _cells(at) -> list[set]:
    """Every data frame on the page as the set of its cells' text."""
    return [{str(v) for v in d.value.to_numpy().ravel()} for d in at.dataframe]


def test_the_repeat_and_escalated_tabs_are_drawn_only_once_opened(tiny, monkeypatch):
    """Their tables are sent with the page only while their tab is open (a county's repeats: 6,133 rows,
    1.0 MB with every view before)."""
    con, path = tiny
    con.execute("""INSERT INTO petitions (id, received_on, household_code, category, channel, people, status,
                                          level_reached)
        VALUES ('P5', DATE '2026-11-20', 'H01', '土地征收', '来访', 1, 'received', 'province'),
               ('P6', DATE '2026-01-05', 'H06', '环境', '来信', 1, 'closed', 'city')""")
    at = _login(monkeypatch, path)
    assert not at.exception
    assert not any("P5" in cells for cells in _cells(at))  # neither list on the page yet
    at.session_state["hotspots_page.tabs"] = t("hotspots_page.tab.repeats")
    at.run()
    assert not at.exception
    # P5 repeats P1 (43 days after, the same household): the repeats table, and it alone
    assert [cells >= {"P5", "P1", "43"} for cells in _cells(at)].count(True) == 1
    assert not any("P6" in cells for cells in _cells(at))
    at.session_state["hotspots_page.tabs"] = t("hotspots_page.tab.escalated")
    at.run()
    assert not at.exception
    assert [cells >= {"P5", "P6"} for cells in _cells(at)].count(True) == 1  # beyond the county: P5, P6
    assert not any("43" in cells and "P1" in cells for cells in _cells(at))


def test_monthly_counts_add_up_to_hotspots(tiny):
    con, _ = tiny
    mc = H.monthly_counts(con, "village", D(2026, 11, 26))
    hot = reports.hotspots(con, "village", mc.columns[0], D(2026, 11, 26)).set_index("code")
    assert mc.sum(axis=1).to_dict() == hot["petitions"].to_dict()
    assert mc.loc[V21, D(2026, 11, 1)] == 1


def test_rate_classes():
    bins = H.rate_breaks([0, 0, 10, 20, 30, 40, 50, 60, float("nan")])
    assert bins[0] == 0 and bins[1] < 1e-6 and bins[-1] > 60 and len(bins) == 6  # "none" + 4 quantile classes
    assert all(a < b for a, b in zip(bins, bins[1:]))
    bins, colors, _ = maps.rate_classes(bins)
    assert len(bins) == len(colors) + 1 and colors == palette.RATE_COLORS
    assert maps.classify([0, 5, 60, None], bins, colors) == [colors[0], colors[1], colors[-1], palette.NO_DATA_COLOR]
    bins = H.rate_breaks([0, 0])
    assert bins == [0.0, 1e-9, 1.0] and maps.rate_classes(bins).colors == palette.RATE_COLORS[:2]


@pytest.mark.parametrize(
    "breaks, labels",
    [
        # the county walk's legend read "0", then "0.0 – 17.5": one count of decimals for every number now
        (
            [0.0, 1e-9, 17.5, 25.0, 32.5, 40.000000001],
            ["0.0", "0.0 – 17.5", "17.5 – 25.0", "25.0 – 32.5", "32.5 – 40.0"],
        ),
        ([0.0, 1e-9, 12.0, 30.000000001], ["0", "0 – 12", "12 – 30"]),
        ([0.0, 1e-9, 0.03, 0.5, 1200.000000001], ["0.00", "0.00 – 0.03", "0.03 – 0.50", "0.50 – 1,200.00"]),
        ([0.0, 1e-9, 1.0], ["0", "0 – 1"]),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rate_legend_labels_share_their_decimals(breaks, labels, lang):
    from ui.maps import rate_legend

    cls = maps.rate_classes(breaks)
    assert cls.labels == labels
    rows = rate_legend(cls, lang)
    ranges = [dict(zip(("low", "high"), lab.split(" – "))) for lab in labels[1:]]
    assert [label for _, label in rows] == [labels[0]] + [t("legend.range", lang, **r) for r in ranges] + [
        t("legend.no_data", lang)
    ]
    assert [c for c, _ in rows] == cls.colors + [palette.NO_DATA_COLOR]


# ----------------------------------------------------------------------------- the page


def _login(monkeypatch, path):
    return signed_in_app(monkeypatch, path, "leader", today="2026-11-26", page="pages/hotspots.py")


def _table(at) -> pd.DataFrame:
    labels = list(column_labels(reports.HOTSPOT_COLUMNS, "zh").values())
    found = [d.value for d in at.dataframe if list(d.value.columns) == labels]
    assert len(found) == 1
    return found[0].set_axis(reports.HOTSPOT_COLUMNS, axis=1)


def _worded(report: pd.DataFrame) -> pd.DataFrame:
    """The report as the page's full table shows it: each Gi* class in words."""
    from i18n import gi_bin_label

    return report.assign(gi_bin=[gi_bin_label(b) for b in report["gi_bin"]])


def test_page_shows_the_report(tiny, monkeypatch):
    con, path = tiny
    at = _login(monkeypatch, path)
    assert not at.exception
    assert at.title[0].value == t("hotspots_page.title")
    expected = reports.hotspots(con, "village", D(2026, 1, 1), D(2026, 12, 31), scope=[COUNTY])
    pd.testing.assert_frame_equal(_table(at).reset_index(drop=True), _worded(expected), check_dtype=False)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("figure.petitions_received")] == "4"
    assert metrics[t("hotspots_page.metric.located")] == "3" and metrics[t("figure.petitions_unlocated")] == "1"

    # filters: FDR and unresolved only give the same numbers as reports.hotspots with them
    at.toggle(key="hotspots_page.fdr").set_value(True).run()
    at.checkbox(key="hotspots_page.unresolved_only").check().run()
    assert not at.exception
    expected = reports.hotspots(
        con, "village", D(2026, 1, 1), D(2026, 12, 31), fdr=True, scope=[COUNTY], unresolved_only=True
    )
    pd.testing.assert_frame_equal(_table(at).reset_index(drop=True), _worded(expected), check_dtype=False)
    # filtered: another figure than the other pages' 信访受理, so another name
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("figure.petitions_received_filtered")] == "2" and t("figure.petitions_received") not in metrics

    # grid level on demand
    at.radio(key="hotspots_page.level").set_value("grid").run()
    assert not at.exception
    expected = reports.hotspots(
        con, "grid", D(2026, 1, 1), D(2026, 12, 31), fdr=True, scope=[COUNTY], unresolved_only=True
    )
    pd.testing.assert_frame_equal(_table(at).reset_index(drop=True), _worded(expected), check_dtype=False)

    # every map mode draws without an error
    for mode in ("rate", "emerging"):
        at.radio(key="hotspots_page.mode").set_value(mode).run()
        assert not at.exception
    at.toggle(key="hotspots_page.heat").set_value(True).run()
    assert not at.exception


def test_the_density_picture_has_a_legend_of_its_own(tiny, monkeypatch):
    """信访点密度 on: a second legend says what its colours mean (the layer's own colours, least to most)."""
    from ui import maps as UM

    drawn = []
    render_map = UM.drawn  # the folium maps as they are rendered (each once: kept for every session)
    monkeypatch.setattr(UM, "drawn", lambda m: drawn.append(m) or render_map(m))
    monkeypatch.setattr(UM, "render", lambda m, key, **k: {})

    def legends() -> list[str]:
        return [c.html for c in drawn[-1]._children.values() if isinstance(c, maps.Legend)]

    at = _login(monkeypatch, tiny[1])
    assert not at.exception and drawn
    assert not any(t("legend.heat_scale") in h for h in legends())
    at.toggle(key="hotspots_page.heat").set_value(True).run()
    assert not at.exception
    heat = [h for h in legends() if t("legend.heat_scale") in h]
    assert len(heat) == 1 and t("hotspots_page.map.heat_layer") in heat[0] and maps.heat_ramp() in heat[0]
    assert len(legends()) == 2  # the areas' own legend stays
    layer = next(c for c in drawn[-1]._children.values() if isinstance(c, folium.plugins.HeatMap))
    assert layer.options["gradient"] == palette.HEAT_GRADIENT
    # scaled from the petitions drawn (leaflet.heat's own max 1 and folium's minOpacity 0.5 made it red all over)
    scale = maps.heat_scale(layer.data, radius=layer.options["radius"], blur=layer.options["blur"])
    assert layer.options["max"] == scale["max"] and layer.options["min_opacity"] == scale["min_opacity"] < 0.5


def test_a_row_ticked_in_a_longer_hottest_list_is_no_error(tiny, monkeypatch):
    """The hottest list keeps its ticked row across runs (its key stays): ticking its third row, then a
    category that leaves fewer rows, raised "single positional indexer is out-of-bounds" and the page was gone."""
    con, path = tiny
    con.execute("UPDATE rules SET value = 1 WHERE key = 'hotspot_min_count'")  # every village ranks
    at = _login(monkeypatch, path)
    key = "hotspots_page.hottest.village"

    def hottest() -> pd.DataFrame:
        return next(d.value for d in at.dataframe if d.key == key)

    assert len(hottest()) == 3
    third = hottest()[t("col.name")].iloc[2]
    at.session_state[key] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    assert not at.exception
    assert any(third in s.value for s in at.subheader)  # its petitions are listed
    categories = at.multiselect(key="hotspots_page.categories")
    categories.set_value([categories.options[0]]).run()
    assert not at.exception, at.exception
    assert len(hottest()) < 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counts_in_the_tables_have_the_locales_separators(tiny, monkeypatch, lang):
    """The hottest list, the trend's patterns and the full table write a count as 1,946 (the column's
    "localized" format, as the other pages' tables), not 1946."""
    import json

    con, path = tiny
    con.execute("UPDATE rules SET value = 1 WHERE key = 'hotspot_min_count'")
    at = signed_in_app(monkeypatch, path, "leader", today="2026-11-26", lang=lang, page="pages/hotspots.py")
    assert not at.exception
    counts = column_labels(["petitions", "households", "overdue_count"], lang)
    formats = {}
    for d in at.dataframe:
        columns = json.loads(d.proto.columns or "{}")
        for name, config in columns.items():
            if name in counts.values():
                formats.setdefault(name, set()).add(config.get("type_config", {}).get("format"))
    # 信访件数 in all three tables, 在册户数 in the full one, 逾期件数 in the hottest list
    assert formats == {label: {"localized"} for label in counts.values()}
    assert sum(counts["petitions"] in json.loads(d.proto.columns or "{}") for d in at.dataframe) == 3


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("hot", [False, True])
def test_the_hottest_list_says_when_none_of_it_is_a_hot_spot(tiny, monkeypatch, lang, hot):
    """Ranked by z, the list showed the least cold areas under 最热的村/社区 when no area was hot (an office's
    county); then its title says what it is and a sentence says there is no hot spot. (The English wording
    of a level inside a title: tests/test_i18n.py.)"""
    con, path = tiny
    con.execute("UPDATE rules SET value = 1 WHERE key = 'hotspot_min_count'")
    ranked = H.hottest_list

    def hottest_list(*args, **kwargs):  # the tiny county's villages are not hot: one made so
        out = ranked(*args, **kwargs)
        return out.assign(gi_bin=[3] + [0] * (len(out) - 1)) if hot else out.assign(gi_bin=0)

    monkeypatch.setattr(H, "hottest_list", hottest_list)
    at = signed_in_app(monkeypatch, path, "leader", today="2026-11-26", lang=lang, page="pages/hotspots.py")
    assert not at.exception
    levels = t("level.nouns.village", lang)
    subheaders = [s.value for s in at.subheader]
    no_hot = t("hotspots_page.hottest.no_hot", lang, levels=levels)
    if hot:
        assert t("hotspots_page.hottest.title", lang, levels=levels) in subheaders
        assert no_hot not in [i.value for i in at.info]
    else:
        assert t("hotspots_page.hottest.title_no_hot", lang, levels=levels) in subheaders
        assert t("hotspots_page.hottest.title", lang, levels=levels) not in subheaders
        assert no_hot in [i.value for i in at.info]
    patterns = t("hotspots_page.trend.patterns_title", lang, level=t("level.noun.village", lang))
    assert any(patterns in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_filter_labels_are_short_and_their_detail_is_in_the_help(tiny, monkeypatch, lang):
    """The filters share a narrow column: "Group petitions only (5 people or …" and "FDR correction (fewer
    false …" were cut; the labels are short and the detail (5 people, fewer false alarms) is in the help."""
    at = signed_in_app(monkeypatch, tiny[1], "leader", today="2026-11-26", lang=lang, page="pages/hotspots.py")
    group = at.checkbox(key="hotspots_page.group_only")
    fdr = at.toggle(key="hotspots_page.fdr")
    assert group.label == t("hotspots_page.group_only", lang) and fdr.label == t("hotspots_page.fdr", lang)
    assert len(group.label) <= 20 and len(fdr.label) <= 20
    assert "5" in group.help and "5" not in group.label
    assert t("hotspots_page.fdr_help", lang) == fdr.help


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_full_table_names_each_gi_class(tiny, monkeypatch, lang):
    """The full table's Gi* class reads as words (热点（95 % 置信度）, 不显著…), as on the map, not -3 … 3."""
    from i18n import column_labels, gi_bin_label

    con, path = tiny
    con.execute("UPDATE rules SET value = 1 WHERE key = 'hotspot_min_count'")
    at = signed_in_app(monkeypatch, path, "leader", today="2026-11-26", lang=lang, page="pages/hotspots.py")
    assert not at.exception
    head = column_labels(["gi_bin"], lang)["gi_bin"]
    tables = [d.value for d in at.dataframe if head in d.value.columns]
    assert tables, "the full table is drawn"
    words = {gi_bin_label(b, lang) for b in range(-3, 4)} | {gi_bin_label(None, lang)}
    assert set(tables[0][head]) <= words and len(tables[0]) > 0


def test_with_a_filter_on_the_repeats_say_they_are_unfiltered(tiny, monkeypatch):
    """The repeat petitions are found among all the range's petitions: while a filter is on the figure says it is
    not filtered (it read 6,133 beside 3 filtered petitions); the escalated ones follow the filter and say so."""
    con, path = tiny
    con.execute("UPDATE rules SET value = 1 WHERE key = 'hotspot_min_count'")
    at = signed_in_app(monkeypatch, path, "leader", today="2026-11-26", page="pages/hotspots.py")
    labels = [m.label for m in at.metric]
    assert t("figure.petitions_repeat") in labels and t("hotspots_page.metric.escalated") in labels
    categories = at.multiselect(key="hotspots_page.categories")
    categories.set_value([categories.options[0]]).run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert t("hotspots_page.metric.repeat_unfiltered") in labels and t("figure.petitions_repeat") not in labels
    assert t("hotspots_page.metric.escalated_filtered") in labels


def test_the_hotspots_map_is_kept_for_every_view_asking_for_the_same(tiny_ro, monkeypatch):
    """The map is rendered once for every session asking for the same (ui/shared.py drawn: its key names
    no session; building and rendering it was about a fifth of a hotspots view's server CPU on the county
    set, issue 16): another colouring is built anew, and the first colouring again is taken as it was kept.
    (In AppTest the app opens the database again after the sign-in, which moves its version on DuckDB:
    store/version.py; a server opens it once.)"""
    import streamlit as st

    from ui import maps as UM

    _, path = tiny_ro
    built, sent = [], []
    render_map = UM.drawn
    monkeypatch.setattr(UM, "drawn", lambda m: built.append(m) or render_map(m))
    monkeypatch.setattr(UM, "render", lambda m, key, **k: sent.append(m.script) or {})
    st.cache_data.clear()
    at = _login(monkeypatch, path).run()  # the app's own connection opened: the version settled (below)
    built.clear()
    at.run()
    assert not at.exception and built == [] and len(sent) == 3 and sent[-1] == sent[0]
    at.radio(key="hotspots_page.mode").set_value("rate").run()
    assert not at.exception and len(built) == 1 and sent[-1] != sent[0]
    at.radio(key="hotspots_page.mode").set_value("gi").run()
    assert not at.exception and len(built) == 1 and sent[-1] == sent[0]


def test_a_saved_visit_leaves_the_hotspots_map_and_a_petition_draws_it_anew(tiny, monkeypatch):
    """The map is kept under the version without visits, as its figures are: a visit saved by a grid leader
    builds nothing again; a petition's new state does (its figures may have changed)."""
    import streamlit as st

    from analytics import petitions
    from tests import factories as F
    from ui import maps as UM

    con, path = tiny
    built = []
    render_map = UM.drawn
    monkeypatch.setattr(UM, "drawn", lambda m: built.append(m) or render_map(m))
    monkeypatch.setattr(UM, "render", lambda m, key, **k: {})
    st.cache_data.clear()
    at = _login(monkeypatch, path).run()  # the app's own connection opened: the version settled
    built.clear()
    F.add_visit(con.cursor(), "H07", "S2", dt.date(2026, 11, 25))  # another connection, as a grid leader's
    at.run()
    assert not at.exception and built == []
    pid = con.execute("SELECT id FROM petitions WHERE status = 'received' ORDER BY id LIMIT 1").fetchone()[0]
    petitions.change_status(
        con.cursor(), "admin", pid, "in_progress", dt.date(2026, 11, 26), today=dt.date(2026, 11, 26)
    )
    at.run()
    assert not at.exception and len(built) == 1


def test_a_view_reads_the_data_version_once(tiny_ro, monkeypatch):
    """The page's figures (hotspots, petitions, the work list's, repeats) and the map's key share one
    reading of the data's version (``shared.one_version``): the sequences and the townships' versions,
    not the sequences again for every shared call."""
    import streamlit as st

    from store import version as V

    con, path = tiny_ro
    st.cache_data.clear()
    at = signed_in_app(monkeypatch, path, "admin", today="2026-11-26", page="pages/hotspots.py")
    assert not at.exception and at.metric  # figures drawn (not the page's "no areas" sentence)
    reads: list[str] = []
    real_current, real_townships = V.current, V.townships
    monkeypatch.setattr(V, "current", lambda c: reads.append("current") or real_current(c))
    monkeypatch.setattr(V, "townships", lambda c: reads.append("townships") or real_townships(c))
    at.run()
    assert not at.exception and sorted(reads) == ["current", "townships"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("cold", [1, 2])
def test_the_hot_spots_figure_words_its_level_and_cold_count_as_running_text(tiny, monkeypatch, lang, cold):
    """The English phone showed "Hot spots (Village)" over "1 cold spots": the level is running text's
    plural noun, and one cold spot is singular."""
    con, path = tiny
    hotspots = reports.hotspots

    def with_cold(*args, **kwargs):  # the tiny county has no cold spot: ``cold`` of its areas made so
        out = hotspots(*args, **kwargs)
        return out.assign(gi_bin=[-1] * cold + [0] * (len(out) - cold))

    monkeypatch.setattr(reports, "hotspots", with_cold)
    at = signed_in_app(monkeypatch, path, "leader", today="2026-11-26", lang=lang, page="pages/hotspots.py")
    assert not at.exception
    label = t("hotspots_page.metric.hot_areas", lang, level=t("level.nouns.village", lang))
    (m,) = [m for m in at.metric if m.label == label]
    key = "hotspots_page.metric.cold_delta_one" if cold == 1 else "hotspots_page.metric.cold_delta"
    assert m.proto.delta == t(key, lang, n=str(cold))
    if lang == "en":  # not the title-case level, not "1 cold spots"
        assert label != t("hotspots_page.metric.hot_areas", lang, level=t("level.village", lang))
        assert cold != 1 or m.proto.delta != t("hotspots_page.metric.cold_delta", lang, n="1")
