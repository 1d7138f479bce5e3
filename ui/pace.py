"""The coverage page's pace: the sentence, the map coloured by projected shortfall, the table's columns.

The sentence stands under the headline numbers; the pace columns sit in the coverage table.

The numbers are :func:`analytics.pace.pace` (what ``manage.py report pace`` prints); this module only
words and draws them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Mapping

import geopandas as gpd
import pandas as pd
import streamlit as st

from analytics import pace as P
from gis import maps
from gis.palette import NO_DATA_COLOR
from i18n import PCT_FORMAT, fmt_int, fmt_num, fmt_pct
from ui.common import t

if TYPE_CHECKING:
    import folium

#: The map colours: coverage (the page's own scale) or projected shortfall.
MODES = ("coverage", "shortfall")
PACE_TABLE_COLUMNS = ["pace_per_week", "projected", "shortfall", "needed_per_week"]
#: The shortfall column's width in pixels: "-12.3 个百分点" whole.
SHORTFALL_WIDTH = 120


def sentence(
    head: P.Headline,
    date_to: dt.date,
    benchmark: float,
    weeks: int,
    lang: str,
    since: dt.date | None = None,
) -> str | None:
    """The pace sentence under the headline numbers.

    For example "按近8周的进度（每周新走访 3 户），到 2026-12-31 预计覆盖率 91.3 %；每周需新走访 17 户
    （比现在多 14 户）".

    Parameters
    ----------
    head : analytics.pace.Headline
        The selected area's pace.
    date_to : datetime.date
        The period's last day (the projection's end).
    benchmark : float
        The coverage benchmark, a ratio 0–1.
    weeks : int
        The pace window, in weeks (rule ``pace_weeks``).
    lang : str
        ``"zh"`` or ``"en"``.
    since : datetime.date, optional
        The first day of a pace window shorter than ``weeks`` weeks (:func:`analytics.pace.window_start`:
        the period began later): the sentence then says the pace is that since the period began on
        this day, not that of the last ``weeks`` weeks, which it never saw. None: a full window.

    Returns
    -------
    str or None
        The sentence: not started yet; or the pace and projection followed by what is needed (too
        late, reached, on track, or so many more households a week). None when there is nothing to
        say (no households).
    """
    if not head.households:
        return None
    if head.pace_per_week is None:
        return t("pace.not_started", end=date_to.isoformat())
    text = t(
        "pace.sentence" if since is None else "pace.sentence_since",
        weeks=weeks,
        start="" if since is None else since.isoformat(),
        pace=fmt_num(head.pace_per_week, 1, lang),
        end=date_to.isoformat(),
        projected=fmt_pct(head.projected, lang),
    )
    if head.needed_per_week is None:
        return text + t("pace.too_late", benchmark=fmt_pct(benchmark, lang))
    if head.needed_per_week == 0:
        return text + t("pace.reached", benchmark=fmt_pct(benchmark, lang))
    extra = head.needed_per_week - head.pace_per_week
    if extra <= 0:
        return text + t("pace.on_track", benchmark=fmt_pct(benchmark, lang), needed=fmt_int(head.needed_per_week, lang))
    return text + t(
        "pace.needed",
        benchmark=fmt_pct(benchmark, lang),
        needed=fmt_int(head.needed_per_week, lang),
        extra=fmt_num(extra, 1, lang),
    )


def colour_choice(key: str) -> str:
    """The map's colouring, chosen with a radio.

    Parameters
    ----------
    key : str
        The radio's widget key.

    Returns
    -------
    str
        One of :data:`MODES`: ``"coverage"`` (the default, also for anything unknown) or ``"shortfall"``.
    """
    labels = {m: t(f"pace.mode.{m}") for m in MODES}  # worded now: format_func may run outside the script
    mode = st.radio(
        t("pace.colour_by"), MODES, horizontal=True, key=key, format_func=labels.__getitem__, persist_state="session"
    )
    return _known(mode)


def colour_held(key: str) -> str:
    """The map's colouring the radio of :func:`colour_choice` holds, before it is drawn in this run.

    Parameters
    ----------
    key : str
        The radio's widget key.

    Returns
    -------
    str
        One of :data:`MODES`, as :func:`colour_choice` will return it (``"coverage"`` before the radio
        was ever drawn).
    """
    return _known(st.session_state.get(key))


def _known(mode: Any) -> str:
    return mode if mode in MODES else "coverage"


def legend_items(lang: str) -> list[tuple[str, str]]:
    """The legend of the shortfall map.

    Parameters
    ----------
    lang : str
        ``"zh"`` or ``"en"`` (the labels are worded in the session's language).

    Returns
    -------
    list of (str, str)
        (colour, label) per class of :data:`analytics.pace.SHORTFALL_BINS`, on-track first, grey
        "no households" last.
    """
    bins, colors, _ = maps.shortfall_classes(P.SHORTFALL_BINS)
    items = [(colors[0], t("pace.legend.on_track"))]
    for i in range(1, len(colors)):
        lo, hi = bins[i], bins[i + 1]
        if i == len(colors) - 1:
            items.append((colors[i], t("pace.legend.above", low=_pts(max(lo, 0.0)))))
        else:
            items.append((colors[i], t("pace.legend.range", low=_pts(max(lo, 0.0)), high=_pts(hi))))
    items.append((NO_DATA_COLOR, t("legend.no_data")))
    return items


def _pts(v: float) -> str:
    return f"{v * 100:.0f}"


def shortfall_map(
    frame: gpd.GeoDataFrame, labels: Mapping[str, str], lang: str, tiles: str | None = None
) -> folium.Map:
    """The folium map of ``frame`` coloured by projected shortfall.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        :func:`analytics.coverage.map_frame` of the pace rows: ``code``, ``name``, ``coverage_text``,
        ``projected``, ``shortfall``, ``needed_per_week`` and the geometry (EPSG:4326).
    labels : Mapping of str to str
        The tooltip's column names (``name``, ``coverage``, ``projected``, ``shortfall``,
        ``needed_per_week``).
    lang : str
        ``"zh"`` or ``"en"``.
    tiles : str, optional
        The background tiles (as :func:`gis.maps.base_map` takes them); by default the county's
        :func:`gis.maps.tile_settings`.

    Returns
    -------
    folium.Map
        The areas coloured by shortfall (tooltip: coverage, projection, shortfall and what is needed)
        with the legend; only the legend when ``frame`` is empty.
    """
    g = frame.copy()
    g["projected_text"] = [fmt_pct(v, lang) for v in g["projected"]]
    g["needed_text"] = [fmt_int(v, lang) for v in g["needed_per_week"]]
    bins, colors, _ = maps.shortfall_classes(P.SHORTFALL_BINS)
    m = maps.base_map(bounds=g.total_bounds if len(g) else None, tiles=tiles)
    if len(g):
        maps.choropleth_layer(
            m,
            g,
            "shortfall",
            bins,
            colors,
            fields=["name", "coverage_text", "projected_text", "shortfall", "needed_text"],
            aliases=[
                labels["name"],
                labels["coverage"],
                labels["projected"],
                labels["shortfall"],
                labels["needed_per_week"],
            ],
            label_fn=lambda v: t("pace.points", value=f"{v * 100:.1f}"),
            key="code",
            no_data_color=NO_DATA_COLOR,
            no_data_label=t("legend.no_data"),
            name=t("pace.legend.title"),
        )
    maps.add_legend(m, t("pace.legend.title"), legend_items(lang))
    return m


def column_config(heads: Mapping[str, str], weeks: int, since: dt.date | None = None) -> dict[str, Any]:
    """Streamlit column settings of the pace columns in the coverage table.

    Parameters
    ----------
    heads : Mapping of str to str
        The column headings (``pace_per_week``, ``projected``, ``shortfall``, ``needed_per_week``).
    weeks : int
        The pace window, in weeks (for the help text).
    since : datetime.date, optional
        The first day of a window shorter than ``weeks`` weeks (the period began later): the pace's help
        then says "since the period began on …", as :func:`sentence` does. None: a full window.

    Returns
    -------
    dict of str to Any
        ``st.column_config`` settings per column name, for ``st.dataframe(column_config=…)``.
    """
    return {
        "pace_per_week": st.column_config.NumberColumn(
            heads["pace_per_week"],
            format="%.1f",
            help=t("pace.help.pace", weeks=weeks)
            if since is None
            else t("pace.help.pace_since", start=since.isoformat()),
        ),
        "projected": st.column_config.NumberColumn(
            heads["projected"], format=PCT_FORMAT, help=t("pace.help.projected")
        ),
        # a difference of two percentages: percentage points, as every page writes them; wide enough
        # for "12.3 个百分点" (the column's width follows the numbers alone and cut the unit)
        "shortfall": st.column_config.NumberColumn(
            heads["shortfall"],
            format=t("figure.points", delta="%.1f"),
            help=t("pace.help.shortfall"),
            width=SHORTFALL_WIDTH,
        ),
        "needed_per_week": st.column_config.NumberColumn(
            heads["needed_per_week"], format="localized", help=t("pace.help.needed")
        ),
    }


def as_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The coverage table as drawn: shares × 100.

    :func:`column_config` and the page write them "93.2 %", the shortfall in percentage points, so
    every page writes percentages one way.

    Parameters
    ----------
    table : DataFrame
        The coverage rows.

    Returns
    -------
    DataFrame
        A copy with ``coverage``, ``projected`` and ``shortfall`` (those present) as floats × 100.
    """
    out = table.copy()
    for c in ("coverage", "projected", "shortfall"):
        if c in out.columns:
            out[c] = out[c].astype(float) * 100
    return out


def table_order() -> list[str]:
    """The coverage table's columns with the pace: the projection right after today's coverage.

    Returns
    -------
    list of str
        The column names in the order shown.
    """
    return [
        "name",
        "coverage",
        "projected",
        "shortfall",
        "needed_per_week",
        "pace_per_week",
        "households",
        "visited",
        "trend",
        "code",
    ]


def with_pace(rows: pd.DataFrame, pace_rows: pd.DataFrame) -> pd.DataFrame:
    """The coverage rows with the pace columns beside them, worst projected shortfall first.

    Parameters
    ----------
    rows : DataFrame
        The coverage table's rows, one per ``code``.
    pace_rows : DataFrame
        :func:`analytics.pace.pace` of the same areas.

    Returns
    -------
    DataFrame
        ``rows`` with :data:`PACE_TABLE_COLUMNS` joined on ``code``, in
        :func:`analytics.pace.by_shortfall` order when both name the same areas (else in ``rows``' order).
    """
    out = rows.merge(pace_rows[["code"] + PACE_TABLE_COLUMNS], on="code", how="left")
    order = P.by_shortfall(pace_rows)["code"].tolist()
    return out.set_index("code").loc[order].reset_index() if set(order) == set(out["code"]) else out
