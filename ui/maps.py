"""Maps on the screen: the words of their legends and tooltips, and drawing them in Streamlit.

:mod:`gis.maps` builds a map's HTML and knows no screen; this module words what a map says in the
page's language (:func:`coverage_legend`, :func:`coverage_map`) and draws it with streamlit-folium
(:func:`render`). What a click on a drawn map points at is :func:`ui.map_clicks.clicked_code`.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gis import maps
from gis.palette import NO_DATA_COLOR
from i18n import fmt_pct, t


def static_url_prefix() -> str:
    """URL under which ``static/`` is served, honouring Streamlit's ``server.baseUrlPath``.

    Returns
    -------
    str
        ``"/app/static"``, or ``"/<base>/app/static"`` when Streamlit runs under a base URL path.
        Absolute, so it also resolves inside the streamlit-folium component iframe (same origin,
        different path).
    """
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{maps.STATIC_URL}" if base else maps.STATIC_URL


def render(
    m: folium.Map,
    key: str,
    height: int = 480,
    returned_objects: Sequence[str] = ("last_object_clicked",),
    width: int | None = None,
) -> dict[str, Any]:
    """Draw the map in Streamlit with streamlit-folium, its assets served by this server.

    Parameters
    ----------
    m : folium.Map
        From :func:`gis.maps.base_map` and its layers.
    key : str
        Widget key (stable per page).
    height : int, default 480
        Pixels.
    returned_objects : sequence of str
        Only what the page reads (every returned value reruns the script on
        change): e.g. ["last_object_clicked"], ["last_active_drawing"] (the
        clicked feature with its properties, including ``code``), or [].
    width : int, optional
        Pixels; default the container's width.

    Returns
    -------
    dict
        What st_folium returns ({} if nothing); :func:`ui.map_clicks.clicked_code` reads a click.
    """
    maps.use_local_assets(static_url_prefix(), m)
    out = st_folium(
        m,
        key=key,
        height=height,
        width=width,
        use_container_width=width is None,
        returned_objects=list(returned_objects),
    )
    return dict(out or {})


# ----------------------------------------------------------------------------- the coverage map


def _legend_pct(v: float, lang: str) -> str:
    """A legend break, as short as it can be.

    Returns
    -------
    str
        ``0.978`` → ``"97.8 %"`` (zh) / ``"97.8%"`` (en), ``0.5`` → ``"50 %"``.
    """
    s = f"{v * 100:.1f}".removesuffix(".0")
    return f"{s} %" if lang == "zh" else f"{s}%"


def coverage_legend(classes: maps.Classes, lang: str = "zh") -> list[tuple[str, str]]:
    """The coverage legend's rows in the page's language: best first, grey "no households" last.

    Parameters
    ----------
    classes : gis.maps.Classes
        :func:`gis.maps.coverage_classes` of the benchmark.
    lang : {"zh", "en"}

    Returns
    -------
    list of (colour, label)
        One row per class ("at or above the benchmark 97.8 %", "90 % – 95 %", "below 50 %"),
        then "no households".

    Examples
    --------
    >>> from gis.palette import COVERAGE_COLORS
    >>> rows = coverage_legend(maps.coverage_classes(0.978), "zh")
    >>> rows[0] == (COVERAGE_COLORS[-1], "达到基准 97.8 %"), rows[-2][1], rows[-1][1]
    (True, '低于 50 %', '无数据（没有户）')
    >>> coverage_legend(maps.coverage_classes(0.9), "en")[1][1]
    '85% – 90%'
    """
    items: list[tuple[str, str]] = []
    n = len(classes.colors)
    for i, color in enumerate(classes.colors):
        lo, hi = classes.bins[i], classes.bins[i + 1]
        if i == n - 1:
            label = t("legend.benchmark", lang, value=_legend_pct(lo, lang))
        elif i == 0:
            label = t("legend.below", lang, value=_legend_pct(hi, lang))
        else:
            label = t("legend.range", lang, low=_legend_pct(lo, lang), high=_legend_pct(hi, lang))
        items.append((color, label))
    items.reverse()  # best on top, as people read a legend
    items.append((NO_DATA_COLOR, t("legend.no_data", lang)))
    return items


def coverage_map(
    frame: Any,
    classes: maps.Classes,
    labels: Mapping[str, str],
    due: pd.DataFrame | None = None,
    lang: str = "zh",
    tiles: str | None = None,
    legend_title: str | None = None,
    points_name: str | None = None,
) -> folium.Map:
    """:func:`gis.maps.coverage_map` worded in the page's language.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        ``analytics.coverage.map_frame`` of the rows shown.
    classes : gis.maps.Classes
        :func:`gis.maps.coverage_classes` of the benchmark.
    labels : mapping of str to str
        Column captions (``i18n.column_labels``) of ``name, households, visited, coverage,
        household_code, head_name, last_visit, tags``.
    due : DataFrame, optional
        The households due for a visit (``analytics.coverage.due_households``).
    lang : {"zh", "en"}
    tiles : str, optional
        See :func:`gis.maps.base_map`.
    legend_title : str, optional
        Default the catalog's ``legend.coverage``.
    points_name : str, optional
        Layer name of the households' points.

    Returns
    -------
    folium.Map
    """
    return maps.coverage_map(
        frame,
        classes,
        labels,
        due,
        legend=coverage_legend(classes, lang),
        legend_title=legend_title if legend_title is not None else t("legend.coverage", lang),
        value_label=lambda v: fmt_pct(v, lang),
        no_data_label=t("legend.no_data", lang),
        never=t("value.never", lang),
        points_name=points_name,
        tiles=tiles,
    )
