"""信访热点 — the county leader's question: "Where are petitions clustering, and is it getting worse?"

Headline numbers first (petitions in the period, located / unlocated, hot spots), then the map
(Gi* hot/cold spots, petitions per 1,000 households or the emerging pattern, with an optional
petition density layer) beside the hottest villages; selecting one lists its petitions. Below:
the monthly trend with Esri's emerging hot spot patterns, the full table (the numbers of
``manage.py report hotspots`` — the same function, analytics.reports.hotspots), repeat and
escalated petitions.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from analytics import export, petitions, reports
from analytics import hotspots as H
from auth import audit
from gis import maps
from gis.palette import PATTERN_COLORS
from i18n import bool_label, column_labels, fmt_date, fmt_int, fmt_num, fmt_pct, for_count, gi_bin_label
from store import db
from ui import common as C
from ui import downloads
from ui import shared
from ui import figures as F
from ui import warm
from ui.common import t
from ui import maps as UM
from ui.geo import boundaries_version, level_geometry
from ui.map_clicks import clicked_code
from ui.maps import heat_legend, rate_legend, render

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "hotspots_page"
#: The confidence of a Gi* bin (CONTRACT §4: ±3/±2/±1 for |z| ≥ 2.576/1.960/1.645).
CONFIDENCE = {1: 90, 2: 95, 3: 99}
MAP_HEIGHT = 520
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: a count in a table: the locale's thousands separators (1,946), as the other pages' tables write them
COUNT_FORMAT = "localized"


# ----------------------------------------------------------------------------- labels


def _trend_label(v: Any) -> str:
    return t(f"hotspots_page.trend.{v if v in ('increasing', 'decreasing') else 'no trend'}")


def _pattern_label(v: Any) -> str:
    return t(f"hotspots_page.pattern.{v if v in H.PATTERNS else 'none'}")


def _status_label(v: Any) -> str:
    return t(f"status.{v}") if isinstance(v, str) and v else "—"


def _level_reached_label(v: Any) -> str:
    if isinstance(v, str) and v.strip().lower() in ("county", "city", "province", "national"):
        return t(f"hotspots_page.level_reached.{v.strip().lower()}")
    return v if isinstance(v, str) else "—"


def _labels(cols) -> dict[str, str]:
    lang = C.lang()
    out = column_labels(cols, lang)
    for c in cols:
        key = f"hotspots_page.col.{c}"
        if out.get(c) == c and key in _catalog():
            out[c] = t(key)
    return out


def _catalog() -> dict[str, str]:
    from i18n import CATALOG

    return CATALOG[C.lang()]


# ----------------------------------------------------------------------------- sections


def _filters(options: pd.DataFrame, area: C.Area) -> dict[str, Any]:
    cats = options.loc[options["kind"] == "category", "value"].tolist()
    chans = options.loc[options["kind"] == "channel", "value"].tolist()
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([1.1, 2, 2, 2])
        levels = ("village", "grid")
        default = 1 if area.level in ("village", "grid") else 0
        level = c1.radio(
            t("hotspots_page.level"),
            levels,
            index=default,
            horizontal=True,
            format_func=lambda lv: t(f"level.{lv}"),
            key=f"{KEY}.level",
            persist_state="session",  # kept when the user leaves the page and comes back
        )
        categories = c2.multiselect(
            t("hotspots_page.categories"),
            cats,
            key=f"{KEY}.categories",
            persist_state="session",
            placeholder=t("hotspots_page.all"),
        )
        channels = c3.multiselect(
            t("hotspots_page.channels"),
            chans,
            key=f"{KEY}.channels",
            persist_state="session",
            placeholder=t("hotspots_page.all"),
        )
        group_only = c4.checkbox(
            t("hotspots_page.group_only"),
            key=f"{KEY}.group_only",
            persist_state="session",
            help=t("hotspots_page.group_only_help"),
        )
        unresolved_only = c4.checkbox(
            t("hotspots_page.unresolved_only"), key=f"{KEY}.unresolved_only", persist_state="session"
        )
        fdr = c4.toggle(
            t("hotspots_page.fdr"), key=f"{KEY}.fdr", persist_state="session", help=t("hotspots_page.fdr_help")
        )
    return {
        "level": level,
        "categories": list(categories),
        "channels": list(channels),
        "group_only": bool(group_only),
        "unresolved_only": bool(unresolved_only),
        "fdr": bool(fdr),
    }


def _metrics(
    pets: pd.DataFrame,
    view: pd.DataFrame,
    level: str,
    overdue_n: int,
    repeats_n: int,
    escalated_n: int,
    show_unlocated: bool,
    filtered: bool,
) -> None:
    """The headline: the figures shared with the other pages under their one name (ui/figures.py;
    another name while a filter is on), then the hotspot page's own."""
    lang = C.lang()
    total = len(pets)
    located = int(pets["village_code"].notna().sum()) if total else 0
    hot_n = int((view["gi_bin"] > 0).sum())
    cold_n = int((view["gi_bin"] < 0).sum())
    c = st.columns(4)
    F.metric(c[0], "petitions_received", total, name=F.label("petitions_received_filtered") if filtered else None)
    c[1].metric(
        t("hotspots_page.metric.located"),
        fmt_int(located, lang),
        delta=t("hotspots_page.metric.located_share", pct=fmt_pct(located / total if total else None, lang)),
        delta_color="off",
        delta_arrow="off",
    )
    if show_unlocated:  # unlocated petitions belong to no township: shown county-wide only
        F.metric(
            c[2],
            "petitions_unlocated",
            total - located,
            name=t("hotspots_page.metric.unlocated_filtered") if filtered else None,
        )
    c[3].metric(
        # the level as running text's plural ("Hot spots (villages)", was "(Village)"); one cold spot singular
        t("hotspots_page.metric.hot_areas", level=t(f"level.nouns.{level}")),
        fmt_int(hot_n, lang),
        delta=t(for_count("hotspots_page.metric.cold_delta", cold_n), n=fmt_int(cold_n, lang)),
        delta_color="off",
        delta_arrow="off",
        help=t("hotspots_page.metric.hot_help"),
    )
    d = st.columns(4)
    F.metric(d[0], "petitions_overdue", overdue_n, name=F.label("petitions_overdue_filtered") if filtered else None)
    # the repeats are found among all the range's petitions (the filters do not apply: said so while one is
    # on); the escalated ones are the filtered petitions'
    F.metric(
        d[1],
        "petitions_repeat",
        repeats_n,
        days=H.repeat_days(C.con()),
        name=t("hotspots_page.metric.repeat_unfiltered") if filtered else None,
    )
    d[2].metric(t(f"hotspots_page.metric.escalated{'_filtered' if filtered else ''}"), fmt_int(escalated_n, lang))


