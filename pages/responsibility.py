"""网格责任 — who answers for every grid and every household.

Headline counts of grids by staffing (ok / leader vacant / overloaded / no staff), a map of the
selected area's grids coloured by staffing (a click drills down to the village, then the grid),
"find the person responsible" for a household, the grid directory with its gaps (exportable to
XLSX), and — for county administrators and township offices — reassignment with history.
The numbers are those of ``manage.py report grids`` (analytics.grids).
"""

from __future__ import annotations

from typing import Any, Iterable

import pandas as pd
import streamlit as st

from analytics import export
from analytics import grids as G
from auth import audit
from gis import maps
from gis.palette import STATUS_COLORS
from i18n import CATALOG, column_labels, fmt_int, fmt_list
from store import db
from ui import common as C
from ui import shared
from ui import downloads
from ui import figures as F
from ui.common import t
from ui.map_clicks import clicked_code
from ui.geo import boundaries_version, simplified_level
from ui.maps import render

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "resp_page"
# LANG_KEYED: every table's key holds the page's language. Streamlit sizes a table's columns once, when it is
# first drawn, and keeps those widths: after a switch to English the widths measured for Chinese cut
# "Active hous", "Overl…". A new key draws a new table, measured afresh (a row ticked before is dropped). A
# table without row selection ignores its own ``key``, so those sit in a container with the key.
MAP_HEIGHT = 500
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIRECTORY_EXPORT = G.GRID_COLUMNS + [
    "village_name",
    "status",
    "leader_phone",
    "leaders",
    "member_contacts",
    "other_staff",
    "staff_count",
    "households_per_staff",
    "pairing_leaders",
    "paired_households",
    "multiple_leaders",
]


def labels(columns: Iterable[str], lang: str) -> dict[str, str]:
    """Column headers: the shared ``col.*`` labels, overridden by this page's ``resp_page.col.*``."""
    cols = list(dict.fromkeys(columns))
    out = column_labels(cols, lang)
    table = CATALOG["en" if lang == "en" else "zh"]
    out.update({c: table[f"resp_page.col.{c}"] for c in cols if f"resp_page.col.{c}" in table})
    return out


def status_label(s: str) -> str:
    return t(f"resp_page.status.{s}")


def staff_role(r: Any) -> str:
    return t(f"resp_page.staff_role.{r}") if r in ("grid_leader", "grid_member", "secretary", "cadre") else str(r)


def _or_none(v: Any) -> str:
    return v if isinstance(v, str) and v else t("resp_page.none")


# ----------------------------------------------------------------------------- the map


def grid_map_frame(directory: pd.DataFrame):
    """The directory's grids with their simplified polygons and tooltip texts."""
    geo = simplified_level(str(C.db_path()), "grid", boundaries_version())
    if geo is None or geo.empty:
        return None
    frame = geo[["code", "geometry"]].merge(directory, on="code")
    frame["status_index"] = frame["status"].map({s: i for i, s in enumerate(G.STATUSES)}).astype(float)
    frame["status_text"] = frame["status"].map(status_label)
    frame["leader_text"] = frame["leaders"].map(_or_none)
    frame["members_text"] = frame["member_contacts"].map(_or_none)
    frame["pairing_text"] = frame["pairing_leaders"].map(_or_none)
    return frame


def village_map_frame(villages: pd.DataFrame):
    """Villages (:func:`villages_of`) coloured by the worst staffing of their grids, with tooltip texts."""
    geo = simplified_level(str(C.db_path()), "village", boundaries_version())
    if geo is None or geo.empty:
        return None
    agg = villages.assign(
        status_index=villages["status"].map({s: i for i, s in enumerate(G.STATUSES)}).astype(float),
        problems_text=[
            fmt_list((f"{status_label(s)} {r[s]}" for s in G.STATUSES if s != "ok" and r[s]), C.lang())
            or t("resp_page.none")
            for _, r in villages.iterrows()
        ],
        status_text=villages["status"].map(status_label),
    )
    return geo[["code", "name", "geometry"]].merge(agg, left_on="code", right_on="village_code")


