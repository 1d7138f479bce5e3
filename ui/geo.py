"""Map geometry for pages: each level simplified once per database and cached.

The one place pages get polygons for maps from (overview, coverage, hotspots, responsibility).
"""
from __future__ import annotations

import duckdb
import geopandas as gpd
import streamlit as st

from gis import areas as A
from gis.maps import simplify_for_map

# tolerance in degrees per level (~1 m is 0.00001°): coarse for big areas, fine for grids
TOLERANCE = {"county": 0.001, "township": 0.0005, "village": 0.0002, "grid": 0.0001}


def load_simplified(con: duckdb.DuckDBPyConnection, level: str) -> gpd.GeoDataFrame:
    """Every area of a level, simplified for a map (tolerance per level, 5 decimals).

    Returns ``code,name,parent_code,geometry`` (EPSG:4326), neighbours still sharing their edges.
    """
    gdf = A.load_level(con, level)[["code", "name", "parent_code", "geometry"]]
    if gdf.empty:
        return gdf
    return simplify_for_map(gdf, tolerance_deg=TOLERANCE.get(level, 0.0001), decimals=5)


@st.cache_data(show_spinner=False, max_entries=16)
def simplified_level(db_path: str, level: str, version: str) -> gpd.GeoDataFrame:
    """:func:`load_simplified`, cached per database and level.

    ``version`` (:func:`boundaries_version`) changes whenever boundaries are imported, which
    invalidates the cache.
    """
    from ui.common import con

    return load_simplified(con(), level)


def boundaries_version() -> str:
    """Changes when any boundary level is re-imported (the newest import time and the count)."""
    from store import db
    from ui.common import con

    row = db.execute(con(), "areas_version").fetchone()
    return f"{row[0]}:{row[1]}"


def level_geometry(level: str) -> gpd.GeoDataFrame:
    """The simplified polygons of a level for the signed-in session's database (cached)."""
    from ui.common import db_path

    return simplified_level(str(db_path()), level, boundaries_version())
