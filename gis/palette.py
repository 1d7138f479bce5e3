"""Every colour a map or legend uses, in one place, so a colour means the same on every page.

Sequential and diverging scales are ColorBrewer's (Brewer, Harrower & The Pennsylvania State
University, colorbrewer2.org): YlGn for coverage, RdBu for Gi* hot and cold spots, YlOrRd for rates,
RdYlGn for shortfalls and grid status. Grey is "no data" and never a colour that reads as zero.
Nothing here draws: gis/maps.py and the pages take their colours from this module.
"""

from __future__ import annotations

#: Fill for areas without data — never a colour that reads as zero.
NO_DATA_COLOR = "#bdbdbd"

#: Coverage, 7-class YlGn: light = few households visited, darkest = at or above the benchmark.
COVERAGE_COLORS: list[str] = ["#ffffcc", "#d9f0a3", "#addd8e", "#78c679", "#41ab5d", "#238443", "#005a32"]

#: Gi* bins (ArcGIS Gi_Bin: -3 = cold spot at 99 % … 3 = hot spot at 99 %), RdBu.
GI_COLORS: dict[int, str] = {
    -3: "#2166ac",
    -2: "#67a9cf",
    -1: "#d1e5f0",
    0: "#f7f7f7",
    1: "#fddbc7",
    2: "#ef8a62",
    3: "#b2182b",
}

#: Emerging hot-spot patterns: reds for hot, blues for cold, near-white for none.
PATTERN_COLORS: dict[str, str] = {
    "new_hot": "#e31a1c",
    "consecutive_hot": "#fd8d3c",
    "intensifying_hot": "#67000d",
    "persistent_hot": "#a50f15",
    "diminishing_hot": "#fc9272",
    "sporadic_hot": "#fed976",
    "oscillating_hot": "#c994c7",
    "historical_hot": "#d6b8a8",
    "new_cold": "#1f78b4",
    "consecutive_cold": "#6baed6",
    "intensifying_cold": "#08306b",
    "persistent_cold": "#08519c",
    "diminishing_cold": "#9ecae1",
    "sporadic_cold": "#a6dba0",
    "oscillating_cold": "#8c96c6",
    "historical_cold": "#c6dbef",
    "none": "#f7f7f7",
}

#: Petitions per 1,000 households, 5-class YlOrRd.
RATE_COLORS: list[str] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]

#: The petition density picture (leaflet.heat): its own default gradient, written out so that the
#: layer and its legend (``gis.maps.heat_ramp``) show the same colours — from where the heat is
#: lowest (blue) to where it is highest (red).
HEAT_GRADIENT: dict[float, str] = {0.4: "#0000ff", 0.6: "#00ffff", 0.7: "#00ff00", 0.8: "#ffff00", 1.0: "#ff0000"}

#: Coverage pace shortfall: green = on course, then ever redder.
SHORTFALL_COLORS: list[str] = ["#1a9850", "#fed976", "#feb24c", "#fd8d3c", "#e31a1c", "#800026"]

#: A grid's staffing status on the responsibility map.
STATUS_COLORS: dict[str, str] = {
    "no_staff": "#d73027",
    "leader_vacant": "#fc8d59",
    "overloaded": "#fee08b",
    "ok": "#1a9850",
}

#: Household points: an ordinary household, and one that needs attention (due, vulnerable, the next stop).
POINT_COLOR = "#2166ac"
POINT_ATTENTION_COLOR = "#b2182b"