def draw_map(directory: pd.DataFrame, villages: pd.DataFrame | None, area: C.Area, lang: str) -> None:
    colors = [STATUS_COLORS[s] for s in G.STATUSES]
    bins = [0, 1, 2, 3, 4]
    heads = labels(["name", "households"], lang)
    frame = village_map_frame(villages) if villages is not None else grid_map_frame(directory)
    if frame is None or frame.empty:
        st.info(t("resp_page.no_geometry"))
        return
    m = maps.base_map(bounds=frame.total_bounds)
    if villages is not None:
        st.caption(t("resp_page.drill_villages", n=fmt_int(len(directory), lang)))
        maps.choropleth_layer(
            m,
            frame,
            "status_index",
            bins,
            colors,
            fields=["name", "status_text", "grids", "households", "problems_text"],
            aliases=[
                heads["name"],
                t("resp_page.tt_status"),
                t("resp_page.tt_grids"),
                heads["households"],
                t("resp_page.tt_problems"),
            ],
        )
    else:
        if area.level in ("county", "township"):
            st.caption(t("resp_page.drill_village"))
        elif area.level == "village":
            st.caption(t("resp_page.drill_grid"))
        maps.choropleth_layer(
            m,
            frame,
            "status_index",
            bins,
            colors,
            fields=["name", "village_name", "status_text", "leader_text", "members_text", "households", "pairing_text"],
            aliases=[
                heads["name"],
                t("col.village_name"),
                t("resp_page.tt_status"),
                t("resp_page.tt_leader"),
                t("resp_page.tt_members"),
                heads["households"],
                t("resp_page.tt_pairing"),
            ],
        )
    maps.add_legend(m, t("resp_page.legend_title"), [(STATUS_COLORS[s], status_label(s)) for s in G.STATUSES])
    drill = area.level != "grid"
    nonce = st.session_state.get(f"{KEY}.nonce", 0)
    result = render(
        m,
        key=f"{KEY}.map.{area.code}.{nonce}",
        height=MAP_HEIGHT,
        returned_objects=["last_active_drawing"] if drill else [],
    )
    code = clicked_code(result) if drill else None
    if code is None or code not in set(frame["code"]):
        return
    if villages is None and area.level in ("county", "township"):
        code = str(frame.loc[frame["code"] == code, "village_code"].iloc[0])  # a grid → its village
    if code and code != area.code:
        C.set_area(code)
        st.session_state[f"{KEY}.nonce"] = nonce + 1
        st.rerun()


# ----------------------------------------------------------------------------- search


def search_box(con, sc, on, lang: str) -> None:
    from auth.scope import mask_frame

    st.subheader(t("resp_page.search_title"))
    query = st.text_input(
        t("resp_page.search_label"), key=f"{KEY}.search", placeholder=t("resp_page.search_placeholder")
    )
    if not query or not query.strip():
        return
    # one more than listed: "只显示前 50 户" only when some were left out, not when exactly 50 were found
    found = G.find_responsible(con, query, sc, on=on, limit=G.FIND_LIMIT + 1)
    if found.empty:
        st.warning(t("resp_page.search_none", query=query.strip()))
        return
    capped = len(found) > G.FIND_LIMIT
    shown = mask_frame(
        found.head(G.FIND_LIMIT),
        C.user(),
        con,
        area_column="grid_code",
        name_columns=("head_name",),
        phone_columns=("phone",),
    )
    st.caption(
        t("resp_page.search_capped", n=fmt_int(G.FIND_LIMIT, lang))
        if capped
        else t("resp_page.search_count", n=fmt_int(len(shown), lang))
    )
    cols = [
        "household_code",
        "head_name",
        "address",
        "village_name",
        "grid_name",
        "leader_name",
        "leader_phone",
        "member_contacts",
        "last_visit",
        "last_visit_by",
    ]
    heads = labels(cols, lang)
    event = st.dataframe(
        shown[cols],
        hide_index=True,
        width="stretch",
        key=f"{KEY}.found",
        column_config={
            c: (
                st.column_config.DateColumn(heads[c], format="YYYY-MM-DD")
                if c == "last_visit"
                else st.column_config.TextColumn(heads[c])
            )
            for c in cols
        },
        on_select="rerun",
        selection_mode="single-row",
    )
    st.caption(t("household.select_hint"))  # a row opens the household's record (issue 20)
    from ui.household import open_selected

    open_selected(shown["household_code"].tolist(), event)


