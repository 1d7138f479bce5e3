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

    Parameters
    ----------
    db_path : str
        The database (:func:`ui.common.db_path`): the cache key, the connection is the session's.
    level : str
        An area level (``vocabulary.areas.LEVELS``).
    version : str
        :func:`boundaries_version`: it changes whenever boundaries are imported, which invalidates the
        cache.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code, name, parent_code, geometry`` (EPSG:4326), simplified; empty when the level has no
        areas.
    """
    from ui.common import con

    return load_simplified(con(), level)


def boundaries_version() -> str:
    """A token that changes when any boundary level is re-imported.

    Returns
    -------
    str
        ``"<number of areas>:<newest import time>"`` (query ``areas_version``).
    """
    from store import db
    from ui.common import con

    row = db.execute(con(), "areas_version").fetchone()
    return f"{row[0]}:{row[1]}"


def level_geometry(level: str) -> gpd.GeoDataFrame:
    """The simplified polygons of a level for the signed-in session's database (cached).

    Parameters
    ----------
    level : str
        An area level (``vocabulary.areas.LEVELS``).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`simplified_level`.
    """
    from ui.common import db_path

    return simplified_level(str(db_path()), level, boundaries_version())
