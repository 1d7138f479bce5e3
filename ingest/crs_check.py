"""Is a boundary file's CRS plausible for its coordinates and for the county? Name the likely mistake.

County GIS offices send CGCS2000 Gauss-Krüger files (EPSG:4513–4554) whose .prj does not match the
coordinates: eastings with the zone number in front (36 512 345) under a ".prj without zone number"
(CM 108E, false easting 500 000), or the reverse; coordinates of one central meridian labelled with
another (a 3° shift moves everything ~290 km); metres under a degree .prj (EPSG:4490/4326).
Transforming such a file gives polygons far away, or not-a-number coordinates that "repair" into
nothing. These checks run before anything is stored and refuse the file with one sentence that
names the likely problem and the EPSG code that fits.

Gauss-Krüger conventions (GB/T 17798, and the EPSG registry's CGCS2000 entries): 3° zone n has
its central meridian at 3n°E (zones 25–45 cover China, EPSG:4513–4533 with the zone number in the
false easting n·10⁶ + 500 000, EPSG:4534–4554 without it); 6° zone n at (6n − 3)°E (zones 13–23,
EPSG:4491–4501 and 4502–4512).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer

from i18n import Message
from vocabulary.areas import LEVELS

from .errors import ImportFailed

#: China's extent (lon/lat), for a Chinese CRS when nothing is stored yet to compare with
CHINA = (73.0, 3.0, 136.0, 54.0)
#: how far (degrees, ~10 km) outside the stored areas a new level may still start
MARGIN_DEG = 0.1


@dataclass(frozen=True)
class GaussKruger:
    """The Transverse Mercator parameters of a CRS: central meridian (°E), false easting (m), zone."""

    cm: float
    false_easting: float

    @property
    def zone(self) -> int:
        """The zone number carried in the false easting (0: none)."""
        return int(self.false_easting // 1_000_000)


def gauss_kruger(crs: CRS | None) -> GaussKruger | None:
    """The TM parameters of a projected CRS, or None when it is not Transverse Mercator.

    Parameters
    ----------
    crs : pyproj.CRS or None
        The file's CRS.

    Returns
    -------
    GaussKruger or None
        Central meridian (°E) and false easting (m), or None for no CRS, a geographic CRS or
        another projection.
    """
    if crs is None or not crs.is_projected:
        return None
    op = crs.coordinate_operation
    if op is None or "transverse mercator" not in op.method_name.lower():
        return None
    params = {p.name.lower(): p.value for p in op.params}
    cm = params.get("longitude of natural origin")
    fe = params.get("false easting")
    if cm is None or fe is None:
        return None
    return GaussKruger(float(cm), float(fe))


def _epsg_for(cm: float, zone_in_easting: bool, six: bool = False) -> str:
    """The CGCS2000 EPSG code of a 3° (or 6°) Gauss-Krüger CRS with this central meridian.

    Every 6° meridian (105°E, 111°E …) is also a 3° one, but with the zone number in the false
    easting the two differ (6° zone 18: 18 500 000; 3° zone 35: 35 500 000): ``six`` says which
    family the file's numbers belong to.

    Returns
    -------
    str
        ``"EPSG:n"`` (zone number in the false easting or not), or the words "a Gauss-Krüger CRS"
        when the meridian is no zone's over China.

    Examples
    --------
    >>> _epsg_for(108, True), _epsg_for(105, True, six=True), _epsg_for(105, False, six=True)
    ('EPSG:4524', 'EPSG:4496', 'EPSG:4507')
    """
    three_ok = cm % 3 == 0 and 75 <= cm <= 135
    six_ok = (cm + 3) % 6 == 0 and 75 <= cm <= 135
    if six_ok and (six or not three_ok):
        n = int((cm + 3) // 6)
        return f"EPSG:{4491 + n - 13}" if zone_in_easting else f"EPSG:{4502 + n - 13}"
    if three_ok:
        n = int(cm // 3)
        return f"EPSG:{4513 + n - 25}" if zone_in_easting else f"EPSG:{4534 + n - 25}"
    return "a Gauss-Krüger CRS"


def _six_zone(zone: int) -> bool:
    """Whether a zone number as written in eastings is a 6° zone's (13–23) rather than a 3° one's (25–45).

    Returns
    -------
    bool
    """
    return 13 <= zone <= 23


def _six_crs(gk: GaussKruger, name: str) -> bool:
    """Whether a Gauss-Krüger CRS is of the 6° family: by its zone number, else by its name.

    Returns
    -------
    bool
        True for a 6° zone number in the false easting, or no zone number and a name that does not
        say 3° ("3-degree", ESRI's "3_Degree").
    """
    if gk.zone:
        return _six_zone(gk.zone)
    n = name.lower().replace(" ", "")
    return "gauss" in n and "3-degree" not in n and "3_degree" not in n and (gk.cm + 3) % 6 == 0


def _zone_cm(zone: int) -> float | None:
    """The central meridian of a zone number as it appears in eastings (25–45: 3°, 13–23: 6°).

    Returns
    -------
    float or None
        Degrees east, or None for any other number.
    """
    if 25 <= zone <= 45:
        return 3.0 * zone
    if 13 <= zone <= 23:
        return 6.0 * zone - 3
    return None


def _swapped(minx: float, miny: float, maxx: float, maxy: float, crs: CRS | None) -> bool:
    """Whether the coordinates fit the CRS only with X and Y exchanged.

    Chinese surveying writes X for the northing and Y for the easting; a file written that way (or
    lat/lon in that order) has its northings where the eastings belong. Only a CRS whose X is east
    is considered: degrees with latitude beyond ±90 but within ±90 as X, or Gauss-Krüger "eastings"
    that are no easting of the CRS while the Y values are, and the X values are northings over China.

    Returns
    -------
    bool
    """
    if crs is None:
        return False
    if crs.is_geographic:
        return max(abs(miny), abs(maxy)) > 90 and max(abs(miny), abs(maxy)) <= 180 and max(abs(minx), abs(maxx)) <= 90
    gk = gauss_kruger(crs)
    if gk is None:
        return False

    def eastings(lo: float, hi: float) -> bool:
        base = gk.zone * 1_000_000
        return base < lo and hi < base + 1_000_000

    northings = 0 < minx and maxx < 6_200_000  # China lies between about 0.4 and 5.9 million metres north
    return not eastings(minx, maxx) and eastings(miny, maxy) and northings


def check_raw(bounds: np.ndarray, crs: CRS | None, source: str) -> None:
    """Checks on the coordinates as written in the file, against the CRS's own conventions.

    Parameters
    ----------
    bounds : (minx, miny, maxx, maxy) of the file's coordinates, in its CRS.
    crs : the file's CRS (None: no .prj).
    source : the file name in messages.

    Raises
    ------
    ImportFailed
        Naming the likely problem: coordinates that are not numbers, metres under a degree
        CRS, a Gauss-Krüger zone number in the eastings that the CRS does not expect (or the reverse).
    """
    at = f"{source}: "
    if not np.all(np.isfinite(bounds)):
        raise ImportFailed(key="ingest.crs.not_numbers", at=at)
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    name = crs.name if crs is not None else ""
    if _swapped(minx, miny, maxx, maxy, crs):
        raise ImportFailed(key="ingest.crs.axes_swapped", at=at, x=minx, y=miny, name=name)
    if crs is not None and crs.is_geographic:
        if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
            zone = int(minx // 1_000_000) if minx >= 1_000_000 else 0
            cm = _zone_cm(zone) if zone else None
            hint = (
                Message("ingest.crs.hint_zone", zone=zone, epsg=_epsg_for(cm, True, _six_zone(zone)))
                if cm
                else Message("ingest.crs.hint_gauss_kruger")
            )
            raise ImportFailed(key="ingest.crs.metres_as_degrees", at=at, x=minx, y=miny, name=name, hint=hint)
        return
    gk = gauss_kruger(crs)
    if gk is None:
        return
    x_zone = int(minx // 1_000_000) if minx >= 1_000_000 else 0
    x_zone_max = int(maxx // 1_000_000) if maxx >= 1_000_000 else 0
    cm_txt = f"{gk.cm:g}°E"
    if x_zone and gk.zone == 0:
        cm = _zone_cm(x_zone)
        fits = Message("ingest.crs.fits_zone", zone=x_zone, epsg=_epsg_for(cm, True, _six_zone(x_zone))) if cm else ""
        raise ImportFailed(
            key="ingest.crs.zone_unexpected", at=at, zone=x_zone, x=minx, cm=cm_txt, name=name, fits=fits
        )
    if gk.zone and not x_zone and maxx < 1_000_000:
        raise ImportFailed(
            key="ingest.crs.zone_missing",
            at=at,
            x=minx,
            zone=gk.zone,
            name=name,
            epsg=_epsg_for(gk.cm, False, _six_crs(gk, name)),
        )
    if gk.zone and x_zone and (x_zone != gk.zone or x_zone_max != gk.zone):
        cm = _zone_cm(x_zone)
        fits = Message("ingest.crs.fits", epsg=_epsg_for(cm, True, _six_zone(x_zone))) if cm else ""
        raise ImportFailed(key="ingest.crs.zone_mismatch", at=at, zone=x_zone, prj_zone=gk.zone, name=name, fits=fits)


def no_prj_hint(bounds: np.ndarray) -> Message | str:
    """What the coordinates of a file without a .prj look like: Gauss-Krüger with or without a zone number.

    Parameters
    ----------
    bounds : numpy.ndarray
        (minx, miny, maxx, maxy) of the file's coordinates.

    Returns
    -------
    i18n.Message or str
        A hint naming the zone's EPSG code, or the Gauss-Krüger family; "" when they look like neither.
    """
    if not np.all(np.isfinite(bounds)):
        return ""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if not (0 < miny and maxy < 6_200_000):  # northings over China
        return ""
    zone = int(minx // 1_000_000)
    cm = _zone_cm(zone)
    if cm is not None and int(maxx // 1_000_000) == zone:
        return Message("ingest.crs.no_prj_zone", zone=zone, x=minx, epsg=_epsg_for(cm, True, _six_zone(zone)))
    if 0 < minx and maxx < 1_000_000:
        return Message("ingest.crs.no_prj_gauss_kruger", x=minx, y=miny)
    return ""


def _inside(lon: np.ndarray, lat: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])


def check_location(
    points_xy: np.ndarray,
    lonlat: np.ndarray,
    crs: CRS | None,
    reference: tuple | None,
    reference_name: str,
    source: str,
) -> None:
    """After the transform: check the coordinates are possible and the level lies where the county is.

    Parameters
    ----------
    points_xy : (n, 2) a representative point of each feature, in the file's CRS.
    lonlat : (n, 2) the same points in WGS-84.
    crs : the file's CRS.
    reference : (minx, miny, maxx, maxy) in lon/lat of the areas already stored at the levels above
        (or below), or None when nothing is stored.
    reference_name : what the reference is, for messages (e.g. "village").

    Raises
    ------
    ImportFailed
        When no feature lies within :data:`MARGIN_DEG` of the reference (or, for a Chinese
        Gauss-Krüger CRS with nothing stored, in China), naming the central meridian that would fit.
    """
    if len(lonlat) == 0:
        return
    at = f"{source}: "
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    bad = ~(np.isfinite(lon) & np.isfinite(lat)) | (np.abs(lon) > 180) | (np.abs(lat) > 90)
    name = crs.name if crs is not None else "WGS-84"
    if bad.all():
        raise ImportFailed(key="ingest.crs.impossible", at=at, name=name)
    gk = gauss_kruger(crs)
    if reference is not None:
        box = (
            reference[0] - MARGIN_DEG,
            reference[1] - MARGIN_DEG,
            reference[2] + MARGIN_DEG,
            reference[3] + MARGIN_DEG,
        )
        level = Message(f"ingest.crs.level.{reference_name}") if reference_name in LEVELS else reference_name
        where: Message = Message("ingest.crs.where_stored", level=level)
    elif gk is not None:
        box, where = CHINA, Message("ingest.crs.where_china")
    else:
        return
    if _inside(lon[~bad], lat[~bad], box).any():
        return
    c_lon, c_lat = float(np.nanmedian(lon[~bad])), float(np.nanmedian(lat[~bad]))
    r_lon, r_lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    km = _km(c_lon, c_lat, r_lon, r_lat)
    if gk is not None:
        fit = _fitting_cm(points_xy, gk, box)
        if fit is not None and fit != gk.cm:
            epsg = _epsg_for(fit, gk.zone != 0, _six_crs(gk, name) and (fit + 3) % 6 == 0)
            raise ImportFailed(
                key="ingest.crs.wrong_meridian",
                at=at,
                fit=f"{fit:g}",
                where=where,
                cm=f"{gk.cm:g}",
                name=name,
                epsg=epsg,
            )
    raise ImportFailed(key="ingest.crs.far", at=at, name=name, lon=c_lon, lat=c_lat, where=where, km=km)


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km).

    Returns
    -------
    float
        Kilometres between (lon1, lat1) and (lon2, lat2), given in degrees.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _fitting_cm(points_xy: np.ndarray, gk: GaussKruger, box: tuple) -> float | None:
    """The central meridian (3° or 6° zones over China) under which the points land inside ``box``.

    Meridians are tried nearest to the file's own first.

    Returns
    -------
    float or None
        Degrees east, or None when no zone's meridian puts any point inside ``box``.
    """
    x, y = points_xy[:, 0], points_xy[:, 1]
    for cm in sorted(
        {3.0 * n for n in range(25, 46)} | {6.0 * n - 3 for n in range(13, 24)}, key=lambda c: abs(c - gk.cm)
    ):
        t = Transformer.from_crs(
            CRS.from_proj4(
                f"+proj=tmerc +lat_0=0 +lon_0={cm:g} +k=1 +x_0={gk.false_easting:.0f} +y_0=0 "
                "+ellps=GRS80 +units=m +no_defs"
            ),
            "EPSG:4326",
            always_xy=True,
        )
        lon, lat = t.transform(x, y)
        if _inside(np.asarray(lon), np.asarray(lat), box).any():
            return cm
    return None
