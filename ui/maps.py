"""Maps on the screen: the words of their legends and tooltips, and drawing them in Streamlit.

:mod:`gis.maps` builds a map's HTML and knows no screen; this module words what a map says in the
page's language (:func:`coverage_legend`, :func:`coverage_map`) and draws it with streamlit-folium
(:func:`render`). What a click on a drawn map points at is :func:`ui.map_clicks.clicked_code`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import branca
import folium
import folium.elements
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
import streamlit_folium as SF

from gis import maps
from gis.palette import NO_DATA_COLOR
from i18n import fmt_num, fmt_pct, t


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


#: streamlit-folium's front end (the map's frame: its index.html and script), vendored from the pinned wheel
#: into static/vendor/streamlit-folium (scripts/vendor_assets.sh) and served, like Leaflet, by this app's
#: static files, under :func:`static_url_prefix`
FRONTEND = "/vendor/streamlit-folium/index.html"


def _declare_frontend() -> Any:
    """streamlit-folium's component, its frame loaded from this app's static files.

    Streamlit serves a component's own files (``/component/streamlit_folium.st_folium/…``) with
    neither a lifetime nor a ``Last-Modified``, and streamlit-folium makes a new frame for every new
    map, so every coverage view downloaded its 225 KB script again (56 KB compressed) and compiled it
    again. A static file comes with its ``Last-Modified``, from which the browser keeps it fresh for a
    tenth of the file's age (HTTP's heuristic freshness, RFC 9111 §4.2.2; Leaflet's files are served
    the same way): the frames of a day-old install take the script, and its compiled code, from the
    browser's cache for hours. (Streamlit answers a revalidation with the whole file, so just after an
    install the script is still downloaded, as before.) The same front end, arguments and widget keys:
    only the frame's URL differs (the frame's title, the component's name, is ``ui.maps.st_folium``).

    Returns
    -------
    callable
        A component function (``streamlit.components.v1.declare_component(…, url=…)``); installed as
        ``streamlit_folium._component_func``, which :func:`render` (and ``st_folium``) call.
    """
    return components.declare_component("st_folium", url=f"{static_url_prefix()}{FRONTEND}")


SF._component_func = _declare_frontend()


@dataclass(frozen=True)
class Drawn:
    """A folium map rendered once into what streamlit-folium's component is sent (:func:`drawn`).

    Plain strings and lists: it pickles, so a page can keep it in the shared cache (ui/shared.py) and
    draw the same map for every session with :func:`render` without building or rendering folium
    again. The fields are the arguments ``st_folium`` (streamlit-folium 0.27.4, pinned in
    requirements.txt) passes its component for the map.
    """

    script: str  # the map's Leaflet JavaScript, its variables renamed for the component
    header: str  # the <head> of the folium page, without <script src> and stylesheet links
    html: str  # the <body> of the folium page, without the map's own <div>
    id: str  # the map's folium id
    bounds: dict  # the map's initial bounds, as the component returns them
    zoom: Any  # the map's initial zoom (``options["zoom"]``) or None
    css_links: tuple  # stylesheets to load, in order
    js_links: tuple  # scripts to load, in order


def drawn(m: folium.Map) -> Drawn:
    """Render a map as ``st_folium`` does before it draws it, its assets served by this server.

    Parameters
    ----------
    m : folium.Map
        From :func:`gis.maps.base_map` and its layers; rendered (folium's Jinja templates), so it
        must not be drawn again.

    Returns
    -------
    Drawn
        The same script, header, html, bounds and links as ``st_folium(m)`` would send, but for
        one ``setIcon`` statement per marker (st_folium renders the map twice, and folium's
        ``Marker.render`` adds one each time).

    Notes
    -----
    Each element's templates are rendered once: its header and html into the figure
    (:func:`gis.maps.render_elements`, ``st_folium`` renders the page and then the map again, both
    of whose scripts it throws away), its script by streamlit-folium's ``_get_map_string``, which
    renames the variables as it renders.
    """
    maps.use_local_assets(static_url_prefix(), m)
    maps.render_elements(m, scripts=False)
    html = SF._get_html(m)
    header = SF._get_header(m)
    script = SF._get_map_string(m)
    (s, w), (n, e) = m.get_bounds()
    css: list[str] = []
    js: list[str] = []
    for elem in _elements(m):
        if isinstance(elem, branca.colormap.ColorMap):  # as st_folium: d3 for a colour map
            js.insert(0, "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js")
            js.insert(0, "https://d3js.org/d3.v4.min.js")
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return Drawn(
        script=script,
        header=header,
        html=html,
        id=SF.get_full_id(m),
        bounds={"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        zoom=m.options.get("zoom"),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
    )


def _elements(element: Any) -> Any:
    """The map's elements that carry assets, depth first, as st_folium walks them.

    Yields
    ------
    branca.colormap.ColorMap or folium.elements.JSCSSMixin
        ``element`` and each of its descendants that is one.
    """
    if isinstance(element, branca.colormap.ColorMap):
        yield element
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


#: What the component returns before any click, in st_folium's order (``bounds`` and ``zoom`` are the map's).
_RETURNED = (
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_count",
    "last_object_clicked_tooltip",
    "last_object_clicked_popup",
    "all_drawings",
    "last_active_drawing",
    "bounds",
    "zoom",
    "last_circle_radius",
    "last_circle_polygon",
    "selected_layers",
    "selected_tags",
    "last_geocoder_result",
)


def render(
    m: folium.Map | Drawn,
    key: str,
    height: int = 480,
    returned_objects: Sequence[str] = ("last_object_clicked",),
    width: int | None = None,
) -> dict[str, Any]:
    """Draw the map in Streamlit with streamlit-folium's component, its assets served by this server.

    Parameters
    ----------
    m : folium.Map or Drawn
        From :func:`gis.maps.base_map` and its layers, or such a map already rendered by
        :func:`drawn` (e.g. kept in the shared cache: nothing of folium runs again).
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
        What the component returns ({} if nothing); :func:`ui.map_clicks.clicked_code` reads a click.
        The same as ``st_folium(m, key=key, …)``: the same component, arguments and widget key.
    """
    d = m if isinstance(m, Drawn) else drawn(m)
    wanted = list(returned_objects)
    defaults: dict[str, Any] = {k: None for k in _RETURNED} | {"bounds": d.bounds, "zoom": d.zoom}
    hash_key = SF.generate_js_hash(d.script, key, False)

    def on_change() -> None:  # st_folium's: the component's value kept under the page's key too
        st.session_state[key] = st.session_state.get(hash_key, {})

    out = SF._component_func(
        script=d.script,
        header=d.header,
        html=d.html,
        id=d.id,
        key=hash_key,
        height=height,
        width=width,
        returned_objects=wanted,
        default={k: v for k, v in defaults.items() if k in wanted},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(d.css_links),
        js_links=list(d.js_links),
        on_change=on_change,
        wrap_longitude=False,
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


def rate_legend(classes: maps.Classes, lang: str = "zh") -> list[tuple[str, str]]:
    """The per-1,000-households legend's rows in the page's language, grey "no households" last.

    Parameters
    ----------
    classes : gis.maps.Classes
        :func:`gis.maps.rate_classes` of the areas' rates.
    lang : {"zh", "en"}

    Returns
    -------
    list of (colour, label)
        "0" (no petitions), then one range per class, every number with the same decimals
        (:func:`gis.maps.rate_decimals`), then "no households".

    Examples
    --------
    >>> [label for _, label in rate_legend(maps.rate_classes([0.0, 1e-9, 17.5, 40.0]), "zh")][:3]
    ['0.0', '0.0 – 17.5', '17.5 – 40.0']
    """
    d = maps.rate_decimals(classes.bins)
    items = [(classes.colors[0], fmt_num(0.0, d, lang))]
    for i in range(1, len(classes.colors)):
        lo, hi = max(classes.bins[i], 0.0), classes.bins[i + 1]
        items.append((classes.colors[i], t("legend.range", lang, low=fmt_num(lo, d, lang), high=fmt_num(hi, d, lang))))
    items.append((NO_DATA_COLOR, t("legend.no_data", lang)))
    return items


def heat_legend(lang: str = "zh") -> list[tuple[str, str]]:
    """The petition density picture's legend row: its colours as a bar, least to most.

    Parameters
    ----------
    lang : {"zh", "en"}

    Returns
    -------
    list of (colour, label)
        One row: :func:`gis.maps.heat_ramp` and "fewer → more petitions".

    Examples
    --------
    >>> heat_legend("zh") == [(maps.heat_ramp(), t("legend.heat_scale", "zh"))]
    True
    """
    return [(maps.heat_ramp(), t("legend.heat_scale", lang))]


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