def _map(
    gdf: gpd.GeoDataFrame, view: pd.DataFrame, classes: pd.DataFrame, pets: pd.DataFrame, level: str, key: tuple
) -> str | None:
    """Draw the map, rendered once for every session asking for the same (ui/shared.py ``drawn``); returns
    the code of a clicked area (or None).

    ``key`` is ``(read_at, …)``: the version the figures were read at (read before them: a map is never
    kept under an older version than what it shows), then everything else the figures depend on — the
    area, period, filters, level and the emerging classes' stamp (:func:`main`)."""
    lang = C.lang()
    modes = ("gi", "rate", "emerging")
    c1, c2 = st.columns([3, 2])
    mode = c1.radio(
        t("hotspots_page.map_mode"),
        modes,
        horizontal=True,
        key=f"{KEY}.mode",
        persist_state="session",
        format_func=lambda m: t(f"hotspots_page.mode.{m}"),
    )
    heat = c2.toggle(
        t("hotspots_page.heat"), key=f"{KEY}.heat", persist_state="session", help=t("hotspots_page.heat_help")
    )
    read_at, *figures = key
    drawn = shared.drawn(
        read_at,
        "hotspots_page.map",
        lambda: _build_map(gdf, view, classes, pets, mode, heat),
        *figures,
        mode,
        heat,
        lang,
        boundaries_version(),
        UM.static_url_prefix(),
    )
    if drawn is None:
        st.info(t("hotspots_page.map.no_geometry"))
        return None
    out = render(
        drawn, key=f"{KEY}.map.{level}.{mode}.{int(heat)}", height=MAP_HEIGHT, returned_objects=["last_active_drawing"]
    )
    st.caption(t("hotspots_page.map.click_hint"))
    return clicked_code(out)


