"""Folium maps for every page: local assets only, shared colours, escaped text.

folium loads Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs; on a
government intranet they never arrive and every map is blank.  This module
points folium (and the HeatMap / MarkerCluster plugins) at the copies vendored
under ``static/vendor/`` (see ``scripts/vendor_assets.sh``), which Streamlit
serves at ``/app/static/...`` when ``server.enableStaticServing = true``.

Everything user-supplied (names, addresses, notes) is HTML-escaped before it
goes into GeoJSON properties, tooltips or popups: folium writes tooltip values
into ``innerHTML`` unescaped.

Colours come from :mod:`gis.palette` so they mean the same everywhere: coverage on a
sequential scale with the benchmark (rule ``benchmark_coverage``) as a class
break (:func:`coverage_classes`), Gi* hot/cold spots on the customary red-blue
diverging scale (:func:`gi_classes`), and grey (:data:`NO_DATA_COLOR`) for
"no data".  Every word on a map (tooltip captions, legend labels) is the caller's:
this module builds the map's HTML and knows no screen — ``ui.maps`` words the legends
and draws the map in Streamlit (``ui.maps.render``).

Typical page::

    from gis import maps
    from ui.maps import render

    m = maps.base_map(bounds=gdf.total_bounds, tiles="none")
    cls = maps.coverage_classes(db.rule(con, "benchmark_coverage"))
    maps.choropleth_layer(m, gdf, "coverage", cls.bins, cls.colors,
                          fields=["name", "coverage"], aliases=["网格", "覆盖率"],
                          label_fn=lambda v: f"{v:.1%}")
    maps.add_legend(m, "入户覆盖率", list(zip(cls.colors, cls.labels)))
    clicked = render(m, key="coverage_map", returned_objects=["last_active_drawing"])
"""

from __future__ import annotations

import contextvars
import html
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import folium
import folium.plugins
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.template import Template  # folium's environment: its filters and JSON_POLICY below

from gis import datum
from gis.palette import (  # GI_COLORS and NO_DATA_COLOR are re-exported
    COVERAGE_COLORS,
    GI_COLORS,
    HEAT_GRADIENT,
    NO_DATA_COLOR,
    POINT_ATTENTION_COLOR,
    RATE_COLORS,
    SHORTFALL_COLORS,
)

__all__ = [
    "GI_COLORS",
    "NO_DATA_COLOR",
    "EXTRA_ASSETS",
    "MAP_TOLERANCE",
    "MAX_POINTS",
    "STATIC_DIR",
    "STATIC_URL",
    "TILES",
    "Classes",
    "Legend",
    "add_legend",
    "asset_urls",
    "base_map",
    "choropleth_layer",
    "classify",
    "coverage_classes",
    "coverage_map",
    "escape_value",
    "gi_classes",
    "heat_layer",
    "heat_ramp",
    "heat_scale",
    "legend_html",
    "load_simplified",
    "payload_size",
    "render_elements",
    "point_layer",
    "rate_classes",
    "rate_decimals",
    "shift_for_tiles",
    "shortfall_classes",
    "simplify_for_map",
    "require_assets",
    "use_local_assets",
    "walk_layer",
]

#: Folder that Streamlit serves at ``/app/static`` (next to app.py).
STATIC_DIR: Path = Path(__file__).resolve().parent.parent / "static"

#: URL of :data:`STATIC_DIR` when the app runs at the server's root (``ui.maps`` passes another
#: one when Streamlit runs under ``server.baseUrlPath``).
STATIC_URL = "/app/static"

#: Tile choices understood by :func:`base_map`.
TILES: tuple[str, ...] = ("none", "osm", "tianditu", "amap")

#: the fixed breaks below the benchmark; the benchmark itself comes from the rules table
COVERAGE_LOWER_BREAKS = (0.0, 0.5, 0.7, 0.85, 0.9, 0.95)

# Files under static/vendor/, relative to the static root.
_JS_FILES: dict[str, str] = {
    "leaflet": "vendor/leaflet/dist/leaflet.js",
    "jquery": "vendor/jquery/dist/jquery.min.js",
    "awesome_markers": "vendor/leaflet.awesome-markers/dist/leaflet.awesome-markers.js",
    "markercluster": "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet_heat": "vendor/leaflet.heat/dist/leaflet-heat.js",
}
_CSS_FILES: dict[str, str] = {
    "leaflet_css": "vendor/leaflet/dist/leaflet.css",
    "fontawesome_css": "vendor/fontawesome-free/css/all.min.css",
    "awesome_markers_css": "vendor/leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    "markercluster_css": "vendor/leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster_default_css": "vendor/leaflet.markercluster/dist/MarkerCluster.Default.css",
}

_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
    "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"

# Plain light background for "no tiles", and a Leaflet prefix without the flag. The density picture
# (heat_layer) lies over the areas: hovers and clicks go through it to them (it took them all before).
# A tooltip wraps its lines instead of growing wider than the map (Leaflet's is one line: on a phone,
# in English, wider than the map); _TooltipInside keeps it within the map's edges.
_MAP_CSS = """<style>
.leaflet-container { background: #f5f5f2; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.lx-legend { background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 18px; color: #222; }
.lx-legend .lx-title { font-weight: 600; margin-bottom: 2px; cursor: pointer; }
.lx-legend i { display: inline-block; width: 14px; height: 14px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #999; }
.lx-legend i.lx-ramp { width: 48px; }
.leaflet-heatmap-layer { pointer-events: none; }
.leaflet-container .leaflet-tooltip { white-space: normal; width: max-content;
  max-width: min(280px, calc(100vw - 32px)); overflow-wrap: break-word; }
.leaflet-container .leaflet-tooltip th, .leaflet-container .leaflet-tooltip td { vertical-align: top; }
.leaflet-container .leaflet-tooltip.lx-moved::before { display: none; }
</style>"""


class Classes(NamedTuple):
    """Class breaks and colours for a choropleth.

    ``bins`` has one more entry than ``colors``; class *i* holds values in
    ``[bins[i], bins[i+1])`` (the last class includes its upper edge).
    ``labels`` are language-neutral range labels (callers may pass their own).
    """

    bins: list[float]
    colors: list[str]
    labels: list[str]


# --------------------------------------------------------------------------
# assets


