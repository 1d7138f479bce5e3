"""Map geometry for pages: each level simplified once per database and cached.

The one place pages get polygons for maps from (overview, coverage, hotspots, responsibility); the
simplifying itself is :func:`gis.maps.load_simplified`.
"""
from __future__ import annotations

import geopandas as gpd
import streamlit as st

from gis.maps import load_simplified


@st.cache_data(show_spinner=False, max_entries=16)
def simplified_level(db_path: str, level: str, version: str) -> gpd.GeoDataFrame:
    """:func:`gis.maps.load_simplified`, cached per database and level.

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