def _build_map(
    gdf: gpd.GeoDataFrame, view: pd.DataFrame, classes: pd.DataFrame, pets: pd.DataFrame, mode: str, heat: bool
) -> UM.Drawn | None:
    """The hotspots map of ``mode`` (Gi* classes, rate per 1,000 or emerging patterns), with the density
    layer when ``heat``, rendered (:func:`ui.maps.drawn`); None when no area of ``view`` has a shape."""
    lang = C.lang()
    g = gdf.merge(view, on=["code"], how="inner", suffixes=("_geo", ""))
    if g.empty:
        return None
    g = gpd.GeoDataFrame(g, geometry="geometry", crs=gdf.crs)
    g["pattern"] = g["code"].map(classes["pattern"]).fillna("none") if len(classes) else "none"
    g["gi_label"] = [gi_bin_label(b, lang) for b in g["gi_bin"]]
    g["pattern_label"] = [_pattern_label(p) for p in g["pattern"]]
    g["per_1000_text"] = [fmt_num(v, 2, lang) for v in g["per_1000"]]
    fields = ["name", "petitions", "per_1000_text", "gi_z", "gi_label", "pattern_label"]
    aliases = [
        t("col.name"),
        t("col.petitions"),
        t("col.per_1000"),
        t("col.gi_z"),
        t("hotspots_page.col.gi_label"),
        t("hotspots_page.col.pattern"),
    ]
    m = maps.base_map(bounds=g.total_bounds)
    if mode == "gi":
        cls = maps.gi_classes()
        maps.choropleth_layer(
            m, g, "gi_bin", cls.bins, cls.colors, fields=fields, aliases=aliases, name=t("hotspots_page.mode.gi")
        )
        items = [(maps.GI_COLORS[b], gi_bin_label(b, lang)) for b in range(3, -4, -1)]
        maps.add_legend(m, t("legend.hotspots"), items)
    elif mode == "rate":
        rate = maps.rate_classes(H.rate_breaks(g["per_1000"]))
        maps.choropleth_layer(
            m, g, "per_1000", rate.bins, rate.colors, fields=fields, aliases=aliases, name=t("hotspots_page.mode.rate")
        )
        maps.add_legend(m, t("legend.per_1000"), rate_legend(rate, lang))
    else:
        present = [p for p in H.PATTERNS if p in set(g["pattern"])]
        if len(present) > 7:  # at most seven classes: the rarest patterns are drawn as "none"
            counts = g["pattern"].value_counts()
            keep = [p for p in counts.index if p != "none"][:6]
            g.loc[~g["pattern"].isin(keep), "pattern"] = "none"
            present = [p for p in H.PATTERNS if p in set(g["pattern"])]
        g["pattern_i"] = [present.index(p) for p in g["pattern"]]
        bins = [i - 0.5 for i in range(len(present) + 1)]
        colors = [PATTERN_COLORS[p] for p in present]
        maps.choropleth_layer(
            m, g, "pattern_i", bins, colors, fields=fields, aliases=aliases, name=t("hotspots_page.mode.emerging")
        )
        maps.add_legend(
            m, t("hotspots_page.legend.emerging"), [(PATTERN_COLORS[p], _pattern_label(p)) for p in present]
        )
    if heat:
        pts = pets[pets["village_code"].notna() & pets["lon"].notna() & pets["lat"].notna()]
        if len(pts):
            maps.heat_layer(m, pts, radius=12, blur=12, name=t("hotspots_page.map.heat_layer"))
            maps.add_legend(m, t("hotspots_page.map.heat_layer"), heat_legend(lang))
    return UM.drawn(m)