# ----------------------------------------------------------------------------- directory and gaps


def export_sheets(directory: pd.DataFrame, gaps: G.Gaps) -> dict[str, pd.DataFrame]:
    d = directory[DIRECTORY_EXPORT].copy()
    d["status"] = d["status"].map(status_label)
    vacant = gaps.vacant.copy()
    vacant["status"] = vacant["status"].map(status_label)
    idle = gaps.idle_staff.assign(role=gaps.idle_staff["role"].map(staff_role)).rename(columns={"name": "staff_name"})
    pairing = gaps.pairing.assign(role=gaps.pairing["role"].map(staff_role)).rename(columns={"name": "staff_name"})
    return {
        t("resp_page.sheet_directory"): d,
        t("resp_page.sheet_vacant"): vacant,
        t("resp_page.sheet_overloaded"): gaps.overloaded,
        t("resp_page.sheet_idle"): idle,
        t("resp_page.sheet_pairing"): pairing,
    }


def column_config(heads: dict[str, str], cols: list[str], numbers: Iterable[str], pinned: str) -> dict[str, Any]:
    """A directory table's columns: text, ``numbers`` as localized numbers, ``pinned`` kept in view."""
    config: dict[str, Any] = {c: st.column_config.TextColumn(heads[c]) for c in cols}
    for c in numbers:
        config[c] = st.column_config.NumberColumn(heads[c], format="localized")
    config[pinned] = st.column_config.TextColumn(heads[pinned], pinned=True)
    return config


def villages_of(directory: pd.DataFrame) -> pd.DataFrame | None:
    """The directory summed up by village (:func:`analytics.grids.village_staffing`), for an area with too
    many grids to list or draw one by one (more than :data:`ui.common.GRIDS_LISTED_MAX`); else None."""
    return G.village_staffing(directory) if len(directory) > C.GRIDS_LISTED_MAX else None


def village_table(villages: pd.DataFrame, grids: int, area: C.Area, lang: str) -> None:
    """The directory summed up by village (:func:`analytics.grids.village_staffing`); a row opens its village.

    Shown instead of the grids' rows when the area has more than :data:`ui.common.GRIDS_LISTED_MAX` grids: a
    county's 3,001 grids were 550 KB sent with every view of the page (BENCHMARKS.md, "Seventeenth
    session"); the XLSX export still holds every grid.
    """
    st.subheader(t("resp_page.village_directory_title", area=area.name))
    st.caption(t("resp_page.village_directory_caption", n=fmt_int(grids, lang)))
    shown = villages.assign(status=villages["status"].map(status_label))
    heads = labels(["village_name", "village_code", "households"], lang)
    heads.update({c: t(f"resp_page.vcol.{c}") for c in ("grids", *G.STATUSES, "status")})
    cols = ["village_name", "village_code", "grids", "households", *G.STATUSES, "status"]
    event = st.dataframe(
        shown[cols],
        hide_index=True,
        width="stretch",
        column_config=column_config(heads, cols, ("grids", "households", *G.STATUSES), pinned="village_name"),
        placeholder="—",
        key=f"{KEY}.villages.{area.code}.{lang}",  # the language in the key: see LANG_KEYED
        on_select="rerun",
        selection_mode="single-row",
    )
    row = C.ticked_row(event, len(villages))  # one ticked before the list changed (a reassignment): none
    code = str(villages["village_code"].iloc[row]) if row is not None else ""
    if code and code != area.code:  # grids outside any village (code "") have no village to open
        C.set_area(code)
        st.session_state[f"{KEY}.nonce"] = st.session_state.get(f"{KEY}.nonce", 0) + 1
        st.rerun()


def directory_table(
    directory: pd.DataFrame, villages: pd.DataFrame | None, gaps: G.Gaps, area: C.Area, on, lang: str
) -> None:
    if villages is not None:
        village_table(villages, len(directory), area, lang)
    else:
        grid_table(directory, area, lang)
    several = int(directory["multiple_leaders"].sum())
    if several:
        st.warning(t("resp_page.multiple_leaders", n=several))
    export_button(directory, gaps, area, on, lang)
    gaps_tabs(gaps, lang)


