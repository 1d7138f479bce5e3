"""Map geometry for pages: each level simplified once per database and cached."""
from __future__ import annotations

import geopandas as gpd
import streamlit as st

from gis import areas as A
from gis.maps import simplify_for_map

# tolerance in degrees per level (~1 m is 0.00001°): coarse for big areas, fine for grids
TOLERANCE = {"county": 0.001, "township": 0.0005, "village": 0.0002, "grid": 0.0001}


@st.cache_data(show_spinner=False, max_entries=16)
def simplified_level(db_path: str, level: str, version: str) -> gpd.GeoDataFrame:
    """All areas of a level, simplified and rounded to 5 decimals (EPSG:4326).

    ``version`` changes whenever boundaries are imported, which invalidates the cache.
    """
    from ui.common import con

    gdf = A.load_level(con(), level)
    if gdf.empty:
        return gdf
    return simplify_for_map(gdf[["code", "name", "parent_code", "geometry"]], TOLERANCE[level])


def boundaries_version() -> str:
    """Changes when any boundary level is re-imported (the newest import time and the count)."""
    from store import db
    from ui.common import con

    row = db.execute(con(), "areas_version").fetchone()
    return f"{row[0]}:{row[1]}"