def _hottest(hot_list: pd.DataFrame, level: str, min_count: int) -> str | None:
    """The hottest list; returns the code of the selected row (or None)."""
    lang = C.lang()
    levels = t(f"level.nouns.{level}")
    # a ranking by z lists the least cold areas when none is hot: then it says so, in its title too
    no_hot = not (hot_list["gi_bin"] > 0).any()
    title = "hotspots_page.hottest.title_no_hot" if no_hot and len(hot_list) else "hotspots_page.hottest.title"
    st.subheader(t(title, levels=levels))
    st.caption(t("hotspots_page.hottest.min_count", n=min_count))
    if hot_list.empty:
        st.info(t("hotspots_page.hottest.empty"))
        return None
    if no_hot:
        st.info(t("hotspots_page.hottest.no_hot", levels=levels))
    show = hot_list.copy()
    # the confidence alone ("99 %"): the whole class name did not fit beside the map
    show["gi_confidence"] = [f"{CONFIDENCE[int(b)]} %" if b > 0 else gi_bin_label(b, lang) for b in show["gi_bin"]]
    show["count_trend"] = [_trend_label(v) for v in show["count_trend"]]
    show["pattern"] = [_pattern_label(p) for p in show["pattern"]]
    # the ranking's own figures (Gi* z, its confidence) next to the name: on a phone the table shows its
    # first columns, and the ranking was off-screen to the right
    cols = ["rank", "name", "gi_z", "gi_confidence", "petitions", "per_1000", "count_trend", "pattern", "overdue_count"]
    show = show[cols]
    heads = _labels(cols)
    # counts with the locale's separators (1,946), as every page's tables (a rank needs none)
    small = {
        c: st.column_config.NumberColumn(heads[c], width="small", format=None if c == "rank" else COUNT_FORMAT)
        for c in ("rank", "petitions", "overdue_count")
    }
    ev = st.dataframe(
        show.rename(columns=heads),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"{KEY}.hottest.{level}",
        column_config={
            heads["per_1000"]: st.column_config.NumberColumn(format="%.2f"),  # its heading whole (每千户信访…)
            heads["gi_z"]: st.column_config.NumberColumn(format="%.2f", width="small"),
            **{heads[c]: v for c, v in small.items()},
        },
    )
    st.caption(t("hotspots_page.hottest.patterns_why"))
    row = C.ticked_row(ev, len(hot_list))  # one ticked in a longer list (before a filter): none
    return str(hot_list["code"].iloc[row]) if row is not None else None


def _petition_table(df: pd.DataFrame, overdue_mask: pd.Series | None = None, key: str = "") -> None:
    lang = C.lang()
    show = df.copy()
    show["status"] = [_status_label(s) for s in show["status"]]
    show["level_reached"] = [_level_reached_label(v) for v in show["level_reached"]]
    cols = ["id", "received_on", "category", "channel", "people", "status", "replied_on", "closed_on"]
    if overdue_mask is not None:
        show["overdue"] = [bool_label(v, lang) for v in overdue_mask.reindex(show.index).fillna(False).astype(bool)]
        cols.append("overdue")
    cols += ["level_reached", "village_name", "grid_name", "household_code"]
    show = show[cols].copy()
    for c in ("received_on", "replied_on", "closed_on"):
        show[c] = [fmt_date(v, lang) for v in show[c]]
    for c in ("category", "channel", "village_name", "grid_name", "household_code"):
        show[c] = show[c].astype(object).where(show[c].notna(), "—")
    st.dataframe(show.rename(columns=_labels(cols)), hide_index=True, width="stretch", key=key or None)


def _pattern_legend() -> None:
    rows = []
    for p in H.PATTERNS:
        rows.append(
            f"<tr><td><span style='display:inline-block;width:14px;height:14px;border:1px solid #999;"
            f"background:{PATTERN_COLORS[p]}'></span></td>"
            f"<td style='padding:0 8px'><b>{html.escape(_pattern_label(p))}</b></td>"
            f"<td>{html.escape(t(f'hotspots_page.meaning.{p}'))}</td></tr>"
        )
    st.markdown(f"<table style='font-size:0.85rem'>{''.join(rows)}</table>", unsafe_allow_html=True)


