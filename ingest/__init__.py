"""Files in: reading CSV/XLSX/GeoJSON/SHP/GPKG, header aliases, validation, upserts, boundaries."""
