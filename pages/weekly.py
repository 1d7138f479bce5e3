"""本周走访 — "Have I met this week's quota, and whom must I visit next?" (issue 7).

A grid leader or member (网格长/网格员) sees their own week: the seven days with the official
calendar, visit days against the target, the households due next (with a small map), a one-tap
visit form, and their recent visits to correct. The township office (and admin/leader) sees the
same week for every grid worker in scope: a ranking, those with no activity, and the village
secretaries' weekly reception.

Thin: every number comes from analytics.visits / analytics.reports (the quota numbers are
exactly ``manage.py report quotas``). Laid out for a 390 px phone: one column, few widgets.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from analytics import visits as V
from analytics import walk as W
from analytics.reports import QUOTA_COLUMNS, VISIT_KINDS, parse_week
from auth import audit
from auth.scope import mask_frame
from gis.palette import POINT_ATTENTION_COLOR, POINT_COLOR
from i18n import bool_label, column_labels, fmt_int, fmt_list, fmt_pct, fmt_week
from store import db
from ui import common as C
from ui import downloads
from ui import shared
from ui.common import t
from ui.walk import FLASH, flags_text
from vocabulary.roles import OFFICE_ROLES

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

PAGE_SIZE = 10
MAP_MAX_POINTS = 500
#: the date pickers' bounds, beyond any date a person means: Streamlit replaces a date outside its
#: picker's bounds (by default ten years either side of the value) by the default — today — without a
#: word; record_visit / edit_visit refuse a wrong date (future, before registration) with a sentence
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2099, 12, 31)
#: the visit form's widgets, emptied after a save (only: a refused save keeps what was typed)
FORM_KEYS = ("weekly_household", "weekly_kind", "weekly_date", "weekly_note", "weekly_needs_action")

_CSS = """
<style>
.lx-week{display:flex;gap:3px;width:100%;margin:.25rem 0 .5rem 0}
.lx-day{flex:1 1 0;min-width:0;border:1px solid #ddd;border-radius:6px;padding:3px 0;text-align:center;
        background:#fafafa;line-height:1.25;font-size:.8rem}
.lx-day .wd{color:#555}
.lx-day .dn{color:#888;font-size:.7rem}
.lx-day .n{font-size:1.15rem;font-weight:700;color:#bbb}
.lx-day.v .n{color:#1a7f37}
.lx-day.v{background:#e9f7ee;border-color:#9bd3ad}
.lx-day.off{background:#fdeeee}
.lx-day.today{outline:2px solid #b2182b;outline-offset:-2px}
.lx-day .tag{display:inline-block;font-size:.65rem;border-radius:3px;padding:0 3px;color:#fff}
.lx-day .tag.h{background:#b2182b}
.lx-day .tag.m{background:#555}
.lx-day .tag.e{visibility:hidden}
</style>
"""


def lang() -> str:
    return C.lang()


def week_label(week: str) -> str:
    y, w = week.split("-W")
    return fmt_week(int(y), int(w), lang())


def week_picker(today: dt.date, office: bool = False) -> str:
    """The week shown: a grid worker's own current week; an office's or leader's last complete week
    (a week that has not ended is judged before its days are over — on a Monday nobody has met the
    quota yet). The current week is a click away, marked "in progress"."""
    weeks = V.weeks_back(today, 26)
    current = weeks[0]
    # the labels are made now, in the page's language (a format function reading the session's
    # language later, outside the page's run, would answer in the default one)
    labels = {w: week_label(w) + (t("weekly_page.in_progress") if w == current else "") for w in weeks}
    week = st.selectbox(
        t("weekly_page.week"),
        weeks,
        index=1 if office else 0,
        key="weekly_week",
        format_func=labels.get,
        persist_state="session",  # kept when the user leaves the page and comes back
    )
    start, end = parse_week(week)
    st.caption(
        t("weekly_page.week_range", start=start.isoformat(), end=end.isoformat())
        + (" · " + t("weekly_page.in_progress_note", today=today.isoformat()) if week == current else "")
    )
    return week


def flash() -> None:
    """The message left by a saved, edited or deleted visit (:func:`saved`), at the page's top.

    One message for the page (:data:`ui.walk.FLASH`): the latest action's, here or at the walk.
    """
    C.show_message(FLASH)


def saved(kind: str, msg: str) -> None:
    """A visit was written: the whole page again (the week, the due list and the walk change), the
    message shown at its top (:func:`flash`) and as a toast. The forms are fragments: anything else they
    do — a refused save, picking another recent visit — reruns the form alone."""
    C.leave_message(FLASH, kind, msg, toast=True)
    st.rerun()


# ----------------------------------------------------------------------------- the seven days


def days_html(days: pd.DataFrame, today: dt.date) -> str:
    cells = []
    for r in days.itertuples():
        classes = ["lx-day"]
        if r.visits > 0:
            classes.append("v")
        if r.holiday:
            classes.append("off")
        if r.day == today:
            classes.append("today")
        if r.holiday:
            title = html.escape(str(r.holiday_name or ""))
            tag = f'<span class="tag h" title="{title}">{t("weekly_page.holiday")}</span>'
        elif r.makeup:
            tag = f'<span class="tag m">{t("weekly_page.makeup")}</span>'
        else:
            tag = '<span class="tag e">·</span>'
        cells.append(
            f'<div class="{" ".join(classes)}"><div class="wd">{t(f"weekly_page.wd.{r.weekday}")}</div>'
            f'<div class="dn">{r.day.month}/{r.day.day}</div><div class="n">{int(r.visits)}</div>{tag}</div>'
        )
    return '<div class="lx-week">' + "".join(cells) + "</div>"


def show_days(days: pd.DataFrame, today: dt.date) -> None:
    st.markdown(f"**{t('weekly_page.days_title')}**")
    st.markdown(_CSS + days_html(days, today), unsafe_allow_html=True)
    workdays = int(days["workday"].sum())
    names = [n for n in dict.fromkeys(days.loc[days["holiday"], "holiday_name"]) if n]
    if names:
        st.caption(t("weekly_page.holidays_in_week", names=fmt_list(names, lang()), n=workdays))
    else:
        st.caption(t("weekly_page.workdays", n=workdays))
    if not days["known"].all():
        year = days.loc[~days["known"], "day"].iloc[0].year
        st.warning(t("weekly_page.calendar_unknown", year=year))
    st.caption(t("weekly_page.legend"))


# ----------------------------------------------------------------------------- grid worker


def worker_metrics(q: dict) -> None:
    """Two small metrics side by side (they wrap only when the screen is too narrow)."""
    short = max(0, q["target_days"] - q["visit_days"])
    with st.container(horizontal=True, gap="small"):
        st.metric(
            t("weekly_page.metric.days"),
            t("weekly_page.metric.days_value", days=q["visit_days"], target=q["target_days"]),
            delta=t("weekly_page.met") if q["met"] else t("weekly_page.days_short", n=short),
            delta_color="normal" if q["met"] else "inverse",
            delta_arrow="off",
            border=True,
        )
        st.metric(
            t("weekly_page.metric.households"),
            fmt_int(q["households_visited"], lang()),
            delta=t("weekly_page.metric.visits", n=q["visits"]),
            delta_color="off",
            delta_arrow="off",
            border=True,
        )


def show_week(con, u, week: str, today: dt.date) -> None:
    # the quota, the seven days and the other kinds from one read of the week's visits
    q, days, others = shared.call(con, V.staff_week, u.staff_id, week)
    if not q["responsible"]:
        st.info(t("weekly_page.not_responsible"))
    worker_metrics(q)
    st.caption(t("weekly_page.target_rule", target=q["target_days"]))
    show_days(days, today)
    if others:
        text = fmt_list((f"{t(f'kind.in_text.{k}')} {n}" for k, n in others.items()), lang())
        st.caption(t("weekly_page.other_kinds", text=text))


def last_text(row) -> str:
    if row["last_visit"] is None or pd.isna(row["last_visit"]):
        return t("weekly_page.never")
    return t("weekly_page.days_ago", n=int(row["days_since"]))


def show_due(con, u, grids: list[str], due: pd.DataFrame) -> None:
    """The due list (``analytics.walk.due_now`` of the day's households the walk has too) and its map."""
    st.subheader(t("weekly_page.due_title"))
    if not grids:
        st.info(t("weekly_page.no_grids"))
        return
    days = int(db.rule(con, "revisit_days"))
    if due.empty:
        st.success(t("weekly_page.nothing_due"))
        return
    due = mask_frame(due, u, con)
    n = len(due)
    st.caption(t("weekly_page.due_count", n=fmt_int(n, lang()), days=days))
    # the page picker goes below the table: above it, the table's toolbar covered it on a phone
    part = C.page_part(due, "weekly_due_page", PAGE_SIZE)
    table = pd.DataFrame(
        {
            t("weekly_page.col.household"): [f"{r['head_name']} {r['household_code']}" for _, r in part.iterrows()],
            t("weekly_page.col.last"): [last_text(r) for _, r in part.iterrows()],
            t("weekly_page.col.flags"): [flags_text(r) for _, r in part.iterrows()],
        }
    )
    event = st.dataframe(
        table, hide_index=True, width="stretch", key="weekly_due_table", on_select="rerun", selection_mode="single-row"
    )
    st.caption(t("household.select_hint"))  # a row opens the household's record (issue 20)
    from ui.household import open_selected

    open_selected(part["household_code"].tolist(), event)
    C.page_picker(n, "weekly_due_page", PAGE_SIZE, "weekly_page.due_showing")
    show_map(due)


def show_map(due: pd.DataFrame) -> None:
    try:
        from gis import maps
        from ui.maps import render
    except Exception:  # pragma: no cover - the map module is optional for this page
        st.caption(t("weekly_page.map_missing"))
        return
    pts = due.dropna(subset=["lon", "lat"]).head(MAP_MAX_POINTS)
    if pts.empty:
        st.caption(t("weekly_page.map_no_points"))
        return
    pts = pts.assign(last=[last_text(r) for r in pts[["last_visit", "days_since"]].to_dict("records")])
    pad = 0.002
    bounds = (pts["lon"].min() - pad, pts["lat"].min() - pad, pts["lon"].max() + pad, pts["lat"].max() + pad)
    with st.expander(t("weekly_page.map_title"), expanded=True):
        m = maps.base_map(bounds=bounds)
        fields = ["head_name", "household_code", "last"]
        aliases = [t("col.head_name"), t("col.household_code"), t("weekly_page.col.last")]
        vul = pts["vulnerable"].astype(bool)
        if (~vul).any():
            maps.point_layer(m, pts[~vul], tooltip_fields=fields, tooltip_aliases=aliases, color=POINT_COLOR, radius=6)
        if vul.any():
            maps.point_layer(
                m, pts[vul], tooltip_fields=fields, tooltip_aliases=aliases, color=POINT_ATTENTION_COLOR, radius=7
            )
        render(m, key="weekly_due_map", height=280, returned_objects=[])


@st.fragment
def visit_form(u, today: dt.date) -> None:
    con = C.con()
    st.subheader(t("weekly_page.form_title"))
    hh = shared.call(con, V.staff_households, u.staff_id, today, scope=u.scope)
    if hh.empty:
        st.info(t("weekly_page.no_households"))
        return
    hh = mask_frame(hh, u, con)
    # the three columns the label shows, not to_dict of every column (~550 rows at every view)
    labels = {
        c: V.household_label({"head_name": n, "household_code": c, "address": a})
        for n, c, a in zip(hh["head_name"], hh["household_code"], hh["address"])
    }
    C.empty_after_save("weekly_visit_form", dict(zip(FORM_KEYS, (None, VISIT_KINDS[0], today, "", False))))
    with st.form("weekly_visit_form"):
        code = st.selectbox(
            t("weekly_page.household"),
            list(labels),
            index=None,
            key="weekly_household",
            format_func=lambda c: labels.get(c, c),
            placeholder=t("weekly_page.household_placeholder"),
        )
        kinds = {k: t(f"kind.{k}") for k in VISIT_KINDS}
        kind = st.selectbox(t("weekly_page.kind"), VISIT_KINDS, index=0, key="weekly_kind", format_func=kinds.get)
        # bounds far out (DATE_MIN, DATE_MAX): a date beyond them was silently replaced by today;
        # record_visit refuses a wrong date with a sentence instead
        day = st.date_input(
            t("weekly_page.date"),
            value=today,
            min_value=DATE_MIN,
            max_value=DATE_MAX,
            key="weekly_date",
            format="YYYY-MM-DD",
        )
        # no max_chars: the browser dropped a longer paste whole, without a word; record_visit
        # refuses a note over V.NOTE_MAX with its length
        note = st.text_area(
            t("weekly_page.note"),
            key="weekly_note",
            height=80,
            placeholder=t("weekly_page.note_help"),
            help=t("weekly_page.note_limit", n=V.NOTE_MAX),
        )
        action = st.checkbox(t("weekly_page.needs_action"), key="weekly_needs_action")
        ok = st.form_submit_button(t("weekly_page.submit"), type="primary", width="stretch")
    if ok:
        if not code:
            say("error", t("weekly_page.pick_household"))
            return
        try:
            created, msg = V.record_visit(con, u, code, day, kind, note, bool(action), today=today, lang=lang())
        except V.VisitError as e:
            say("error", e.text(lang()))
            return
        C.mark_saved("weekly_visit_form")
        saved("success" if created else "warning", msg)


def note_text(note: object) -> str:
    """A stored note as the edit box shows it: ``""`` for none (NULL is NaN in a frame, not "nan")."""
    if note is None or (not isinstance(note, str) and pd.isna(note)):
        return ""
    return str(note)


def say(kind: str, msg: str) -> None:
    """A message below the form, and the same where the phone's screen is, whatever its scroll (the
    one below the form lands below the fold when the save button was at the bottom of the screen)."""
    C.say(kind, msg, toast=True)


@st.fragment
def recent_visits(u, today: dt.date) -> None:
    con = C.con()
    with st.expander(t("weekly_page.recent_title", days=V.EDIT_DAYS)):
        rec = V.recent_visits(con, u.staff_id, today, limit=20)
        if rec.empty:
            st.caption(t("weekly_page.recent_none", days=V.EDIT_DAYS))
            return
        rec = mask_frame(rec, u, con)
        rows = {int(r["id"]): r for _, r in rec.iterrows()}

        labels = {
            i: f"{pd.Timestamp(r['visited_on']).date().isoformat()} · {t('kind.' + r['kind'])} · "
            f"{r['head_name']} {r['household_code']}"
            for i, r in rows.items()
        }
        # a visit recorded since the last view (a higher id: the list is in the order of the days visited)
        # is the one picked, not whichever was picked before
        last, seen = max(rows), st.session_state.get("weekly_recent_newest")
        st.session_state["weekly_recent_newest"] = last
        if seen is not None and last > seen:
            st.session_state["weekly_recent_pick"] = last
        # the visit just changed stays picked (its words, a changed date or kind, are another label)
        C.restore_pick("weekly_recent_pick", rows)
        vid = st.selectbox(t("weekly_page.recent_pick"), list(rows), key="weekly_recent_pick", format_func=labels.get)
        st.caption(t("weekly_page.recent_shown", n=len(rows)))
        r = rows[vid]
        old_day = pd.Timestamp(r["visited_on"]).date()
        with st.form(f"weekly_edit_form_{vid}"):
            kinds = {k: t(f"kind.{k}") for k in VISIT_KINDS}
            kind = st.selectbox(
                t("weekly_page.kind"),
                VISIT_KINDS,
                index=VISIT_KINDS.index(r["kind"]),
                format_func=kinds.get,
                key=f"weekly_edit_kind_{vid}",
            )
            day = st.date_input(
                t("weekly_page.date"),
                value=old_day,
                min_value=DATE_MIN,
                max_value=DATE_MAX,
                key=f"weekly_edit_date_{vid}",
                format="YYYY-MM-DD",
            )
            note = st.text_area(
                t("weekly_page.note"),
                value=note_text(r["note"]),
                height=80,
                help=t("weekly_page.note_limit", n=V.NOTE_MAX),
                key=f"weekly_edit_note_{vid}",
            )
            action = st.checkbox(
                t("weekly_page.needs_action"), value=bool(r["needs_action"]), key=f"weekly_edit_action_{vid}"
            )
            save = st.form_submit_button(t("weekly_page.edit_submit"), width="stretch")
        if save:
            try:
                msg = V.edit_visit(
                    con, u, vid, today=today, visited_on=day, kind=kind, note=note, needs_action=action, lang=lang()
                )
            except V.VisitError as e:
                st.error(e.text(lang()))
            else:
                C.hold_pick("weekly_recent_pick", vid)
                saved("success", msg)
        sure = st.checkbox(t("weekly_page.delete_confirm"), key=f"weekly_delete_sure_{vid}")
        if st.button(t("weekly_page.delete"), key=f"weekly_delete_{vid}", width="stretch"):
            if not sure:
                st.error(t("weekly_page.delete_needs_confirm"))
            else:
                try:
                    msg = V.delete_visit(con, u, vid, today=today, lang=lang())
                except V.VisitError as e:
                    st.error(e.text(lang()))
                else:
                    saved("success", msg)


def worker_view(con, u, week: str, today: dt.date) -> None:
    if not u.staff_id:
        st.warning(t("weekly_page.no_staff"))
        return
    # The week and the lists are drawn into containers placed above the forms; the forms are
    # fragments, and a saved visit reruns the whole page (saved()), so it shows in the numbers at once.
    top = st.container()
    walk_box = st.container()
    due_box = st.container()
    visit_form(u, today)
    recent_visits(u, today)
    # the day's households, read once for both the walk and the due list (the due list as of today is
    # the day's households not visited today: analytics.walk.due_now)
    grids = V.staff_grids(con, u.staff_id, today)
    rows = shared.call(con, W.day_rows, u.staff_id, today, scope=u.scope, grids=grids)
    with top:
        show_week(con, u, week, today)
    with walk_box:
        from ui.walk import show_walk  # 今天走哪几户 (issue 20)

        show_walk(con, u, today, rows)
    with due_box:
        show_due(con, u, grids, W.due_now(rows))


# ----------------------------------------------------------------------------- township office


def office_view(con, u, week: str, today: dt.date) -> None:
    with st.spinner(t("progress.working")):
        q, ranked, inactive = shared.call(con, V.office_week, week, u.scope, today)
    if q.empty:
        st.info(t("weekly_page.office.no_staff"))
        return
    target = int(q["target_days"].iloc[0])
    with st.container(horizontal=True, gap="small"):
        st.metric(t("weekly_page.office.staff"), fmt_int(len(q), lang()), border=True)
        st.metric(
            t("weekly_page.office.met"),
            f"{fmt_int(int(q['met'].sum()), lang())} / {fmt_int(len(q), lang())}",
            border=True,
        )
        st.metric(t("weekly_page.office.inactive"), fmt_int(len(inactive), lang()), border=True)

    st.subheader(t("weekly_page.office.ranking"))
    st.caption(t("weekly_page.office.ranking_note", n=1, target=target, days=int(db.rule(con, "revisit_days"))))
    # a county's 4,500 ranked staff were 0.46 MB with every view: a page at a time
    if len(ranked):
        part = C.page_part(ranked, "weekly_ranking_page", C.LIST_PAGE_ROWS)
        st.dataframe(_styled(ranking_table(part), part["met"].tolist()), hide_index=True, width="stretch")
        C.page_picker(len(ranked), "weekly_ranking_page", C.LIST_PAGE_ROWS, "weekly_page.office.showing")
    st.markdown(f"**{t('weekly_page.office.inactive_title')}**")
    if len(inactive):
        part = C.page_part(inactive, "weekly_inactive_page", C.LIST_PAGE_ROWS)
        st.dataframe(ranking_table(part, ranked=False), hide_index=True, width="stretch")
        C.page_picker(len(inactive), "weekly_inactive_page", C.LIST_PAGE_ROWS, "weekly_page.office.showing")
    else:
        st.caption(t("weekly_page.office.inactive_none"))

    secretaries(con, u, week)

    # drawn only while open: a county's 5,969 staff were 0.5 MB sent with every view, opened or not
    full_table = st.expander(t("weekly_page.office.full_table"), key="weekly_full_table", on_change="rerun")
    if full_table.open:
        with full_table:
            full = q[QUOTA_COLUMNS].rename(columns=column_labels(QUOTA_COLUMNS, lang()))
            st.dataframe(full, hide_index=True, width="stretch")
            from analytics.export import to_xlsx_bytes

            heads = column_labels(QUOTA_COLUMNS, lang())
            downloads.button(
                t("weekly_page.export"),
                lambda: to_xlsx_bytes({week: q[QUOTA_COLUMNS]}, labels=heads),
                file_name=f"quotas-{week}.xlsx",
                key="weekly_export",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                audit=(None, audit.detail_line("quotas_export", week=week, fmt="xlsx")),
            )


BELOW_TARGET_BG = "background-color: #fdeeee"


def _styled(frame: pd.DataFrame, met: list[bool]) -> pd.DataFrame | pd.io.formats.style.Styler:
    """``frame`` with its rows below target (``met`` False) light red, when small enough (:func:`C.styled_rows`).

    The status column says "⚠ 未达标" either way.
    """
    return C.styled_rows(frame, [not m for m in met], BELOW_TARGET_BG)


def ranking_table(df: pd.DataFrame, ranked: bool = True) -> pd.DataFrame:
    status = [t("weekly_page.office.status_met") if m else t("weekly_page.office.status_below") for m in df["met"]]
    cols = {}
    if ranked:
        cols[t("col.rank")] = df["rank"].astype("Int64").tolist()
    cols[t("col.staff_name")] = df["name"].tolist()
    cols[t("weekly_page.office.status")] = status
    cols[t("col.visit_days")] = [f"{d} / {g}" for d, g in zip(df["visit_days"], df["target_days"])]
    cols[t("col.households_visited")] = df["households_visited"].astype(int).tolist()
    cols[t("weekly_page.office.coverage")] = [fmt_pct(c, lang()) for c in df["coverage"]]
    cols[t("col.grid_code")] = df["grid_code"].tolist()
    return pd.DataFrame(cols)


def secretaries(con, u, week: str) -> None:
    st.subheader(t("weekly_page.secretary.title"))
    st.caption(t("weekly_page.secretary.rule"))
    sec = V.secretary_receptions(con, week, u.scope)
    if sec.empty:
        st.caption(t("weekly_page.secretary.none"))
        return
    st.caption(t("weekly_page.secretary.met_count", met=int(sec["met"].sum()), n=len(sec)))
    table = pd.DataFrame(
        {
            t("col.staff_name"): sec["name"].tolist(),
            t("weekly_page.secretary.receptions"): sec["receptions"].astype(int).tolist(),
            t("col.met"): [bool_label(m, lang()) if m else "⚠ " + bool_label(m, lang()) for m in sec["met"]],
        }
    )
    st.dataframe(_styled(table, sec["met"].tolist()), hide_index=True, width="stretch")


# ----------------------------------------------------------------------------- page


def main() -> None:
    u = C.user()
    st.title(t("weekly_page.title"))
    if u is None:
        return
    office = u.role in OFFICE_ROLES
    st.caption(t("weekly_page.office_question") if office else t("weekly_page.question"))
    flash()
    con = C.con()
    today = C.today()
    week = week_picker(today, office)
    if office:
        office_view(con, u, week, today)
    else:
        # the data's version read once for the view's shared figures (every write in it — a saved,
        # edited or deleted visit — reruns the page at once: saved(), ui/walk.py _record)
        with shared.one_version(con):
            worker_view(con, u, week, today)


main()