def _trend_tab(em: H.Emerging, view_codes: list[str], names: pd.Series, level: str, end: dt.date) -> None:
    lang = C.lang()
    months = em.months
    st.caption(t("hotspots_page.trend.window", start=months[0].isoformat(), end=end.isoformat()))
    counts = em.counts.reindex(view_codes).fillna(0).astype(int)
    total = counts.sum(axis=0)
    trend = H.mann_kendall(total.to_numpy(dtype=float))[0]
    st.markdown(f"**{t('hotspots_page.trend.chart')}** · {t('hotspots_page.trend.county', trend=_trend_label(trend))}")
    chart = pd.DataFrame(
        {t("col.petitions"): total.to_numpy()},
        index=pd.Index([t("format.month", year=m.year, month=m.month) for m in months], name=t("col.month")),
    )
    st.bar_chart(chart, height=220, sort=False)  # the months in the order of time, not of their names
    st.markdown(f"**{t('hotspots_page.trend.patterns_title', level=t(f'level.noun.{level}'))}**")
    cls = em.classes.reindex(view_codes)
    table = pd.DataFrame(
        {
            "name": names.reindex(view_codes).to_numpy(),
            "pattern": [_pattern_label(p) for p in cls["pattern"].fillna("none")],
            "count_trend": [_trend_label(v) for v in cls["count_trend"]],
            "monthly": [list(map(int, r)) for r in counts.to_numpy()],
            "petitions": counts.sum(axis=1).to_numpy(),
            "_order": [
                H.PATTERNS.index(p) if p in H.PATTERNS else len(H.PATTERNS) for p in cls["pattern"].fillna("none")
            ],
        }
    )
    table = table.sort_values(["_order", "petitions"], ascending=[True, False]).drop(columns="_order")
    if (cls["pattern"].fillna("none") == "none").all():
        st.info(t("hotspots_page.trend.no_patterns"))
    labels = _labels(list(table.columns))
    st.dataframe(
        table.rename(columns=labels),
        hide_index=True,
        width="stretch",
        column_config={
            labels["monthly"]: st.column_config.BarChartColumn(y_min=0),
            labels["petitions"]: st.column_config.NumberColumn(format=COUNT_FORMAT),
        },
        key=f"{KEY}.patterns.{level}",
    )
    with st.expander(t("hotspots_page.trend.legend_title"), expanded=True):
        _pattern_legend()
    _ = lang


@dataclass(frozen=True)
class Below:
    """What the tabs below the map show (computed once by the page, passed to :func:`_tabs`)."""

    view: pd.DataFrame
    level: str
    em: H.Emerging
    end: dt.date
    pets: pd.DataFrame
    od: pd.Series
    repeats: pd.DataFrame
    rdays: int
    esc: pd.DataFrame
    area_code: str | None
    date_from: dt.date
    date_to: dt.date


def _repeats_tab(b: Below) -> None:
    """The repeat petitions of the range (``b.repeats``) as a table, with what they repeat."""
    lang = C.lang()
    st.caption(t("hotspots_page.repeats.caption", days=b.rdays))
    if b.repeats.empty:
        st.info(t("hotspots_page.repeats.empty"))
        return
    show = b.repeats.copy()
    show["status"] = [_status_label(s) for s in show["status"]]
    for c in ("received_on", "previous_on"):
        show[c] = [fmt_date(v, lang) for v in show[c]]
    show["village_name"] = show["village_name"].astype(object).where(show["village_name"].notna(), "—")
    cols = [
        "id",
        "received_on",
        "household_code",
        "category",
        "status",
        "previous_id",
        "previous_on",
        "previous_category",
        "days_between",
        "village_name",
    ]
    st.dataframe(show[cols].rename(columns=_labels(cols)), hide_index=True, width="stretch", key=f"{KEY}.repeats")


