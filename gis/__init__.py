"""Geometry: the GCJ-02/BD-09 datum, areas (point-in-polygon, parents, neighbors) and folium maps."""