def grid_table(directory: pd.DataFrame, area: C.Area, lang: str) -> None:
    """Every grid of the area with the people responsible for it."""
    st.subheader(t("resp_page.directory_title", area=area.name))
    shown = directory.copy()
    shown["status"] = shown["status"].map(status_label)
    cols = [
        "code",
        "name",
        "village_name",
        "households",
        "status",
        "leaders",
        "member_contacts",
        "staff_count",
        "households_per_staff",
        "pairing_leaders",
        "paired_households",
    ]
    heads = labels(cols, lang)
    numbers = ("households", "staff_count", "paired_households", "households_per_staff")
    st.container(key=f"{KEY}.directory.{area.code}.{lang}").dataframe(  # see LANG_KEYED
        shown[cols],
        hide_index=True,
        width="stretch",
        column_config=column_config(heads, cols, numbers, pinned="name"),
        placeholder="—",
    )


def export_button(directory: pd.DataFrame, gaps: G.Gaps, area: C.Area, on, lang: str) -> None:
    """The XLSX of every grid of the area and its gaps."""
    sheets = export_sheets(directory, gaps)
    all_cols = [c for f in sheets.values() for c in f.columns]
    heads_all = labels(all_cols, lang)
    downloads.button(
        t("resp_page.export_xlsx"),
        lambda: export.to_xlsx_bytes(sheets, heads_all),
        file_name=f"{t('resp_page.file')}-{area.code or 'all'}-{on.isoformat()}.xlsx",
        mime=XLSX_MIME,
        key=f"{KEY}.dl.xlsx",
        audit=(
            area.code,
            audit.detail_line("directory_export", fmt="xlsx", area=area.code, on=on, rows=len(directory)),
        ),
    )


def gaps_tabs(gaps: G.Gaps, lang: str) -> None:
    """The gaps, one tab per kind; a tab's list is drawn only while it is open (a county's lists are long)."""
    st.subheader(t("resp_page.gaps_title"))
    if gaps.total() == 0 and gaps.overloaded.empty:
        st.success(t("resp_page.gaps_none"))
        return
    parts = [
        ("gaps_vacant", gaps.vacant.assign(status=gaps.vacant["status"].map(status_label))),
        ("gaps_overloaded", gaps.overloaded),
        ("gaps_idle", gaps.idle_staff.assign(role=gaps.idle_staff["role"].map(staff_role))),
        ("gaps_pairing", gaps.pairing.assign(role=gaps.pairing["role"].map(staff_role))),
    ]
    tabs = st.tabs([t(f"resp_page.{k}", n=len(f)) for k, f in parts], key=f"{KEY}.gaps", on_change="rerun")
    for tab, (k, f) in zip(tabs, parts):
        with tab:
            if not tab.open:
                continue
            if f.empty:
                st.caption(t("resp_page.gaps_none"))
                continue
            if k == "gaps_pairing":
                st.caption(t("resp_page.pairing_help"))
            heads = labels(f.columns, lang)
            if k in ("gaps_idle", "gaps_pairing"):
                heads["name"] = labels(["staff_name"], lang)["staff_name"]
            box = st.container(key=f"{KEY}.{k}.{lang}")  # see LANG_KEYED
            box.dataframe(f.rename(columns=heads), hide_index=True, width="stretch")


# ----------------------------------------------------------------------------- reassignment