def _escalated_tab(b: Below) -> None:
    """The petitions of the range that went beyond the county (``b.esc``), overdue flags as above."""
    st.caption(t("hotspots_page.escalated.caption"))
    if b.esc.empty:
        st.info(t("hotspots_page.escalated.empty"))
        return
    late = pd.Series(b.od.to_numpy(bool), index=b.pets["id"].to_numpy())  # the same flags as above
    _petition_table(
        b.esc,
        pd.Series(b.esc["id"].map(late).fillna(False).to_numpy(bool), index=b.esc.index),
        key=f"{KEY}.escalated",
    )


@st.fragment
def _tabs(b: Below, scope: list[str] | None, today: dt.date) -> None:
    """The trend, the full table, repeat and escalated petitions and the escalation watch-list, as tabs.

    A fragment: choosing a tab reruns the tabs alone. The repeat and escalated petitions and the
    watch-list (its own work, cached per data version) are drawn only while their tab is open: a
    county's repeats alone were 6,133 rows, 1.0 MB sent with every view of the page whether its tab
    was opened or not (BENCHMARKS.md, "Sixteenth session: big pages").
    """
    lang = C.lang()
    con = C.con()
    view, level = b.view, b.level
    names = view.set_index("code")["name"]
    tabs = st.tabs(
        [
            t("hotspots_page.tab.trend"),
            t("hotspots_page.tab.table"),
            t("hotspots_page.tab.repeats"),
            t("hotspots_page.tab.escalated"),
            t("watch.tab"),
        ],
        key=f"{KEY}.tabs",
        on_change="rerun",
    )
    with tabs[0]:
        _trend_tab(b.em, view["code"].tolist(), names, level, b.end)
    with tabs[1]:
        st.caption(t("hotspots_page.table.caption", level=t(f"level.noun.{level}")))
        labels = column_labels(reports.HOTSPOT_COLUMNS, lang)
        shown = view.assign(gi_bin=[gi_bin_label(b, lang) for b in view["gi_bin"]])  # words, not -3 … 3
        st.dataframe(
            shown.rename(columns=labels),
            hide_index=True,
            width="stretch",
            key=f"{KEY}.table.{level}",
            column_config={
                labels["households"]: st.column_config.NumberColumn(format=COUNT_FORMAT),
                labels["petitions"]: st.column_config.NumberColumn(format=COUNT_FORMAT),
                labels["per_1000"]: st.column_config.NumberColumn(format="%.2f"),
                labels["gi_z"]: st.column_config.NumberColumn(format="%.4f"),
                labels["gi_p"]: st.column_config.NumberColumn(format="%.4f"),
            },
        )
        sheet = t("nav.hotspots")
        downloads.button(
            t("export.xlsx"),
            lambda: export.to_xlsx_bytes({sheet: view}, labels),
            file_name=f"hotspots_{level}_{b.date_from.isoformat()}_{b.date_to.isoformat()}.xlsx",
            mime=XLSX_MIME,
            key=f"{KEY}.xlsx",
            audit=(
                b.area_code,
                audit.detail_line("hotspots_export", level=level, start=b.date_from, end=b.date_to, fmt="xlsx"),
            ),
        )
    with tabs[2]:
        if tabs[2].open:
            _repeats_tab(b)
    with tabs[3]:
        if tabs[3].open:
            _escalated_tab(b)
    with tabs[4]:
        if tabs[4].open:
            from ui import watch

            watch.tab(warm.stamp(con), scope, today)


# ----------------------------------------------------------------------------- the page