def asset_urls(prefix: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Local URLs of the vendored JS and CSS files.

    Parameters
    ----------
    prefix : str, optional
        URL of the static root; default :data:`STATIC_URL` (the page passes its own when
        Streamlit runs under a base URL path: ``ui.maps.static_url_prefix``).

    Returns
    -------
    tuple of dict
        ``(js, css)``: name -> URL.
    """
    p = (prefix if prefix is not None else STATIC_URL).rstrip("/")
    return (
        {k: f"{p}/{v}" for k, v in _JS_FILES.items()},
        {k: f"{p}/{v}" for k, v in _CSS_FILES.items()},
    )


#: What a map may need besides Leaflet, by name: jQuery (folium's ``Popup`` and ``Map(keep_in_front=…)``
#: call ``$``), Font Awesome with awesome-markers (``folium.Icon(prefix="fa")``). A map of
#: :func:`base_map` loads Leaflet alone; a layer needing more says so with :func:`require_assets`.
EXTRA_ASSETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "jquery": (("jquery",), ()),
    "icons": (("awesome_markers",), ("fontawesome_css", "awesome_markers_css")),
}


def _map_assets(
    prefix: str | None = None, extras: Iterable[str] = tuple(EXTRA_ASSETS)
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    js, css = asset_urls(prefix)
    # Never loaded: bootstrap JS/CSS and bootstrap-glyphicons (only for folium.Icon(prefix="glyphicon");
    # Bootstrap CSS would also restyle the map frame) and folium's awesome-rotate CSS (icon rotation).
    # Leaflet always; the rest only for a map that asks (EXTRA_ASSETS): every map in streamlit-folium is a
    # new frame that loads and parses its files again.
    map_js, map_css = [("leaflet", js["leaflet"])], [("leaflet_css", css["leaflet_css"])]
    for name in EXTRA_ASSETS:
        if name in extras:
            map_js += [(k, js[k]) for k in EXTRA_ASSETS[name][0]]
            map_css += [(k, css[k]) for k in EXTRA_ASSETS[name][1]]
    return map_js, map_css


def require_assets(m: folium.Map, *names: str) -> None:
    """Make the map ``m`` load the vendored files a layer needs besides Leaflet.

    Parameters
    ----------
    m : folium.Map
        From :func:`base_map` (which loads Leaflet alone).
    names : str
        Keys of :data:`EXTRA_ASSETS`: ``"jquery"`` before adding a ``folium.Popup``, ``"icons"``
        before a ``folium.Icon``.

    Raises
    ------
    ValueError
        For a name not in :data:`EXTRA_ASSETS`.

    Examples
    --------
    >>> m = base_map()
    >>> [k for k, _ in m.default_js]
    ['leaflet']
    >>> require_assets(m, "jquery"); [k for k, _ in m.default_js]
    ['leaflet', 'jquery']
    """
    unknown = [n for n in names if n not in EXTRA_ASSETS]
    if unknown:
        raise ValueError(f"Unknown map assets {unknown}: use one of {', '.join(EXTRA_ASSETS)}.")
    m.lianxin_assets = tuple(dict.fromkeys((*getattr(m, "lianxin_assets", ()), *names)))
    m.default_js, m.default_css = _map_assets(getattr(m, "lianxin_prefix", None), m.lianxin_assets)


def use_local_assets(prefix: str | None = None, m: folium.Map | None = None) -> None:
    """Point folium's Map and plugins at the vendored files, never a CDN.

    Sets the class attributes ``default_js`` / ``default_css`` of
    :class:`folium.Map` (every vendored file, for a map not made by :func:`base_map`),
    :class:`folium.plugins.HeatMap` and :class:`folium.plugins.MarkerCluster`, and those of the map
    ``m`` (what it asked for: :func:`require_assets`).  Idempotent and offline; called by
    :func:`base_map` and, with the server's prefix, by ``ui.maps.render`` just before a map is drawn.

    Parameters
    ----------
    prefix : str, optional
        URL of the static root; default :data:`STATIC_URL`.
    m : folium.Map, optional
        A map already built, whose own asset list is set too.
    """
    js, css = asset_urls(prefix)
    if m is not None:
        m.lianxin_prefix = prefix
        m.default_js, m.default_css = _map_assets(prefix, getattr(m, "lianxin_assets", tuple(EXTRA_ASSETS)))
    folium.Map.default_js, folium.Map.default_css = _map_assets(prefix)
    folium.plugins.HeatMap.default_js = [("leaflet-heat.js", js["leaflet_heat"])]
    folium.plugins.MarkerCluster.default_js = [("markerclusterjs", js["markercluster"])]
    folium.plugins.MarkerCluster.default_css = [
        ("markerclustercss", css["markercluster_css"]),
        ("markerclusterdefaultcss", css["markercluster_default_css"]),
    ]


# --------------------------------------------------------------------------
# rendering each element's Jinja template once
#
# branca 0.8.2 (MacroElement.render, folium's Popup.render) wraps what an element's template wrote in
# ``Element(text)``, which compiles that text as a new Jinja template and renders it again. For a
# GeoJSON layer the text holds the whole GeoJSON: most of a map's rendering was that compile, and a
# ``{{ … }}`` in a name or tooltip was evaluated by Jinja on the server. The elements below put the
# text out as it is instead.

_NEWLINE = re.compile(r"\r\n|\r|\n")


class _Text(Element):
    """Text an element's template has already written, put out unchanged.

    As ``Element(text)`` puts out text without Jinja syntax (one trailing newline dropped, newlines
    written as line feeds, as Jinja's lexer does), from a template compiled once for every instance; a
    ``{{``, ``{%`` or ``{#`` in the text is put out as it is.
    """

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        lines = _NEWLINE.split(str(text))
        if lines[-1] == "":
            del lines[-1]
        self.text = "\n".join(lines)


#: False while :func:`render_elements` renders the elements for the figure's header and html only.
_SCRIPTS: contextvars.ContextVar[bool] = contextvars.ContextVar("lianxin_map_scripts", default=True)

#: How folium's templates write JSON (``|tojson``: the GeoJSON of every layer, the options): Jinja's
#: ``json.dumps`` with sorted keys, as before, but without the blanks after ``,`` and ``:`` and with
#: Chinese as it is instead of six-byte ``\uXXXX`` escapes — a tenth of a village map's bytes
#: (BENCHMARKS.md "Eighteenth session"). Jinja still escapes ``< > & '`` (``htmlsafe_json_dumps``), so
#: a name cannot close the script. Every folium template shares this one environment (folium
#: ``Template.environment_class``), so the setting is made once, here, for every map of the app.
JSON_POLICY = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = JSON_POLICY


class _RenderedOnce(MacroElement):
    """``MacroElement.render`` (branca 0.8.2) adding :class:`_Text` to the figure instead of ``Element``.

    Put after a folium class in the bases (``class _GeoJson(folium.GeoJson, _RenderedOnce)``): the
    folium class's own ``render`` runs first and its ``super().render()`` lands here.
    """

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script") if _SCRIPTS.get() else ("header", "html"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _Map(folium.Map, _RenderedOnce):
    pass


class _FitBounds(folium.map.FitBounds, _RenderedOnce):
    pass


class _GeoJson(folium.GeoJson, _RenderedOnce):
    #: ``[[south, west], [north, east]]`` of the features' coordinates when the layer function knows
    #: them (from the arrays the GeoJSON was made of); None: folium walks every point of the GeoJSON
    bounds: list[list[float]] | None = None

    def _get_self_bounds(self) -> list[list[float | None]]:
        return self.bounds if self.bounds is not None else super()._get_self_bounds()


def _detail_template(bind: str, options: str) -> Template:
    """The template of a GeoJSON tooltip or popup: folium 0.20.0's (``GeoJsonDetail``), less its empty rows.

    A field whose value is missing (``null``, as :func:`escape_value` writes NaN and None, or ``""``)
    leaves its row out: a household without tags showed an empty 标签 row. ``localize`` is not
    written (no layer of this module sets it).

    Parameters
    ----------
    bind : {"bindTooltip", "bindPopup"}
        The Leaflet method that binds it to the layer.
    options : {"tooltip_options", "popup_options"}
        The attribute holding its Leaflet options.

    Returns
    -------
    Template
        The element's ``_template`` (its ``script`` macro).
    """
    return Template(
        """{% macro script(this, kwargs) %}
    {{ this._parent.get_name() }}."""
        + bind
        + """(function(layer){
    let div = L.DomUtil.create('div');
    {% if this.fields %}
    let props = layer.feature.properties;
    let fields = {{ this.fields | tojson | safe }};
    let aliases = {{ this.aliases | tojson | safe }};
    div.innerHTML = '<table>' + fields.map((v, i) => {
        let x = props[v];
        if (x === null || x === undefined || x === '') return '';
        if (typeof x == 'object') x = JSON.stringify(x);
        return `<tr>{% if this.labels %}<th>${aliases[i]}</th>{% endif %}<td>${x}</td></tr>`;
    }).join('') + '</table>';
    {% endif %}
    return div;
    },{{ this."""
        + options
        + """ | tojavascript }});
    {% endmacro %}"""
    )


class _GeoJsonTooltip(folium.GeoJsonTooltip, _RenderedOnce):
    _template = _detail_template("bindTooltip", "tooltip_options")


class _GeoJsonPopup(folium.GeoJsonPopup, _RenderedOnce):
    _template = _detail_template("bindPopup", "popup_options")


class _Tooltip(folium.Tooltip, _RenderedOnce):
    pass


class _FeatureGroup(folium.FeatureGroup, _RenderedOnce):
    pass


class _Marker(folium.Marker, _RenderedOnce):
    class SetIcon(folium.Marker.SetIcon, _RenderedOnce):  # added by Marker.render, one for each render
        pass


class _CircleMarker(folium.CircleMarker, _RenderedOnce):
    pass


class _PolyLine(folium.PolyLine, _RenderedOnce):
    pass


class _DivIcon(folium.DivIcon, _RenderedOnce):
    pass


class _MarkerCluster(folium.plugins.MarkerCluster, _RenderedOnce):
    pass


class _HeatMap(folium.plugins.HeatMap, _RenderedOnce):
    def _get_self_bounds(self) -> list[list[float | None]]:
        """The points' bounds as folium's, with numpy's min and max.

        Returns
        -------
        list of list of float
            ``[[south, west], [north, east]]`` (``[[None, None], [None, None]]`` without points).
        """
        if not len(self.data):
            return super()._get_self_bounds()
        a = np.asarray(self.data, dtype=float)[:, :2]
        return [[float(v) for v in a.min(axis=0)], [float(v) for v in a.max(axis=0)]]


class _Popup(folium.Popup):
    """``folium.Popup`` (0.20.0) whose rendered script is added as :class:`_Text`."""

    def render(self, **kwargs: Any) -> None:
        for child in self._children.values():
            child.render(**kwargs)
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        if not _SCRIPTS.get():
            return
        figure.script.add_child(_Text(self._template.render(this=self, kwargs=kwargs)), name=self.get_name())


def render_elements(m: folium.Map, scripts: bool = True) -> None:
    """Render each element of the map's figure once, as ``Figure.render`` does, without the page.

    Parameters
    ----------
    m : folium.Map
        Built here (its layers from this module's elements); afterwards the figure's ``header``,
        ``html`` (and ``script``) hold what the elements wrote, as after ``m.get_root().render()``.
    scripts : bool, default True
        False: this module's elements write their header and html but not their script — for a caller
        that renders the scripts itself (``ui.maps.drawn``: streamlit-folium renames the variables
        and renders each script once more anyway). The figure then lacks those scripts: draw the map
        no other way afterwards. Elements of folium's own (the map, its tiles…) write all three.

    Notes
    -----
    folium's elements add their side effects while rendering (a layer's ``…_add`` statement, a
    marker's ``setIcon`` — one more for every render —, a GeoJSON layer's style map, the asset links
    in the header): one render gives each of them once.
    """
    token = _SCRIPTS.set(scripts)
    try:
        for child in m.get_root()._children.values():  # branca 0.8.2 Figure.render, less its page template
            child.render()
    finally:
        _SCRIPTS.reset(token)


class _AttributionPrefix(_RenderedOnce):
    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._name = "AttributionPrefix"
        self.prefix = prefix


class _TooltipInside(_RenderedOnce):
    """Keeps every tooltip of the page inside its map (Leaflet 1.9's ``Tooltip._setPosition``, patched once).

    Leaflet opens a tooltip of ``direction: "auto"`` to the left of the pointer when the pointer is
    right of the map's centre, however wide the tooltip: a wide one ran past the map's left edge and
    was cut off (on a phone, a sticky tooltip's labels). After Leaflet places it, a tooltip that
    crosses the map's left or right edge opens on the pointer's other side if it fits there, else
    above the pointer (below it when it does not fit above and there is more room below); then it is
    moved, no more than it must, to lie within the map, 4 px from its edges (its arrow hidden once it
    no longer points at the pointer). Above rather than below: the legends lie at the map's foot, and
    a tooltip cannot be drawn over them (Leaflet's controls are above its panes).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var proto = L.Tooltip.prototype;
            if (proto._lxInside) { return; }
            proto._lxInside = true;
            var place = proto._setPosition, pad = 4;
            function box(tip) {  // where the tooltip shows, in the map's pixels (its CSS margins too)
                var r = tip._container.getBoundingClientRect(), c = tip._map.getContainer().getBoundingClientRect();
                return {x: r.left - c.left, y: r.top - c.top, w: r.width, h: r.height};
            }
            function across(b, size) {  // crosses the map's left or right edge
                return b.x < pad || b.x + b.w > size.x - pad;
            }
            proto._setPosition = function (pos) {
                place.call(this, pos);
                var map = this._map, el = this._container;
                if (!map || !el) { return; }
                var size = map.getSize(), b = box(this);
                if (this.options.direction === "auto" && across(b, size)) {
                    var y = map.layerPointToContainerPoint(pos).y;  // the pointer's (a sticky tooltip's)
                    this.options.direction = L.DomUtil.hasClass(el, "leaflet-tooltip-left") ? "right" : "left";
                    place.call(this, pos);
                    b = box(this);
                    if (across(b, size)) {  // above the pointer where it fits, else where there is more room
                        var up = y - b.h - 10 >= pad || y > size.y / 2;
                        this.options.direction = up ? "top" : "bottom";
                        place.call(this, pos);
                        b = box(this);
                    }
                    this.options.direction = "auto";
                }
                var dx = Math.max(pad, Math.min(b.x, size.x - pad - b.w)) - b.x;
                var dy = Math.max(pad, Math.min(b.y, size.y - pad - b.h)) - b.y;
                if (dx || dy) {
                    L.DomUtil.setPosition(el, L.DomUtil.getPosition(el).add(L.point(dx, dy)));
                    L.DomUtil.addClass(el, "lx-moved");
                } else {
                    L.DomUtil.removeClass(el, "lx-moved");
                }
            };
        })();
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "TooltipInside"


# --------------------------------------------------------------------------
# base map and tiles


def tile_settings() -> tuple[str, str | None]:
    """The county's tile choice from ``$LIANXIN_TILES`` and ``$LIANXIN_TIANDITU_KEY``.

    ``$LIANXIN_TILES`` is one of none, osm, tianditu, amap (default none — the intranet-safe plain
    background). An unknown value, or 天地图 without a well-formed key, falls back to none so that a
    map always draws.

    Returns
    -------
    tuple of (str, str or None)
        The tile source (a key of ``TILES``) and the 天地图 key (None unless the source is tianditu
        and a key is set).
    """
    tiles = (os.environ.get("LIANXIN_TILES") or "none").strip().lower()
    key = (os.environ.get("LIANXIN_TIANDITU_KEY") or "").strip() or None
    if tiles not in TILES or (tiles == "tianditu" and not (key and re.fullmatch(r"[0-9A-Za-z]+", key))):
        return "none", None
    return tiles, key


def base_map(
    bounds: Sequence[float] | None = None,
    tiles: str | None = None,
    tianditu_key: str | None = None,
    height: int | str = "100%",
    center: tuple[float, float] = (35.0, 105.0),
    zoom: int = 4,
    prefer_canvas: bool = True,
) -> folium.Map:
    """A folium map that loads only local assets.

    Parameters
    ----------
    bounds : sequence of 4 floats, optional
        ``(minx, miny, maxx, maxy)`` in WGS-84, e.g. ``gdf.total_bounds``;
        the map fits them.  Without it the map shows ``center`` / ``zoom``.
    tiles : {"none", "osm", "tianditu", "amap"}, default from :func:`tile_settings`
        "none" draws a plain light background (the intranet default);
        "osm" OpenStreetMap; "tianditu" 天地图 vector + labels (needs
        ``tianditu_key``); "amap" 高德 tiles, which are GCJ-02: the layer functions of
        this module shift their overlays for it (the map remembers its tiles).
    tianditu_key : str, optional
        The 天地图 browser key (letters and digits).
    height : int or str, default "100%"
        Height of the map div (st_folium sets its own frame height).
    center : (lat, lon), default China
    zoom : int, default 4
    prefer_canvas : bool, default True
        Draw vectors on one <canvas> (fast with thousands of polygons).  With
        False Leaflet draws SVG ``path.leaflet-interactive`` elements, which a
        browser test can count; on canvas count layers instead, e.g. in the
        st_folium iframe: ``window.map_div.eachLayer(l => l.feature && n++)``.

    Returns
    -------
    folium.Map

    Raises
    ------
    ValueError
        For an unknown ``tiles`` value or a missing/invalid 天地图 key.

    Examples
    --------
    >>> m = base_map(bounds=(107.6, 30.5, 108.0, 30.9))
    >>> "cdn.jsdelivr" in m.get_root().render()
    False
    """
    if tiles is None:
        tiles, tianditu_key = tile_settings()
    if tiles not in TILES:
        raise ValueError(f"Unknown tiles {tiles!r}: use one of {', '.join(TILES)}.")
    if tiles == "tianditu" and not (tianditu_key and re.fullmatch(r"[0-9A-Za-z]+", tianditu_key)):
        raise ValueError("天地图 tiles need a key (letters and digits): set it in the settings or choose other tiles.")
    use_local_assets()
    m = _Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=prefer_canvas,
        zoom_control=True,
        control_scale=True,
        attribution_control=True,
        height=height,
        # Leaflet's keyboard handler focuses the map on the first press, and the browser then scrolls
        # a half-visible map into view between press and release: the first click was lost.
        keyboard=False,
    )
    # folium gives max_zoom to its default tile layer only; without tiles the
    # map has no maxZoom and MarkerCluster throws "Map has no maxZoom specified".
    m.options["max_zoom"] = 18
    m.lianxin_tiles = tiles  # the layer functions shift overlays for GCJ-02 tiles
    m.lianxin_assets = ()  # Leaflet alone, unless a layer asks for more (require_assets)
    m.default_js, m.default_css = _map_assets(None, m.lianxin_assets)
    m.get_root().header.add_child(Element(_MAP_CSS), name="lianxin_map_css")
    m.add_child(_AttributionPrefix("Leaflet"))
    m.add_child(_TooltipInside())
    if tiles == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    elif tiles == "tianditu":
        for layer, name, overlay in (("vec", "天地图", False), ("cva", "天地图注记", True)):
            folium.TileLayer(
                tiles=_TIANDITU.format(layer=layer, key=tianditu_key, s="{s}"),
                attr="&copy; 天地图",
                name=name,
                subdomains="01234567",
                max_zoom=18,
                overlay=overlay,
                control=False,
            ).add_to(m)
    elif tiles == "amap":
        folium.TileLayer(tiles=_AMAP, attr="&copy; 高德地图", name="高德地图", subdomains="1234", max_zoom=18).add_to(m)
    if bounds is not None:
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        if tiles == "amap":
            from gis.datum import wgs84_to_gcj02

            (minx, maxx), (miny, maxy) = wgs84_to_gcj02(np.array([minx, maxx]), np.array([miny, maxy]))
        if all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
            m.add_child(_FitBounds([[miny, minx], [maxy, maxx]]))  # m.fit_bounds, rendered once
    return m


def shift_for_tiles(data: Any, tiles: str, lon: str = "lon", lat: str = "lat") -> Any:
    """Shift WGS-84 overlays to the datum of the tiles (GCJ-02 for AMap).

    Parameters
    ----------
    data : GeoDataFrame, GeoSeries or DataFrame
        WGS-84 data; a plain DataFrame is shifted through its ``lon``/``lat``
        columns.
    tiles : str
        The ``tiles`` passed to :func:`base_map`.
    lon, lat : str
        Column names for a plain DataFrame.

    Returns
    -------
    same type as ``data``
        A shifted copy for "amap", otherwise ``data`` itself.
    """
    if tiles != "amap":
        return data
    import geopandas as gpd

    if isinstance(data, gpd.GeoSeries):
        return gpd.GeoSeries(
            datum.transform_geometry(np.asarray(data.values, dtype=object), datum.wgs84_to_gcj02),
            index=data.index,
            crs=data.crs,
            name=data.name,
        )
    out = data.copy()
    if isinstance(data, gpd.GeoDataFrame):
        out[data.geometry.name] = datum.transform_geometry(
            np.asarray(data.geometry.values, dtype=object), datum.wgs84_to_gcj02
        )
        return out
    out[lon], out[lat] = datum.wgs84_to_gcj02(data[lon].to_numpy(float), data[lat].to_numpy(float))
    return out


# --------------------------------------------------------------------------
# classes and colours


def _pct(v: float) -> str:
    return f"{v * 100:.1f}".rstrip("0").rstrip(".") + " %"


def coverage_classes(benchmark: float) -> Classes:
    """Coverage classes: sequential YlGn with the benchmark as the last break.

    Parameters
    ----------
    benchmark : float
        Rule ``benchmark_coverage`` (a ratio in (0, 1]; 0.978 by default). The map's darkest class
        is "at or above the benchmark", so every map and legend moves with the rule.

    Returns
    -------
    Classes
        Up to 7 classes: the fixed breaks ``0, .5, .7, .85, .9, .95`` below the benchmark, then
        ``[benchmark, 1]``; the darkest class is "at or above the benchmark".

    Raises
    ------
    ValueError
        When ``benchmark`` is not in (0, 1] (the rules table refuses such a value).

    Examples
    --------
    >>> c = coverage_classes(0.978)
    >>> c.bins, len(c.colors), c.colors[-1], c.labels[-1]
    ([0.0, 0.5, 0.7, 0.85, 0.9, 0.95, 0.978, 1.0], 7, '#005a32', '≥ 97.8 %')
    >>> coverage_classes(0.9).bins
    [0.0, 0.5, 0.7, 0.85, 0.9, 1.0]
    """
    b = float(benchmark)
    if not 0.0 < b <= 1.0:
        raise ValueError(f"benchmark_coverage must be a ratio in (0, 1], got {benchmark!r}")
    top = 1.0 if b < 1.0 else 1.0 + 1e-9  # a 100 % benchmark still needs a class of its own
    bins = [x for x in COVERAGE_LOWER_BREAKS if x < b] + [b, top]
    labels = [f"{_pct(lo)} – {_pct(hi)}" for lo, hi in zip(bins[:-2], bins[1:-1])]
    labels.append(f"≥ {_pct(b)}")
    return Classes(bins, COVERAGE_COLORS[-(len(bins) - 1) :], labels)


def gi_classes() -> Classes:
    """Gi* classes for bins -3…3 on the red-blue diverging scale.

    Returns
    -------
    Classes
        ``bins = [-3.5, -2.5, …, 3.5]`` so an integer Gi_Bin falls in its
        own class; ``colors`` from :data:`GI_COLORS`; ``labels`` "-3"…"3"
        (pages pass Chinese labels such as 冷点(99%) to the legend).
    """
    return Classes(
        [k - 0.5 for k in range(-3, 5)],
        [GI_COLORS[k] for k in range(-3, 4)],
        [str(k) for k in range(-3, 4)],
    )


def rate_decimals(breaks: Sequence[float]) -> int:
    """Decimals that every label of a per-1,000 legend is written with.

    Parameters
    ----------
    breaks : sequence of float
        The breaks of :func:`rate_classes` (``[0, 1e-9, …, top + 1e-9]``).

    Returns
    -------
    int
        0 when every break is a whole number (to 1e-6), else the fewest of 1 or 2 that write zero
        and the breaks above it all differently. One count for the whole legend: "0", "0 – 18", "18 – 40"
        or "0.0", "0.0 – 17.5", "17.5 – 40.0", never "0" then "0.0 – …".

    Examples
    --------
    >>> rate_decimals([0.0, 1e-9, 17.5, 40.000000001]), rate_decimals([0.0, 1e-9, 18.0, 40.000000001])
    (1, 0)
    >>> rate_decimals([0.0, 1e-9, 0.03, 0.5, 1.0])
    2
    """
    shown = [max(float(b), 0.0) for b in breaks]
    if all(abs(b - round(b)) < 1e-6 for b in shown):
        return 0
    written = [0.0] + [b for b in shown if b > 1e-6]  # zero, then the breaks above it
    return 1 if len({f"{b:.1f}" for b in written}) == len(written) else 2


def rate_classes(breaks: Sequence[float]) -> Classes:
    """Classes of petitions per 1,000 households on the sequential YlOrRd scale.

    Parameters
    ----------
    breaks : sequence of float
        Increasing breaks, one more than the classes (at most 5, the colours of
        :data:`gis.palette.RATE_COLORS`), from ``analytics.hotspots.rate_breaks``; class 0
        is "no petitions".

    Returns
    -------
    Classes
        ``colors`` the first ``len(breaks) - 1`` of :data:`gis.palette.RATE_COLORS` (light = few);
        ``labels`` "0", then "lo – hi", every number with the same decimals (:func:`rate_decimals`).

    Raises
    ------
    ValueError
        When there are more classes than colours, or none.

    Examples
    --------
    >>> rate_classes([0.0, 1e-9, 17.5, 40.0]).labels
    ['0.0', '0.0 – 17.5', '17.5 – 40.0']
    >>> rate_classes([0.0, 1e-9, 18.0, 1200.0]).labels
    ['0', '0 – 18', '18 – 1,200']
    """
    bins = [float(b) for b in breaks]
    if not 2 <= len(bins) <= len(RATE_COLORS) + 1:
        raise ValueError(f"Give 2 to {len(RATE_COLORS) + 1} rate breaks, not {len(bins)}.")
    d = rate_decimals(bins)
    labels = [f"{0.0:.{d}f}"] + [f"{max(lo, 0.0):,.{d}f} – {hi:,.{d}f}" for lo, hi in zip(bins[1:-1], bins[2:])]
    return Classes(bins, RATE_COLORS[: len(bins) - 1], labels[: len(bins) - 1])


def shortfall_classes(breaks: Sequence[float]) -> Classes:
    """Classes of the projected coverage shortfall: green for "on course", then ever redder.

    Parameters
    ----------
    breaks : sequence of float
        ``analytics.pace.SHORTFALL_BINS`` (ratio points below the benchmark; class 0 is "reaches
        the benchmark").

    Returns
    -------
    Classes
        ``colors`` :data:`gis.palette.SHORTFALL_COLORS` (one per class); ``labels`` in percentage
        points: "0", "0 – 2", … "≥ 20".

    Raises
    ------
    ValueError
        When the breaks do not make one class per colour.

    Examples
    --------
    >>> shortfall_classes([0.0, 1e-9, 0.02, 0.05, 0.10, 0.20, 1.0 + 1e-9]).labels
    ['0', '0 – 2', '2 – 5', '5 – 10', '10 – 20', '≥ 20']
    """
    bins = [float(b) for b in breaks]
    if len(bins) != len(SHORTFALL_COLORS) + 1:
        raise ValueError(f"Give {len(SHORTFALL_COLORS) + 1} shortfall breaks, not {len(bins)}.")
    inner = [f"{max(lo, 0.0) * 100:.0f} – {hi * 100:.0f}" for lo, hi in zip(bins[1:-2], bins[2:-1])]
    return Classes(bins, list(SHORTFALL_COLORS), ["0"] + inner + [f"≥ {bins[-2] * 100:.0f}"])


def classify(
    values: Any, bins: Sequence[float], colors: Sequence[str], no_data_color: str = NO_DATA_COLOR
) -> list[str]:
    """Colour for each value: class *i* is ``[bins[i], bins[i+1])``.

    Values below the first or above the last break go to the end classes;
    NaN/None get ``no_data_color``.

    Parameters
    ----------
    values : array-like of float
    bins : sequence of float, increasing, ``len(colors) + 1`` long
    colors : sequence of str, at most 7
    no_data_color : str

    Returns
    -------
    list of str
        One colour per value, in the order given.

    Raises
    ------
    ValueError
        When ``bins`` is not one longer than ``colors``, or there are more than 7 colours.
    """
    if len(bins) != len(colors) + 1:
        raise ValueError(f"Need one more class break than colours: got {len(bins)} breaks and {len(colors)} colours.")
    if len(colors) > 7:
        raise ValueError(f"Use at most 7 classes, not {len(colors)}.")
    v = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    idx = np.clip(np.searchsorted(np.asarray(bins, float), v, side="right") - 1, 0, len(colors) - 1)
    return [no_data_color if np.isnan(x) else colors[i] for x, i in zip(v, idx)]


# --------------------------------------------------------------------------
# escaping and geometry preparation


def escape_value(value: Any) -> Any:
    """HTML-escape strings; pass numbers through; NaN/None become None.

    Parameters
    ----------
    value : any

    Returns
    -------
    str, int, float, bool or None
        JSON-safe and safe to put into ``innerHTML``.
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def simplify_for_map(gdf: Any, tolerance_deg: float = 0.0001, decimals: int = 5) -> Any:
    """Simplify polygons and round coordinates for sending to the browser.

    Polygon layers that form a coverage (neighbouring grids) are simplified
    with :func:`shapely.coverage_simplify`, so shared borders stay shared
    (no slivers); anything else with ``simplify(preserve_topology=True)``.
    Coordinates are then snapped to ``10**-decimals`` degrees (5 decimals is
    about 1 m) with :func:`shapely.set_precision`, which keeps geometries
    valid.  A geometry that would vanish keeps its original shape.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        In EPSG:4326 (or without CRS, taken as WGS-84).
    tolerance_deg : float, default 0.0001 (about 10 m)
    decimals : int, default 5

    Returns
    -------
    geopandas.GeoDataFrame
        A copy; columns and index unchanged.

    Raises
    ------
    ValueError
        If the CRS is not geographic WGS-84.
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        raise ValueError(f"simplify_for_map expects EPSG:4326 data, got {gdf.crs}; call .to_crs(4326) first.")
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    out = geoms.copy()
    if present.any() and tolerance_deg > 0:
        g = geoms[present]
        polygonal = np.isin(shapely.get_type_id(g), [3, 6])
        simple = np.empty(len(g), dtype=object)
        if polygonal.all():
            try:
                simple[:] = shapely.coverage_simplify(g, tolerance_deg)
            except Exception:  # not a clean coverage: per-geometry instead
                simple[:] = shapely.simplify(g, tolerance_deg, preserve_topology=True)
        else:
            simple[:] = shapely.simplify(g, tolerance_deg, preserve_topology=True)
        out[present] = simple
    grid = 10.0**-decimals
    snapped = out.copy()
    snapped[present] = shapely.set_precision(out[present], grid)
    # fall back where simplifying + snapping made a geometry empty or invalid
    bad = present & (shapely.is_empty(snapped) | ~shapely.is_valid(snapped))
    if bad.any():
        snapped[bad] = shapely.set_precision(geoms[bad], grid)
        still = bad & shapely.is_empty(snapped)
        snapped[still] = geoms[still]
    res = gdf.copy()
    res[gdf.geometry.name] = snapped
    if res.crs is None:
        res = res.set_crs(4326)
    return res


#: Simplification tolerance of a level's polygons on a map, in degrees (~1 m is 0.00001°):
#: coarse for big areas, fine for grids.
MAP_TOLERANCE: dict[str, float] = {"county": 0.001, "township": 0.0005, "village": 0.0002, "grid": 0.0001}


def load_simplified(con: Any, level: str) -> Any:
    """Every area of a level, simplified for a map (:data:`MAP_TOLERANCE`, 5 decimals).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    level : str
        An area level (``vocabulary.areas.LEVELS``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``code, name, parent_code, geometry`` (EPSG:4326), neighbours still sharing their edges;
        empty when the level has no areas. The pages cache it per database (``ui.geo``).
    """
    from gis import areas

    gdf = areas.load_level(con, level)[["code", "name", "parent_code", "geometry"]]
    if gdf.empty:
        return gdf
    return simplify_for_map(gdf, tolerance_deg=MAP_TOLERANCE.get(level, 0.0001), decimals=5)


def payload_size(m: folium.Map) -> int:
    """Size in bytes of the map's full HTML (what the browser receives).

    Parameters
    ----------
    m : folium.Map

    Returns
    -------
    int
    """
    return len(m.get_root().render().encode("utf-8"))


def _feature_collection(gdf: Any, props: dict[str, list[Any]]) -> dict[str, Any]:
    geoms = gdf.geometry.values
    feats = []
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        feats.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(g),
                "properties": {k: v[i] for k, v in props.items()},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def _check_fields(fields: Sequence[str] | None, aliases: Sequence[str] | None) -> tuple[list[str], list[str]]:
    f = list(fields or [])
    a = list(aliases) if aliases is not None else list(f)
    if len(a) != len(f):
        raise ValueError(f"Give one alias per field: {len(f)} fields, {len(a)} aliases.")
    return f, [html.escape(str(x)) for x in a]


# --------------------------------------------------------------------------
# layers


def choropleth_layer(
    m: folium.Map,
    gdf: Any,
    value_col: str,
    bins: Sequence[float],
    colors: Sequence[str],
    fields: Sequence[str] | None = None,
    aliases: Sequence[str] | None = None,
    label_fn: Callable[[float], str] | None = None,
    key: str = "code",
    no_data_color: str = NO_DATA_COLOR,
    no_data_label: str = "—",
    highlight: bool = True,
    name: str | None = None,
    fill_opacity: float = 0.75,
    line_color: str = "#555555",
    line_weight: float = 0.8,
) -> folium.GeoJson:
    """Add a choropleth of ``value_col`` classed by ``bins`` / ``colors``.

    Parameters
    ----------
    m : folium.Map
    gdf : geopandas.GeoDataFrame
        WGS-84 polygons (already shifted for AMap and simplified).
    value_col : str
        Numeric column; NaN means "no data" and is drawn grey.
    bins, colors : see :func:`classify`
    fields : list of str, optional
        Columns shown in the tooltip, in order (``value_col`` may be one).
    aliases : list of str, optional
        Tooltip labels for ``fields`` (Chinese, from the caller).
    label_fn : callable, optional
        Formats ``value_col`` for the tooltip, e.g. ``lambda v: f"{v:.1%}"``.
    key : str, default "code"
        Column copied into every feature's properties (when present), so a
        click (``last_active_drawing``) tells the page which area it was.
    no_data_color, no_data_label : str
        Fill and tooltip text for missing values.
    highlight : bool, default True
        Thicken the outline on hover.
    name : str, optional
        Layer name.
    fill_opacity, line_color, line_weight : style

    Returns
    -------
    folium.GeoJson
        Already added to ``m``.  String properties are HTML-escaped.
    """
    gdf = shift_for_tiles(gdf, getattr(m, "lianxin_tiles", "none"))
    fields_l, aliases_l = _check_fields(fields, aliases)
    fills = classify(gdf[value_col].to_numpy(), bins, colors, no_data_color)
    props: dict[str, list[Any]] = {"_fill": fills}
    cols = list(dict.fromkeys(([key] if key in gdf.columns else []) + fields_l))
    for c in cols:
        if c == value_col:
            raw = pd.to_numeric(gdf[c], errors="coerce").to_numpy(float)
            if label_fn is not None:
                props[c] = [
                    html.escape(no_data_label) if np.isnan(v) else escape_value(label_fn(float(v))) for v in raw
                ]
            else:
                props[c] = [html.escape(no_data_label) if np.isnan(v) else float(v) for v in raw]
        else:
            props[c] = [escape_value(v) for v in gdf[c].tolist()]
    data = _feature_collection(gdf, props)
    west, south, east, north = shapely.total_bounds(gdf.geometry.values)  # NaN without a drawn geometry

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "fillColor": feature["properties"]["_fill"],
            "color": line_color,
            "weight": line_weight,
            "fillOpacity": fill_opacity,
        }

    def hover(_feature: dict[str, Any]) -> dict[str, Any]:
        return {"weight": 3, "color": "#000000", "fillOpacity": min(1.0, fill_opacity + 0.1)}

    layer = _GeoJson(
        data,
        name=name,
        style_function=style,
        highlight_function=hover if highlight else None,
        zoom_on_click=False,
        tooltip=_GeoJsonTooltip(fields=fields_l, aliases=aliases_l, sticky=True) if fields_l else None,
    )
    if data["features"]:  # the same floats as the GeoJSON's coordinates (shapely's mapping)
        layer.bounds = [[float(south), float(west)], [float(north), float(east)]]
    layer.add_to(m)
    return layer


def point_layer(
    m: folium.Map,
    df: Any,
    lon: str = "lon",
    lat: str = "lat",
    tooltip_fields: Sequence[str] | None = None,
    tooltip_aliases: Sequence[str] | None = None,
    popup_fields: Sequence[str] | None = None,
    popup_aliases: Sequence[str] | None = None,
    cluster: bool = False,
    color: str = "#b2182b",
    radius: float = 5,
    name: str | None = None,
) -> folium.GeoJson | folium.plugins.MarkerCluster:
    """Add points (households, petitions…) as circle markers.

    Parameters
    ----------
    m : folium.Map
    df : DataFrame
        With WGS-84 ``lon``/``lat`` columns (shift for AMap first).
        Rows without coordinates are skipped.
    lon, lat : str
        Column names.
    tooltip_fields, tooltip_aliases : list of str, optional
    popup_fields, popup_aliases : list of str, optional
    cluster : bool, default False
        Group into a MarkerCluster (local leaflet.markercluster).
    color : str
    radius : float, pixels
    name : str, optional

    Returns
    -------
    folium.GeoJson or folium.plugins.MarkerCluster
        Already added to ``m``; all text HTML-escaped. A point's tooltip and popup leave out the rows
        whose value is missing or empty (a household without tags has no tags row). The GeoJSON
        features' properties are named
        ``"0"``, ``"1"``, … in the order of the fields (the tooltip's, then the popup's new ones): the
        tooltip and popup show the aliases, and short names keep the map's HTML small.
    """
    df = shift_for_tiles(df, getattr(m, "lianxin_tiles", "none"), lon=lon, lat=lat)
    t_fields, t_aliases = _check_fields(tooltip_fields, tooltip_aliases)
    p_fields, p_aliases = _check_fields(popup_fields, popup_aliases)
    x = pd.to_numeric(df[lon], errors="coerce").to_numpy(float)
    y = pd.to_numeric(df[lat], errors="coerce").to_numpy(float)
    ok = np.isfinite(x) & np.isfinite(y)
    sub = df.loc[ok]
    x, y = np.round(x[ok], 6), np.round(y[ok], 6)
    cols = list(dict.fromkeys(t_fields + p_fields))
    values = {c: [escape_value(v) for v in sub[c].tolist()] for c in cols}
    style = {"radius": radius, "color": "#ffffff", "weight": 1, "fillColor": color, "fillOpacity": 0.9}

    if cluster:
        use_local_assets()
        if p_fields:
            require_assets(m, "jquery")  # folium.Popup sets its content with $(…)
        group = _MarkerCluster(name=name)

        def _table(fs: list[str], als: list[str], i: int) -> str:
            rows = "".join(  # a missing value leaves its row out, as in the GeoJSON tooltips
                f"<tr><th style='text-align:left;padding-right:6px'>{a}</th><td>{values[f][i]}</td></tr>"
                for f, a in zip(fs, als)
                if values[f][i] is not None and values[f][i] != ""
            )
            return f"<table>{rows}</table>"

        for i in range(len(sub)):
            _CircleMarker(
                location=[float(y[i]), float(x[i])],
                tooltip=_Tooltip(_table(t_fields, t_aliases, i)) if t_fields else None,
                popup=_Popup(_table(p_fields, p_aliases, i)) if p_fields else None,
                **style,
            ).add_to(group)
        group.add_to(m)
        return group

    # each property under a one- or two-character name ("0", "1", …; the tooltip shows the aliases):
    # 500 households' points with "head_name", "household_code", "last_visit_text" and "tags" spelt out
    # were a sixth of a coverage map's HTML
    short = {c: str(i) for i, c in enumerate(cols)}
    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(x[i]), float(y[i])]},
            "properties": {short[c]: values[c][i] for c in cols},
        }
        for i in range(len(sub))
    ]
    layer = _GeoJson(
        {"type": "FeatureCollection", "features": feats},
        name=name,
        marker=folium.CircleMarker(**style),
        zoom_on_click=False,
        tooltip=_GeoJsonTooltip(fields=[short[c] for c in t_fields], aliases=t_aliases) if t_fields else None,
        popup=_GeoJsonPopup(fields=[short[c] for c in p_fields], aliases=p_aliases) if p_fields else None,
    )
    if feats:
        layer.bounds = [[float(y.min()), float(x.min())], [float(y.max()), float(x.max())]]
    layer.add_to(m)
    return layer


#: The density picture's :func:`heat_layer` scale: the map's size (px) it assumes when it works out the zoom
#: the points' extent opens at (``Map.fitBounds``; the pages' maps are 460–900 px wide, 520 px high).
HEAT_VIEW_PX = 480

#: The share of the points' cells (at the zoom the map opens at) below the density that :func:`heat_layer`
#: draws in the top colour: the densest twentieth of the places with petitions are red.
HEAT_TOP_QUANTILE = 0.95

#: leaflet.heat's ``maxZoom`` for :func:`heat_layer`: the maps' own (``base_map`` sets 18), folium's default.
HEAT_MAX_ZOOM = 18

#: The least opacity of a cell's circle: simpleheat's own floor (a lone petition is a faint blue haze).
#: folium passes 0.5, and with it every circle, however few petitions it stands for, was half opaque:
#: two or three overlapping ones reached yellow and red, and the county was red all over.
HEAT_MIN_OPACITY = 0.05


def _fit_zoom(lat: np.ndarray, lon: np.ndarray, view_px: int, max_zoom: int) -> int:
    """The zoom at which Leaflet's ``fitBounds`` shows the points' extent in a ``view_px`` square.

    Returns
    -------
    int
        The whole zoom (Leaflet's ``zoomSnap`` 1), from 0 to ``max_zoom``.
    """
    x0, y0 = _mercator_px(lat, lon, 0)
    extent = max(float(np.ptp(x0)), float(np.ptp(y0)), 1e-12)
    return int(min(max(math.floor(math.log2(view_px / extent)), 0), max_zoom))


def _mercator_px(lat: np.ndarray, lon: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Leaflet's pixel coordinates (EPSG:3857 through pyproj, 256 px tiles) of points at ``zoom``.

    Returns
    -------
    tuple of ndarray
        ``x`` (east) and ``y`` (south) in pixels from the world's north-west corner.
    """
    import pyproj

    to_3857 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    half = math.pi * 6378137.0  # half the world's width in EPSG:3857 metres
    mx, my = to_3857.transform(np.asarray(lon, float), np.clip(np.asarray(lat, float), -85.0511287798, 85.0511287798))
    size = 256.0 * 2.0**zoom
    return (np.asarray(mx) + half) / (2 * half) * size, (half - np.asarray(my)) / (2 * half) * size


def heat_scale(
    points: Any,
    radius: int = 18,
    blur: int = 15,
    view_px: int = HEAT_VIEW_PX,
    max_zoom: int = HEAT_MAX_ZOOM,
    quantile: float = HEAT_TOP_QUANTILE,
) -> dict[str, float | int]:
    """leaflet.heat's ``max``, ``maxZoom`` and ``minOpacity`` for points, chosen from the points.

    leaflet.heat (``static/vendor/leaflet.heat/dist/leaflet-heat.js``, ``_redraw``) bins the points in view
    into square cells of ``g = (radius + blur) / 2`` screen pixels and gives each cell the value

        ``v = min(f · Σ weights, max)``,  with ``f = 1 / 2 ** clamp(maxZoom − zoom, 0, 12)``;

    simpleheat then draws one blurred circle (radius ``radius + blur``) per cell with the opacity
    ``α = max(v / max, minOpacity)``, lets the overlapping circles add up (``1 − Π(1 − αᵢ·kernelᵢ)``) and
    colours each pixel by its summed opacity along :data:`gis.palette.HEAT_GRADIENT` (below 0.4 a
    faint blue, 1 the top colour). folium's defaults (``minOpacity`` 0.5, ``max`` 1) made every cell half
    opaque at least and every cell of 2 ** (18 − zoom) points or more fully so: at the county's zoom (9),
    every place with a few hundred petitions in a 3 km cell was red.

    Here ``max`` is chosen from the points at the zoom their extent opens at (``z₀``, the page's area
    fitted into a ``view_px`` map): ``max = n₀ / 2 ** (maxZoom − z₀)``, where ``n₀`` is the ``quantile``
    (0.95) of the weights of the non-empty cells of ``g`` pixels at ``z₀``. So at ``z₀`` a cell's opacity
    is ``α = min(n / n₀, 1)``: the densest twentieth of the places with petitions reach the top colour,
    a place with a tenth of their petitions stays a faint blue, and ``minOpacity`` is simpleheat's own
    0.05, not 0.5. (On the county data set at zoom 9, cells of ~3 km: ``n₀`` ≈ 900, the densest cell
    ≈ 2,600, the median ≈ 330.) Zoomed in by ``k`` levels a cell is 4 ** k times smaller while ``f``
    grows 2 ** k times: a cell reaches the top colour with ``n₀ / 2 ** k`` petitions. That is about how
    fast the counts of the dense cells fall where petitions cluster in towns and villages (there the
    densest cell: 2,602 at zoom 9, 572 at 11, 162 at 13), so a township's or a village's dense places
    still stand out from its sparse ones. The colours stay relative — "fewer → more petitions", the
    legend — to the densest places of the area the map opens on.

    Parameters
    ----------
    points : array-like of shape (n, 2) or (n, 3)
        ``(lat, lon)`` or ``(lat, lon, weight)`` rows, as given to the layer (weights default to 1).
    radius, blur : int
        The layer's (the cell is ``(radius + blur) / 2`` pixels).
    view_px : int, default :data:`HEAT_VIEW_PX`
        The map's size assumed for the zoom it opens at.
    max_zoom : int, default :data:`HEAT_MAX_ZOOM`
        leaflet.heat's ``maxZoom``.
    quantile : float, default :data:`HEAT_TOP_QUANTILE`
        Which cell's weight (an observed one, ``inverted_cdf``) becomes ``n₀``: 1 is the densest cell.

    Returns
    -------
    dict
        ``max``, ``max_zoom``, ``min_opacity`` (HeatMap's keyword names) and ``zoom`` (``z₀``; not an
        option of the layer).

    Examples
    --------
    One cell of 100 petitions and a lone one far away, on a map that opens at zoom 9:

    >>> pts = [(30.70, 107.80)] * 100 + [(30.20, 107.05)]
    >>> s = heat_scale(pts, radius=12, blur=12)
    >>> s["zoom"], s["max"] == 100 / 2 ** (18 - 9), s["min_opacity"]
    (9, True, 0.05)
    """
    arr = np.asarray(points, dtype=float)
    arr = arr if arr.ndim == 2 else arr.reshape(-1, 2)
    out: dict[str, float | int] = {"max": 1.0, "max_zoom": max_zoom, "min_opacity": HEAT_MIN_OPACITY}
    if not len(arr):
        out["zoom"] = max_zoom
        return out
    lat, lon = arr[:, 0], arr[:, 1]
    w = arr[:, 2] if arr.shape[1] > 2 else np.ones(len(arr))
    z0 = _fit_zoom(lat, lon, view_px, max_zoom)
    g = max((radius + blur) / 2.0, 1.0)
    x, y = _mercator_px(lat, lon, z0)
    cells = np.floor(x / g).astype(np.int64) * (1 << 32) + np.floor(y / g).astype(np.int64)
    _, inverse = np.unique(cells, return_inverse=True)
    n0 = float(np.quantile(np.bincount(inverse.ravel(), weights=w), quantile, method="inverted_cdf"))
    f0 = 1.0 / 2.0 ** min(max(max_zoom - z0, 0), 12)
    out["zoom"] = z0
    if n0 > 0:
        out["max"] = n0 * f0
    return out


def heat_layer(
    m: folium.Map,
    points: Any,
    lon: str = "lon",
    lat: str = "lat",
    weight: str | None = None,
    radius: int = 18,
    blur: int = 15,
    name: str | None = None,
) -> folium.plugins.HeatMap:
    """Add a heat map (local leaflet.heat) scaled by :func:`heat_scale`.

    Its colours are :data:`gis.palette.HEAT_GRADIENT`, the densest place of the points (at the zoom the
    map opens at) the top colour: relative density, as its legend (:func:`heat_ramp`) says.

    Parameters
    ----------
    m : folium.Map
    points : DataFrame or sequence
        A DataFrame with ``lon``/``lat`` (and optional ``weight``) columns, or
        a sequence of ``(lat, lon)`` / ``(lat, lon, weight)`` as folium wants.
    lon, lat, weight : str
        Column names for a DataFrame.
    radius, blur : int
    name : str, optional

    Returns
    -------
    folium.plugins.HeatMap
    """
    points = shift_for_tiles(points, getattr(m, "lianxin_tiles", "none"), lon=lon, lat=lat)
    use_local_assets()
    if isinstance(points, pd.DataFrame):
        cols = [lat, lon] + ([weight] if weight else [])
        arr = points[cols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    else:
        arr = np.asarray(list(points), dtype=float).reshape(-1, 2 if len(points) == 0 else len(points[0]))
    arr = arr[np.isfinite(arr).all(axis=1)]
    arr[:, :2] = np.round(arr[:, :2], 5)
    scale = heat_scale(arr, radius=radius, blur=blur)
    layer = _HeatMap(
        arr.tolist(),
        name=name,
        radius=radius,
        blur=blur,
        gradient=HEAT_GRADIENT,
        max=scale["max"],
        max_zoom=scale["max_zoom"],
        min_opacity=scale["min_opacity"],
    )
    layer.add_to(m)
    return layer


def heat_ramp() -> str:
    """The colours of :func:`heat_layer` as a CSS gradient, for its legend (a wide swatch).

    Returns
    -------
    str
        A ``linear-gradient(…)`` of :data:`gis.palette.HEAT_GRADIENT`, left = least; given as a
        legend row's colour (:func:`legend_html`), it is drawn as a bar.

    Examples
    --------
    >>> heat_ramp()
    'linear-gradient(to right, #0000ff 40%, #00ffff 60%, #00ff00 70%, #ffff00 80%, #ff0000 100%)'
    """
    stops = ", ".join(f"{c} {p * 100:.0f}%" for p, c in sorted(HEAT_GRADIENT.items()))
    return f"linear-gradient(to right, {stops})"


# --------------------------------------------------------------------------
# legend


def legend_html(title: str, items: Iterable[tuple[str, str]]) -> str:
    """HTML for a legend box: a title and colour swatches with labels.

    Parameters
    ----------
    title : str
        E.g. "入户覆盖率".
    items : iterable of (color, label)
        Labels come from the caller (Chinese by default); all text escaped. A colour that is a CSS
        gradient (:func:`heat_ramp`) is drawn as a bar instead of a square.

    Returns
    -------
    str
    """
    ramp = ' class="lx-ramp"'
    rows = "".join(
        f'<div><i{ramp if str(c).startswith("linear-gradient(") else ""} style="background:{html.escape(str(c))}">'
        f"</i>{html.escape(str(label))}</div>"
        for c, label in items
    )
    return (
        f'<details class="lx-legend" open><summary class="lx-title">{html.escape(str(title))}</summary>{rows}</details>'
    )


#: Maps narrower than this (px) open with the legend folded to its title (a phone: it covered the map).
LEGEND_FOLD_BELOW = 420
#: Maps narrower than this (px) open with every legend folded when they carry more than one (信访热点's
#: colours and its density layer: at desk width, a half-width map, the two opened covered a third of it).
LEGENDS_FOLD_BELOW = 900


class Legend(_RenderedOnce):
    """A Leaflet control holding :func:`legend_html`.

    It is part of the map script, so it shows both in plain folium HTML and inside st_folium.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            var map = {{ this._parent.get_name() }};
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "lx-legend-wrap");
                div.innerHTML = {{ this.html|tojson }};
                // a small map (a phone; with several legends, a desk's half-width map) starts with the
                // legend folded to its title: tap to open it
                if (map.getSize().x < {{ this.fold_below }}) {
                    div.firstChild.removeAttribute("open");
                }
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo(map);
        })();
        {% endmacro %}"""
    )

    def __init__(self, title: str, items: Iterable[tuple[str, str]], position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = legend_html(title, items)
        self.position = position
        self.fold_below = LEGEND_FOLD_BELOW


def add_legend(m: folium.Map, title: str, items: Iterable[tuple[str, str]], position: str = "bottomright") -> Legend:
    """Add a legend control to the map.

    A legend opens folded to its title on a map narrower than :data:`LEGEND_FOLD_BELOW`; once a map
    carries two or more, every one of them opens folded on a map narrower than :data:`LEGENDS_FOLD_BELOW`.

    Parameters
    ----------
    m : folium.Map
    title : str
    items : iterable of (color, label)
    position : {"bottomright", "bottomleft", "topright", "topleft"}

    Returns
    -------
    Legend
    """
    legend = Legend(title, items, position)
    others = [c for c in m._children.values() if isinstance(c, Legend)]
    for each in [*others, legend] if others else []:  # two or more: all fold below a wider map
        each.fold_below = LEGENDS_FOLD_BELOW
    m.add_child(legend)
    return legend


# --------------------------------------------------------------------------
# the coverage map

#: Household points drawn on the coverage map (the oldest-due first); the list and exports hold all.
MAX_POINTS = 500


def coverage_map(
    frame: Any,
    classes: Classes,
    captions: Mapping[str, str],
    due: Any = None,
    *,
    legend: Iterable[tuple[str, str]] | None = None,
    legend_title: str = "入户覆盖率",
    value_label: Callable[[float], str] | None = None,
    no_data_label: str = "—",
    never: str = "—",
    points_name: str | None = None,
    tiles: str | None = None,
) -> folium.Map:
    """The coverage map: a choropleth of the areas' coverage and the households due as points.

    Every word is the caller's (``ui.maps.coverage_map`` words them in the page's language).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        ``code, name, households_text, visited_text, coverage, geometry`` (EPSG:4326), as
        ``analytics.coverage.map_frame`` makes it; ``coverage`` a ratio in [0, 1], NaN for an
        area without households.
    classes : Classes
        :func:`coverage_classes` of the benchmark.
    captions : mapping of str to str
        Tooltip captions of ``name, households, visited, coverage`` and, for the points,
        ``head_name, household_code, last_visit, tags``.
    due : DataFrame, optional
        Households due for a visit, oldest first: ``household_code, head_name, last_visit, tags,
        lon, lat`` (WGS-84 degrees). The first :data:`MAX_POINTS` with coordinates are drawn.
    legend : iterable of (colour, label), optional
        The legend's rows, worded by the caller; default the classes' own labels, best first, then
        "no data".
    legend_title : str
        Title of the legend and name of the choropleth layer.
    value_label : callable, optional
        Writes a coverage ratio in the tooltip (e.g. ``i18n.fmt_pct``); default the ratio itself.
    no_data_label : str
        Tooltip text of an area without households.
    never : str
        A household's last visit when it was never visited (a visit date is written ISO 8601).
    points_name : str, optional
        Layer name of the points.
    tiles : str, optional
        See :func:`base_map`.

    Returns
    -------
    folium.Map
        Every text HTML-escaped; areas carry their ``code`` (a click tells which area it was).
    """
    bounds = frame.total_bounds if len(frame) else None
    m = base_map(bounds=bounds, tiles=tiles)
    if len(frame):
        choropleth_layer(
            m,
            frame,
            "coverage",
            classes.bins,
            classes.colors,
            fields=["name", "households_text", "visited_text", "coverage"],
            aliases=[captions["name"], captions["households"], captions["visited"], captions["coverage"]],
            label_fn=value_label,
            key="code",
            no_data_color=NO_DATA_COLOR,
            no_data_label=no_data_label,
            name=legend_title,
        )
    if due is not None and len(due):
        pts = due.dropna(subset=["lon", "lat"]).head(MAX_POINTS).copy()
        if len(pts):
            pts["last_visit_text"] = [
                never if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in pts["last_visit"]
            ]
            fields = ["head_name", "household_code", "last_visit_text", "tags"]
            aliases = [captions["head_name"], captions["household_code"], captions["last_visit"], captions["tags"]]
            point_layer(
                m,
                pts,
                tooltip_fields=fields,
                tooltip_aliases=aliases,
                cluster=False,
                color=POINT_ATTENTION_COLOR,
                radius=4,
                name=points_name,
            )
    if legend is None:
        legend = list(zip(classes.colors, classes.labels))[::-1] + [(NO_DATA_COLOR, no_data_label)]
    add_legend(m, legend_title, legend)
    return m


# --------------------------------------------------------------------------
# a walk: numbered stops and the path between them


def walk_layer(
    m: folium.Map,
    stops: Any,
    start: tuple[float, float] | None = None,
    current: int | None = None,
    tooltip: Sequence[str] | None = None,
    lon: str = "lon",
    lat: str = "lat",
    stop: str = "stop",
    done: str = "done",
) -> folium.FeatureGroup:
    """Add a walk: the path from ``start`` through the stops, and each stop numbered.

    Parameters
    ----------
    m : folium.Map
    stops : DataFrame
        In walking order, with WGS-84 ``lon``/``lat``, the ``stop`` number and ``done`` (visited
        today: drawn grey with a tick, and left out of the path).
    start : (lon, lat), optional
        Where the walk starts (drawn as a small dark dot).
    current : int, optional
        The stop to go to next, drawn larger in red.
    tooltip : list of str, optional
        One text per stop (e.g. name and code), HTML-escaped here.

    Returns
    -------
    folium.FeatureGroup
        Already added to ``m``. The numbers are Leaflet ``divIcon`` labels (no image, nothing
        fetched); the path is one polyline.
    """
    df = shift_for_tiles(stops, getattr(m, "lianxin_tiles", "none"), lon=lon, lat=lat)
    group = _FeatureGroup(name="walk")
    pts = [(round(float(y), 6), round(float(x), 6)) for x, y in zip(df[lon], df[lat])]
    todo = [p for p, d in zip(pts, df[done]) if not bool(d)]
    if start is not None:
        s = shift_for_tiles(pd.DataFrame({"lon": [start[0]], "lat": [start[1]]}), getattr(m, "lianxin_tiles", "none"))
        sp = (round(float(s["lat"].iloc[0]), 6), round(float(s["lon"].iloc[0]), 6))
        _CircleMarker(
            location=list(sp), radius=6, color="#ffffff", weight=2, fill_color="#222222", fill_opacity=1.0
        ).add_to(group)
        todo = [sp] + todo
    if len(todo) > 1:
        _PolyLine(todo, color="#2166ac", weight=3, opacity=0.8, dash_array="6 4").add_to(group)
    texts = list(tooltip) if tooltip is not None else [None] * len(pts)
    for (y, x), n, d, tip in zip(pts, df[stop], df[done], texts):
        is_next = current is not None and int(n) == int(current)
        bg = "#9e9e9e" if bool(d) else ("#b2182b" if is_next else "#2166ac")
        size = 30 if is_next else 24
        label = "✓" if bool(d) else str(int(n))
        icon = _DivIcon(
            icon_size=(size, size),
            icon_anchor=(size // 2, size // 2),
            class_name="lx-stop",
            html=(
                f'<div style="width:{size}px;height:{size}px;border-radius:50%;background:{bg};color:#fff;'
                f'border:2px solid #fff;box-shadow:0 1px 3px rgba(0,0,0,.5);text-align:center;'
                f'line-height:{size - 4}px;font:600 {13 if is_next else 12}px sans-serif">{label}</div>'
            ),
        )
        _Marker(location=[y, x], icon=icon, tooltip=_Tooltip(html.escape(str(tip))) if tip else None).add_to(group)
    group.add_to(m)
    return group
