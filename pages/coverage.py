"""走访覆盖 — the street / township office's question: "Which grids are behind on visits, and who lives there?"

Headline numbers (with the benchmark beside them), a choropleth of the selected area's children
with a table beside it, then the households due for a visit. A click on the map or a table row
drills down; the sidebar breadcrumb goes back up. The numbers are those of
``manage.py report coverage`` / ``report unvisited`` (analytics.reports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import pandas as pd
import streamlit as st

from analytics import coverage as CP
from analytics import export
from analytics import pace as P
from analytics.reports import VISIT_KINDS
from auth import audit
from auth.masking import can_see_personal, masking_key
from gis import maps
from i18n import PCT_FORMAT, column_labels, fmt_int, fmt_list, fmt_pct
from store import db
from ui import common as C
from ui import downloads, shared
from ui import figures as F
from ui.common import t
from ui import maps as UM
from ui import pace as UP
from ui.geo import boundaries_version, level_geometry
from ui.map_clicks import clicked_code

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "coverage_page"
MAP_HEIGHT = 520
DUE_PAGE_WIDTH = 220  # pixels: the due list's page number
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ----------------------------------------------------------------------------- drill down


def handle_click(
    result: Mapping[str, Any] | None, allowed: Iterable[str] | None = None, frame: Any = None
) -> str | None:
    """Drill down to the area a map click points at.

    Parameters
    ----------
    result : what streamlit-folium returned (``{"last_active_drawing": feature}`` or
        ``{"last_object_clicked": {"lat": …, "lng": …}}``).
    allowed : the codes drawn on the map (a click elsewhere, or on the current area, is ignored).
    frame : the drawn polygons, to locate a plain lat/lng click.

    Returns
    -------
    The code selected with :func:`ui.common.set_area`, or None when nothing changed.
    """
    code = clicked_code(result, frame)
    if code is None:
        return None
    if allowed is not None and code not in set(allowed):
        return None
    if code == C.selected_area().code:
        return None
    C.set_area(code)
    return code if C.selected_area().code == code else None


# ----------------------------------------------------------------------------- exports


def export_line(
    what: str, fmt: str, level: str, date_from: dt.date, date_to: dt.date, kinds: Iterable[str], rows: int
) -> str:
    """The audit log's detail line for a download of the coverage page (auth.audit's ``coverage_export``).

    Parameters
    ----------
    what : str
        ``coverage`` (the table of areas) or ``due`` (the households due).
    fmt : str
        ``csv`` or ``xlsx``.
    level : str
        The rows' area level.
    date_from, date_to : datetime.date
        The period, both ends included.
    kinds : iterable of str
        The kinds of visit counted.
    rows : int
        The rows in the file.

    Returns
    -------
    str
        ``coverage_page WHAT FMT: level=… FROM..TO kinds=… rows=N``.
    """
    return audit.detail_line(
        "coverage_export",
        what=what,
        fmt=fmt,
        level=level,
        start=date_from,
        end=date_to,
        kinds=",".join(kinds),
        rows=rows,
    )


def _exports(
    what: str,
    frame: pd.DataFrame,
    base: str,
    sheet: str,
    stamp: str,
    area: str | None,
    detail: Callable[[str], str],
    lang: str,
) -> None:
    """CSV (the contract's columns and headers, as ``manage.py report … --format csv``) and XLSX
    (headers in the page's language) download buttons side by side (one row: no columns to lay out);
    each download is written to the audit log. The files are made only when a button is clicked, and
    a click never reruns the page (ui/downloads.py: every download works, however many in a row)."""
    labels = column_labels(frame.columns, lang)
    specs = (
        ("csv", "text/csv", lambda: export.to_csv_bytes(frame)),
        ("xlsx", XLSX_MIME, lambda: export.to_xlsx_bytes({sheet: frame}, labels)),
    )
    with st.container(horizontal=True, gap="small"):
        for fmt, mime, data in specs:
            downloads.button(
                t(f"coverage_page.export_{what}_{fmt}"),
                data,
                file_name=f"{base}-{stamp}.{fmt}",
                mime=mime,
                key=f"{KEY}.dl.{what}.{fmt}",
                audit=(area, detail(fmt)),
            )


# ----------------------------------------------------------------------------- the page


def _kinds() -> list[str]:
    kinds = st.multiselect(
        t("coverage.kinds"),
        list(VISIT_KINDS),
        default=["home"],
        format_func=lambda k: t(f"kind.{k}"),
        key=f"{KEY}.kinds",
        placeholder=t("pick.at_least_one"),
        persist_state="session",  # kept when the user leaves the page and comes back
    )
    if not kinds:
        st.warning(t("coverage_page.kinds_empty"))
        kinds = ["home"]
    return kinds


def main() -> None:
    lang = C.lang()
    con = C.con()
    sc = C.scope()
    st.title(t("coverage.title"))
    st.caption(t("coverage.question"))

    counts = db.execute(con, "coverage_page_counts").fetchone()
    if not counts or not counts[0] or not counts[1]:
        st.info(t("empty.no_boundaries"))
        return

    area = C.selected_area()
    date_from, date_to = C.selected_period()
    kinds = _kinds()
    today = C.today()
    as_of = min(date_to, today)
    days = int(db.rule(con, "revisit_days"))
    benchmark = float(db.rule(con, "benchmark_coverage"))

    with st.spinner(t("progress.working")), shared.one_version(con):
        # every figure shared between sessions until the next write (ui/shared.py); the headlines' rows
        # are those of the same arguments (derived: not hashed into the key). Each reads visits of the
        # area's households in the scope only: under its township's version (towns, migration 0025), a
        # visit saved in another township leaves them shared (None for the county: the whole version)
        towns = shared.townships(con, area.code, sc)
        read_at = shared.read_at(con, towns)
        level, rows = shared.call(con, CP.area_rows, area.code, area.level, date_from, date_to, kinds, sc, towns=towns)
        head = shared.call(
            con,
            CP.headline,
            area.code,
            area.level,
            date_from,
            date_to,
            kinds,
            sc,
            derived={"rows": rows},
            towns=towns,
        )
        due = shared.call(con, CP.due_households, area.code, as_of, days=days, scope=sc, user=C.user(), towns=towns)
        pace_end = max(C.period_end(), date_to)  # the pace projects to the period's end, even a future one
        pace_rows = shared.call(
            con, P.pace, level, date_from, pace_end, as_of, kinds, sc, parent=area.code, towns=towns
        )
        pace_head = shared.call(
            con,
            P.headline,
            area.code,
            area.level,
            date_from,
            pace_end,
            as_of,
            kinds,
            sc,
            derived={"rows": pace_rows},
            towns=towns,
        )
        view = View(
            area=area,
            level=level,
            level_name=t(f"level.noun.{level}"),  # inside the titles: "Coverage by village"
            # the language in the widget keys: Streamlit sizes a table's columns once, when it is first drawn,
            # and keeps those widths; a new key after a language switch has them measured afresh for the new
            # headings and cells (the Chinese widths cut "Coverag", "Household c…")
            suffix=f"{area.code}.{level}.{lang}.{st.session_state.get(f'{KEY}.nonce', 0)}",
            drill=level != area.level,
            date_from=date_from,
            date_to=date_to,
            as_of=as_of,
            pace_end=pace_end,
            read_at=read_at,
            kinds=kinds,
            benchmark=benchmark,
            days=days,
            pace_weeks=int(db.rule(con, "pace_weeks")),
            lang=lang,
        )
        # the map and the table made now, under this one spinner, before any of the view is drawn: the
        # view then reaches the browser at once, and the browser redraws the page once rather than once
        # per part as each part gets ready (BENCHMARKS.md, "Ninth session: a lighter coverage view").
        # The map's part takes its map from the shared cache (another colouring is made there).
        if len(rows):
            the_map(view, UP.colour_held(f"{KEY}.colour"), rows, pace_rows, due)

        def build_table() -> pd.DataFrame:  # the rows with their pace and trend, worst projected shortfall first
            trend = shared.call(con, CP.monthly_trend, level, area.code, as_of, kinds, sc, towns=towns)
            return CP.table_frame(UP.with_pace(rows, pace_rows), trend)

        # made once for every session asking for the same (ui/shared.py drawn): its rows are those of
        # the area, period and filters (the scope is in the key), the trend up to ``as_of``
        table_key = (area.code, area.level, level, date_from, date_to, as_of, pace_end, tuple(kinds))
        table = shared.drawn(read_at, "coverage_page.table", build_table, *table_key)

    st.caption(
        t(
            "coverage_page.period_caption",
            area=area.name,
            start=date_from.isoformat(),
            end=date_to.isoformat(),
            kinds=kinds_text(kinds),
        )
    )

    # --- headline numbers, the benchmark beside them (under the figures' one names: ui/figures.py;
    # counting other visit kinds than home visits is another figure, with another name)
    home_only = list(kinds) == ["home"]
    counted = kinds_text(kinds)
    row = st.container(horizontal=True, gap="medium")  # one row of five, as columns but lighter to draw
    F.metric(row, "households", head.households)
    F.metric(row, "visited", head.visited, name=None if home_only else F.label("visited_kinds", kinds=counted))
    F.metric(
        row,
        "coverage",
        head.coverage,
        benchmark=benchmark,
        name=None if home_only else F.label("coverage_kinds", kinds=counted),
    )
    row.metric(t("coverage_page.metric_benchmark"), fmt_pct(benchmark, lang), help=t("coverage_page.benchmark_help"))
    F.metric(row, "due", len(due), date=as_of.isoformat(), days=days)

    pace_line = UP.sentence(pace_head, pace_end, benchmark, view.pace_weeks, lang, since=view.pace_since)
    if pace_line:
        st.info(pace_line, icon=":material/trending_up:")
    if not counts[2]:
        st.info(t("empty.no_households"))

    map_col, table_col = st.columns([3, 2], gap="medium")
    with map_col:
        map_part(view, rows, pace_rows, due)
    with table_col:
        table_part(view, table, rows)
    due_part(view, due)


@dataclass(frozen=True)
class View:
    """What the parts of the page share: the area, level and period shown, and their settings."""

    area: C.Area
    level: str  # the level of the rows (the area's children, or the grid itself)
    level_name: str  # the level as a noun in a title (level.noun.*)
    suffix: str  # widget keys: new ones after a drill-down (a stale selection never sticks)
    drill: bool  # the map and table show children that can be opened
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    pace_end: dt.date  # the pace's projection ends on it
    read_at: tuple  # the version the figures were read at (ui/shared.py one_version)
    kinds: list
    benchmark: float
    days: int
    pace_weeks: int
    lang: str

    @property
    def pace_since(self) -> dt.date | None:
        """The first day of a pace window shorter than the rule's weeks (the period began later), else None.

        The pace sentence and the pace column's help then say "since the period began on …", not "over
        the last N weeks", which the window never saw (:func:`analytics.pace.window_start`).
        """
        since = P.window_start(self.date_from, self.as_of, self.pace_weeks)
        return None if (self.as_of - since).days + 1 >= 7 * self.pace_weeks else since


def drilled() -> None:
    """After a click selected another area: new widget keys and the whole page again (st.rerun from a
    fragment reruns the app: the area changed, so every figure does)."""
    st.session_state[f"{KEY}.nonce"] = st.session_state.get(f"{KEY}.nonce", 0) + 1
    st.rerun()


MAP_LABELS = (
    "name",
    "households",
    "visited",
    "coverage",
    "household_code",
    "head_name",
    "last_visit",
    "tags",
    "projected",
    "shortfall",
    "needed_per_week",
)


def map_frame(v: View, rows: pd.DataFrame, pace_rows: pd.DataFrame) -> Any:
    """The map's polygons with their numbers (:func:`analytics.coverage.map_frame` of the rows and their pace)."""
    return CP.map_frame(level_geometry(v.level), UP.with_pace(rows, pace_rows), v.lang)


def kinds_text(kinds: list[str]) -> str:
    """The kinds of visit counted, as the page words them (入户走访、电话)."""
    return fmt_list((t(f"kind.{k}") for k in kinds), C.lang())


def legend_title(kinds: list[str]) -> str:
    """The coverage legend's title: 入户覆盖率 for home visits, else the kinds counted, as the figure above is named."""
    if list(kinds) == ["home"]:
        return t("legend.coverage")
    return F.label("coverage_kinds", kinds=kinds_text(kinds))


def build_map(v: View, colour: str, rows: pd.DataFrame, pace_rows: pd.DataFrame, due: pd.DataFrame) -> tuple:
    """The map of the area's children coloured by ``colour``, rendered (what the shared cache keeps).

    Returns
    -------
    codes : list of str
        The areas drawn (empty: none of the rows has a polygon, and there is no map).
    drawn : ui.maps.Drawn or None
        The rendered map (:func:`ui.maps.drawn`), None without areas.
    """
    frame = map_frame(v, rows, pace_rows)
    if not len(frame):
        return [], None
    labels = column_labels(list(MAP_LABELS), v.lang)
    if colour == "shortfall":
        m = UP.shortfall_map(frame, labels, v.lang)
    else:
        m = UM.coverage_map(
            frame,
            maps.coverage_classes(v.benchmark),
            labels,
            due=due,
            lang=v.lang,
            legend_title=legend_title(v.kinds),
            points_name=t("coverage_page.points_layer"),
        )
    return frame["code"].tolist(), UM.drawn(m)


def map_key(v: View, colour: str) -> tuple:
    """Everything the map depends on besides the data, today and the user's scope (ui/shared.py
    ``drawn``): the area, period, filters and settings of the figures drawn, the colouring, the
    language, how the user's households are masked (:func:`auth.masking.masking_key`: the households' points are
    withheld where a user may not see them; two office accounts of one township share one map), the
    boundaries and the assets' URL.

    Returns
    -------
    tuple
        Hashable by Streamlit.
    """
    return (
        v.area.code,
        v.area.level,
        v.level,
        v.date_from,
        v.date_to,
        v.as_of,
        v.pace_end,
        tuple(v.kinds),
        v.days,
        v.benchmark,
        colour,
        v.lang,
        masking_key(C.user()),
        boundaries_version(),
        UM.static_url_prefix(),
    )


def the_map(v: View, colour: str, rows: pd.DataFrame, pace_rows: pd.DataFrame, due: pd.DataFrame) -> tuple:
    """:func:`build_map`, made once for every session asking for the same (ui/shared.py ``drawn``).

    Returns
    -------
    tuple
        ``(codes, drawn)`` as :func:`build_map` returns them.
    """
    return shared.drawn(
        v.read_at, "coverage_page.map", lambda: build_map(v, colour, rows, pace_rows, due), *map_key(v, colour)
    )


@st.fragment
def map_part(v: View, rows: pd.DataFrame, pace_rows: pd.DataFrame, due: pd.DataFrame) -> None:
    """The choropleth and its colouring; a fragment: switching the colouring, or a click that opens
    nothing, reruns the map alone. The map is rendered once for every session asking for the same
    (ui/shared.py ``drawn``). A click that opens an area is read before anything is drawn: the
    browser is sent nothing of a map about to be left."""
    colour = UP.colour_held(f"{KEY}.colour")  # what the radio below will return
    codes, drawn = the_map(v, colour, rows, pace_rows, due) if len(rows) else ([], None)

    def opened(result: Mapping[str, Any] | None) -> bool:
        # a click that opens an area; the polygons (for a plain lat/lng click) are made only for a click
        if not v.drill or not result or not any(result.values()):
            return False
        return handle_click(result, allowed=codes, frame=map_frame(v, rows, pace_rows)) is not None

    key = f"{KEY}.map.{colour}.{v.suffix}"
    if drawn is not None and opened(st.session_state.get(key)):
        # a click on the map runs this fragment with the click already in the session (streamlit-folium
        # keeps its value under our key): the area it opens, without drawing this map again first
        drilled()
    st.subheader(t("coverage_page.map_title", level=v.level_name))
    UP.colour_choice(f"{KEY}.colour")
    if not len(rows):
        st.info(t("coverage_page.no_rows"))
        return
    if drawn is None:
        st.info(t("coverage_page.no_geometry"))
        return
    # what to do with the map and what it leaves out, in one line above it (one element less to draw)
    words = [t("coverage.drill_hint")] if v.drill else []
    if colour == "coverage" and len(due) > maps.MAX_POINTS:
        words.append(t("coverage_page.points_capped", n=fmt_int(maps.MAX_POINTS, v.lang)))
    if words:
        st.caption(" · ".join(words))
    result = UM.render(
        drawn,
        key=key,
        height=MAP_HEIGHT,
        returned_objects=["last_active_drawing"] if v.drill else [],
    )
    if opened(result):
        drilled()


@st.fragment
def table_part(v: View, table: pd.DataFrame, rows: pd.DataFrame) -> None:
    """The table of the area's children with their pace and a 12-month trend each (``table``, made by
    :func:`main`; ``rows`` are what the downloads hold); a fragment: a row click that opens nothing
    reruns the table alone. A row that opens an area is read before anything is drawn: the browser is
    sent nothing of a table about to be left."""
    key = f"{KEY}.table.{v.suffix}"
    picked = C.ticked_row(st.session_state.get(key), len(table)) if v.drill else None
    if picked is not None:
        code = str(table["code"].iloc[picked])
        if code != v.area.code:
            C.set_area(code)
            drilled()
    st.subheader(t("coverage_page.table_title", level=v.level_name))
    trend_end = v.as_of
    start, _ = CP.trend_months(trend_end)

    heads = column_labels(table.columns, v.lang)
    st.dataframe(
        UP.as_shown(table),
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_order=UP.table_order(),
        column_config={
            **UP.column_config(heads, v.pace_weeks, v.pace_since),
            "name": st.column_config.TextColumn(heads["name"], pinned=True),
            "code": st.column_config.TextColumn(heads["code"]),
            "households": st.column_config.NumberColumn(heads["households"], format="localized"),
            "visited": st.column_config.NumberColumn(heads["visited"], format="localized"),
            "coverage": st.column_config.NumberColumn(heads["coverage"], format=PCT_FORMAT),
            "trend": st.column_config.LineChartColumn(
                t("coverage_page.col_trend"),
                y_min=0,
                y_max=100,
                width="medium",
                help=t("coverage_page.trend_help", start=start.isoformat(), end=trend_end.isoformat()),
            ),
        },
        key=key,
        on_select="rerun" if v.drill else "ignore",
        selection_mode="single-row",
    )
    st.caption(t("coverage_page.table_hint") if v.drill else t("coverage_page.grid_hint"))
    _exports(
        "table",
        rows,
        t("coverage_page.file_coverage"),
        t("coverage_page.sheet_coverage"),
        f"{v.area.code or 'all'}-{v.date_from.isoformat()}-{v.date_to.isoformat()}",
        v.area.code,
        lambda fmt: export_line("coverage", fmt, v.level, v.date_from, v.date_to, v.kinds, len(rows)),
        v.lang,
    )


@st.fragment
def due_part(v: View, due: pd.DataFrame) -> None:
    """The households due for a visit, one page of :data:`analytics.coverage.DUE_PAGE_ROWS` rows at a
    time (most overdue first; the downloads hold every row); a fragment: a page change reruns the
    list alone, and a row opens that household's record."""
    st.subheader(t("coverage_page.due_title", date=v.as_of.isoformat(), days=v.days))
    if not len(due):
        st.success(t("empty.nothing_due"))
        return
    out = due[CP.DUE_COLUMNS]
    n, size = len(out), CP.DUE_PAGE_ROWS
    _, _, pages = C.page_bounds(n, 1, size)
    # the page chosen for this area is kept outside the widget: the widget's own state is dropped
    # while the household's record is open, and the list comes back on the same page
    kept_key = f"{KEY}.due_page_kept"
    kept = st.session_state.get(kept_key)
    page = kept[1] if kept and kept[0] == v.suffix else 1
    if pages > 1:
        # the page's number, narrow, above the words (no columns to lay out: three containers fewer)
        page = st.number_input(
            t("coverage_page.due_page", pages=fmt_int(pages, v.lang)),
            min_value=1,
            max_value=pages,
            value=min(page, pages),
            step=1,
            key=f"{KEY}.due_page.{v.suffix}",
            help=t("coverage_page.due_page_help", size=fmt_int(size, v.lang), n=fmt_int(n, v.lang)),
            width=DUE_PAGE_WIDTH,
        )
    start, stop, _ = C.page_bounds(n, page, size)
    st.session_state[kept_key] = (v.suffix, start // size + 1)
    count = (
        C.range_text("coverage_page.due_range", start, stop, n)
        if pages > 1
        else t("coverage_page.due_count", n=fmt_int(n, v.lang))
    )
    # the list's order, its size and what a row does, in one line above it (one element less to draw)
    st.caption(" · ".join((t("coverage_page.due_caption"), count, t("household.select_hint"))))
    if not can_see_personal(C.user()):
        st.caption(t("app.masked_notice"))
    shown = out.iloc[start:stop]
    dh = column_labels(shown.columns, v.lang)
    due_event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "household_code": st.column_config.TextColumn(dh["household_code"]),
            "head_name": st.column_config.TextColumn(dh["head_name"]),
            "grid_code": st.column_config.TextColumn(dh["grid_code"]),
            "last_visit": st.column_config.DateColumn(dh["last_visit"], format="YYYY-MM-DD"),
            "days_since": st.column_config.NumberColumn(dh["days_since"]),
            "tags": st.column_config.TextColumn(dh["tags"]),
            "phone": st.column_config.TextColumn(dh["phone"]),
            "address": st.column_config.TextColumn(dh["address"]),
        },
        # one key per page: a row ticked on one page is never read as the same row of another
        key=f"{KEY}.due.{v.suffix}.{start // size + 1}",
        on_select="rerun",
        selection_mode="single-row",
    )
    from ui.household import open_selected

    open_selected(shown["household_code"].tolist(), due_event)
    _exports(
        "due",
        out,
        t("coverage_page.file_due"),
        t("coverage_page.sheet_due"),
        f"{v.area.code or 'all'}-{v.as_of.isoformat()}",
        v.area.code,
        lambda fmt: export_line(
            "due", fmt, v.area.level, v.as_of - dt.timedelta(days=v.days - 1), v.as_of, ["home"], len(out)
        ),
        v.lang,
    )


if __name__ == "__main__":
    main()