def main() -> None:
    lang = C.lang()
    con = C.con()
    sc = C.scope()
    area = C.selected_area()
    date_from, date_to = C.selected_period()
    today = C.today()

    st.title(t("hotspots_page.title"))
    st.caption(
        t("hotspots_page.question")
        + " · "
        + t("hotspots_page.period", start=date_from.isoformat(), end=date_to.isoformat())
    )
    options = db.df(con, "hotspots_page_options")
    f = _filters(options, area)
    level = f["level"]
    if area.level == "grid":
        level = "grid"
    flt = {k: f[k] for k in ("categories", "channels", "group_only", "unresolved_only")}

    level_col = "village_code" if level == "village" else "grid_code"
    area_code = area.code if area.code is not None and area.level != "county" else None
    # the data's version read once for the figures (two queries, not one per shared call), before them: the
    # map made of them is kept under it (_map)
    with st.spinner(t("progress.working")), shared.one_version(con):
        read_at = shared.key(con, shared.NO_VISITS)
        hot = shared.call(con, reports.hotspots, level, date_from, date_to, fdr=f["fdr"], scope=sc, **flt)
        if area_code is not None:
            inside = set(db.df(con, "area_children", level=level, parent=area_code, scope=sc)["code"])
            view = hot[hot["code"].isin(inside)].reset_index(drop=True)
        else:
            view = hot
        if not view.empty:
            pets = shared.call(con, H.petitions, date_from, date_to, scope=sc, area=area_code, **flt)
            # the overdue flags from the petitions of the county's work list (shared under the version
            # without visits: a saved visit does not compute them again)
            od = H.overdue(con, pets, today, every=shared.call(con, petitions.petition_items, today))
            overdue_counts = (
                pets.loc[od.to_numpy(bool)].groupby(level_col).size() if len(pets) else pd.Series(dtype=int)
            )
            rdays = H.repeat_days(con)
            repeats = shared.call(con, H.repeat_petitions, date_from, date_to, rdays, scope=sc, area=area_code)
    if view.empty:
        st.info(t("hotspots_page.empty.no_areas", level=t(f"level.noun.{level}")))
        return
    esc = H.escalated(pets)
    show_unlocated = area_code is None and H.county_wide(con, sc)
    filtered = bool(f["categories"] or f["channels"] or f["group_only"] or f["unresolved_only"])
    _metrics(pets, view, level, int(od.sum()), len(repeats), len(esc), show_unlocated, filtered)

    end = min(date_to, today)
    stamp = warm.stamp(con)
    with st.spinner(t("hotspots_page.working_emerging")):  # warmed at start for the defaults
        em = warm.emerging(
            str(C.db_path()),
            stamp,
            level,
            end,
            f["fdr"],
            tuple(f["categories"]),
            tuple(f["channels"]),
            f["group_only"],
            f["unresolved_only"],
        )
    min_count = int(db.rule(con, "hotspot_min_count"))
    hot_list = H.hottest_list(view, min_count, em.classes, overdue_counts, n=10)

    sel_key = f"{KEY}.selected"
    left, right = st.columns([1, 1])
    with left:
        gdf = level_geometry(level)
        filters = tuple(tuple(v) if isinstance(v, list) else v for v in flt.values())
        map_key = (read_at, level, area_code, date_from, date_to, f["fdr"], filters, stamp)
        clicked = _map(gdf, view, em.classes, pets, level, map_key)
        last_click_key = f"{KEY}.last_click"
        if clicked and clicked != st.session_state.get(last_click_key) and clicked in set(view["code"]):
            st.session_state[sel_key] = clicked
        st.session_state[last_click_key] = clicked
    with right:
        picked = _hottest(hot_list, level, min_count)
        last_pick_key = f"{KEY}.last_pick"
        if picked and picked != st.session_state.get(last_pick_key):
            st.session_state[sel_key] = picked
        st.session_state[last_pick_key] = picked

    sel = st.session_state.get(sel_key)
    if sel not in set(view["code"]):
        sel = None
    if sel is None:
        st.caption(t("hotspots_page.selected.none"))
    else:
        name = str(view.loc[view["code"] == sel, "name"].iloc[0])
        mine = pets[pets[level_col] == sel]
        c1, c2 = st.columns([5, 1])
        c1.subheader(t("hotspots_page.selected.title", name=name, n=fmt_int(len(mine), lang)))
        if c2.button(t("hotspots_page.selected.clear"), key=f"{KEY}.clear"):
            st.session_state.pop(sel_key, None)
            st.rerun()
        _petition_table(mine, od, key=f"{KEY}.selected_table")

    _tabs(
        Below(view, level, em, end, pets, od, repeats, rdays, esc, area_code, date_from, date_to),
        C.area_scope(area),
        today,
    )


main()
