#!/usr/bin/env bash
# Fetch the front-end files that folium maps need from the npm registry and put
# them under static/vendor/<package>/, licences kept.  No CDN is ever used at
# run time: gis/maps.py points folium at /app/static/vendor/... and Streamlit
# serves static/ itself (server.enableStaticServing = true).
#
# The committed files under static/vendor/ are what the app uses; this script
# documents where they came from and repeats the fetch.  Run from the repo root:
#     bash scripts/vendor_assets.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# fetch NAME@VERSION DIR PATH... : npm pack, then copy the listed paths
# (relative to the package root) into static/vendor/DIR/.
fetch() {
    local spec="$1" dir="$2"; shift 2
    local work="$TMP/$dir"
    mkdir -p "$work" "$DEST/$dir"
    (cd "$work" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz)
    for p in "$@"; do
        mkdir -p "$DEST/$dir/$(dirname "$p")"
        cp -R "$work/package/$p" "$DEST/$dir/$p"
    done
    echo "$spec" > "$DEST/$dir/VERSION"
}

# Leaflet itself: the only file a plain map needs (plus its CSS and marker images).
fetch leaflet@1.9.3 leaflet LICENSE dist/leaflet.js dist/leaflet.css dist/images
# jQuery: folium uses it only for Map(..., keep_in_front) ($(document).ready).
fetch jquery@3.7.1 jquery LICENSE.txt dist/jquery.min.js
# folium.Icon (L.AwesomeMarkers) with Font Awesome glyphs.
fetch leaflet.awesome-markers@2.0.5 leaflet.awesome-markers LICENSE \
    dist/leaflet.awesome-markers.js dist/leaflet.awesome-markers.css dist/images
fetch @fortawesome/fontawesome-free@6.2.0 fontawesome-free LICENSE.txt \
    css/all.min.css webfonts/fa-solid-900.woff2 webfonts/fa-regular-400.woff2 \
    webfonts/fa-brands-400.woff2 webfonts/fa-v4compatibility.woff2
# folium.plugins.MarkerCluster
fetch leaflet.markercluster@1.1.0 leaflet.markercluster MIT-LICENCE.txt \
    dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css
# folium.plugins.HeatMap
fetch leaflet.heat@0.2.0 leaflet.heat LICENSE dist/leaflet-heat.js

# streamlit-folium's front end (the map's frame), from the installed wheel at the version requirements.txt
# pins (not on npm): ui/maps.py loads the component's frame from here. Streamlit serves a component's own
# files with no lifetime and no Last-Modified, so every new map's frame downloaded its script again; a
# static file has a Last-Modified and the browser keeps it (ui/maps.py _declare_frontend).
# Its MIT licence (not in the wheel) is committed beside it as LICENSE.
SF="$("${PYTHON:-$ROOT/.venv/bin/python}" -c 'import os, streamlit_folium as s; print(os.path.dirname(s.__file__))')"
SFV="$("${PYTHON:-$ROOT/.venv/bin/python}" -c 'import importlib.metadata as m; print(m.version("streamlit-folium"))')"
rm -rf "$DEST/streamlit-folium/static"
mkdir -p "$DEST/streamlit-folium/static/js"
cp "$SF/frontend/build/index.html" "$DEST/streamlit-folium/"
cp "$SF"/frontend/build/static/js/main.*.js "$SF"/frontend/build/static/js/main.*.js.LICENSE.txt \
    "$DEST/streamlit-folium/static/js/"
echo "streamlit-folium@$SFV" > "$DEST/streamlit-folium/VERSION"

# folium's own small CSS for rotated awesome markers is shipped in the folium
# wheel's repository only, not on npm; gis/maps.py writes the same two rules
# inline instead, so nothing is fetched for it.
echo "vendored into $DEST"