def reassign_form(con, directory: pd.DataFrame, on) -> None:
    u = C.user()
    if u is None or u.role not in G.REASSIGN_ROLES or directory.empty:
        return
    # drawn only while open: its pickers list every grid and member of the area (for a township office
    # 237 KB with every view of the page, opened or not)
    box = st.expander(t("resp_page.reassign_title"), icon=":material/swap_horiz:", key=f"{KEY}.re", on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption(t("resp_page.reassign_help"))
        names = dict(zip(directory["code"], directory["village_name"].fillna("") + " " + directory["name"]))
        grid = st.selectbox(
            t("resp_page.reassign_grid"),
            directory["code"].tolist(),
            key=f"{KEY}.re.grid",
            format_func=lambda c: f"{names.get(c, '')} · {c}",
        )
        row = directory[directory["code"] == grid].iloc[0]
        st.caption(
            t("resp_page.reassign_current", leader=_or_none(row["leaders"]), members=_or_none(row["member_contacts"]))
        )
        staff = G.staff_options(con)
        who = {i: f"{n}（{i} · {staff_role(r)}）" for i, n, r in zip(staff["id"], staff["name"], staff["role"])}
        current = [s for s in str(row["staff_ids"] or "").split(G.LIST_SEP) if s]
        leaders = [i for i, r in zip(staff["id"], staff["role"]) if r == "grid_leader"]
        addable = [i for i, r in zip(staff["id"], staff["role"]) if r != "grid_leader" and i not in current]
        with st.form(f"{KEY}.re.form.{grid}"):
            leader = st.selectbox(
                t("resp_page.reassign_leader"),
                ["", *leaders],  # "": keep the leader (a text, so that the language switch rewords it)
                key=f"{KEY}.re.leader.{grid}",
                format_func=lambda i: t("resp_page.reassign_keep") if i == "" else who.get(i, i),
            )
            add = st.multiselect(
                t("resp_page.reassign_add"),
                addable,
                key=f"{KEY}.re.add.{grid}",
                format_func=lambda i: who.get(i, i),
                placeholder=t("resp_page.reassign_none"),
            )
            remove = st.multiselect(
                t("resp_page.reassign_remove"),
                current,
                key=f"{KEY}.re.remove.{grid}",
                format_func=lambda i: who.get(i, i),
                placeholder=t("resp_page.reassign_none"),
            )
            effective = st.date_input(
                t("resp_page.reassign_effective"), value=on, key=f"{KEY}.re.effective.{grid}", format="YYYY-MM-DD"
            )
            ok = st.form_submit_button(t("resp_page.reassign_submit"), type="primary")
        if ok:
            try:
                res = G.reassign(
                    con, u, grid, leader_id=leader or None, add_members=add, remove_members=remove, effective=effective
                )
            except G.GridError as e:
                st.error(e.text(C.lang()))
            else:
                C.leave_message(f"{KEY}.flash", "success", t("resp_page.reassign_done", summary=res.sentence(C.lang())))
                st.rerun()


# ----------------------------------------------------------------------------- the page


def main() -> None:
    lang = C.lang()
    con = C.con()
    sc = C.scope()
    on = C.today()
    area = C.selected_area()
    st.title(t("resp_page.title"))
    st.caption(t("resp_page.question") + " · " + t("resp_page.as_of", area=area.name, date=on.isoformat()))
    C.show_message(f"{KEY}.flash")

    with st.spinner(t("progress.working")):
        directory = shared.call(con, G.grid_directory, area.code, sc, on=on)
    if directory.empty:
        st.info(t("resp_page.no_grids"))
        search_box(con, sc, on, lang)
        return
    with st.spinner(t("progress.working")):
        gaps = shared.call(con, G.gaps, area.code, sc, on=on, directory=directory)
    counts = G.status_counts(directory)
    max_per_staff = int(db.rule(con, "households_per_staff_max"))

    # one row that wraps (as the coverage page's): on a phone two or three a line, not seven lines
    row = st.container(horizontal=True, gap="medium")
    F.metric(row, "grids", len(directory))
    for s in G.STATUSES[::-1]:
        row.metric(
            status_label(s),
            fmt_int(counts[s], lang),
            help=t("resp_page.max_help", n=max_per_staff) if s == "overloaded" else None,
        )
    row.metric(t("resp_page.metric_idle"), fmt_int(len(gaps.idle_staff), lang))
    row.metric(t("resp_page.metric_pairing"), fmt_int(len(gaps.pairing), lang), help=t("resp_page.pairing_help"))

    villages = villages_of(directory)  # None: few enough grids to list and draw one by one
    map_col, side_col = st.columns([3, 2], gap="medium")
    with map_col:
        st.subheader(t("resp_page.map_title"))
        draw_map(directory, villages, area, lang)
    with side_col:
        search_box(con, sc, on, lang)

    directory_table(directory, villages, gaps, area, on, lang)
    reassign_form(con, directory, on)


main()
