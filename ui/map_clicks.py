"""What a click on a map points at: the one reading of streamlit-folium's click result.

Every page whose map drills down (coverage, hotspots, responsibility) asks :func:`clicked_code`, so
a click means the same everywhere (the feature's ``code`` un-escaped — gis.maps escapes every
property — or, failing that, the polygon under the clicked point).
"""

from __future__ import annotations

import html
from typing import Any, Mapping

import geopandas as gpd
import shapely


def clicked_code(result: Mapping[str, Any] | None, frame: gpd.GeoDataFrame | None = None) -> str | None:
    """The area code a streamlit-folium click points at, or None.

    Parameters
    ----------
    result : mapping or None
        What ``st_folium`` returned: ``last_active_drawing`` (the clicked GeoJSON feature with its
        ``code`` property) and/or ``last_object_clicked`` (``{"lat": …, "lng": …}``, degrees).
    frame : GeoDataFrame, optional
        The map's polygons (``code`` column, EPSG:4326), to locate a clicked point when no feature
        came back.

    Returns
    -------
    str or None
        The code (HTML entities decoded: the map carries escaped text); the smallest code when the
        point lies in several polygons; None when the click points at nothing.

    Examples
    --------
    >>> clicked_code({"last_active_drawing": {"properties": {"code": "500100001000"}}})
    '500100001000'
    >>> clicked_code({"last_active_drawing": {"properties": {"code": "a&amp;b"}}})
    'a&b'
    >>> clicked_code({"last_active_drawing": None}) is None, clicked_code(None) is None
    (True, True)
    """
    if not result:
        return None
    feat = result.get("last_active_drawing")
    if isinstance(feat, Mapping):
        props = feat.get("properties") or {}
        code = props.get("code")
        if code:
            return html.unescape(str(code))
    pt = result.get("last_object_clicked")
    if isinstance(pt, Mapping) and frame is not None and len(frame):
        try:
            lat, lng = float(pt["lat"]), float(pt["lng"])
        except (KeyError, TypeError, ValueError):
            return None
        hit = frame[frame.geometry.intersects(shapely.Point(lng, lat))]
        if len(hit):
            return str(sorted(hit["code"])[0])
    return None
