"""Petitions (信访办理): the work list with due dates (overdue first), progress entry, locating a
petition, figures per township/village beside the benchmarks, and the monthly 通报 for download."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from analytics import calendar, monthly, petitions
from analytics.export import to_csv_bytes
from analytics.reports import county_wide
from auth import audit
from i18n import PCT_FORMAT, fmt_int, fmt_month, fmt_pct
from store import db
from ui import common as C
from ui import downloads
from ui import figures as F
from ui import shared
from ui.common import t

#: the sentence of the last status saved, for the page's next runs (ui.common.leave_message)
FLASH = "petitions_page.flash"

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

c = C.con()
lang = C.lang()
u = C.user()
today = C.today()
area = C.selected_area()
date_from, date_to = C.selected_period()
# the selected area; at the top of a county-wide scope the whole county, unlocated petitions included
scope = C.area_scope(area)


def col_label(column: str) -> str:
    return monthly.label(column, lang)


st.title(t("petitions_page.title") + (f" · {area.name}" if area.code else ""))
st.caption(t("petitions_page.question"))

# ----------------------------------------------------------------------------- headline figures
with st.spinner(t("progress.working")):
    # every item of the scope, all dates, with its deadlines, in two parts cut out of the county's
    # (ui/shared.py worklist_parts) and shared by every session: the
    # petitions once per data version without visits (a saved visit does not compute them again), the
    # visit issues once per data version without quiet visits (a visit that raises no issue does not
    # compute them again, one that raises an issue does); the headline, the work list and the figures by area are
    # taken from the two part by part, and only the rows shown are put together (a county's parts hold
    # 175,000 items)
    parts = shared.worklist_parts(c, today, scope)
    s = petitions.summary(c, date_from, date_to, scope, today, every=parts)
st.caption(t("petitions_page.period", start=date_from.isoformat(), end=date_to.isoformat()))
m1, m2, m3, m4, m5 = st.columns(5)
F.metric(m1, "petitions_received", s["received"])
F.metric(m2, "resolution_rate", s["resolution_rate"])
F.metric(m3, "on_time_rate", s["on_time_rate"])
F.metric(m4, "satisfaction_rate", s["satisfaction_rate"], benchmark=s["benchmark_satisfaction"])
F.metric(m5, "petitions_overdue", s["overdue"])
n1, n2, n3, n4, _ = st.columns(5)
F.metric(n1, "issues", s["issues"])
F.metric(n2, "issues_closed", s["issues_closed"])
F.metric(n3, "issues_overdue", s["issues_overdue"])
F.metric(n4, "solved_rate", s["solved_rate"], benchmark=s["benchmark_solved"])
extra = [
    f"{F.label('petitions_group')} {fmt_int(s['group'], lang)}",
    f"{F.label('petitions_repeat')} {fmt_int(s['repeat'], lang)}",
]
if county_wide(c, scope):  # unlocated petitions belong to no township: shown county-wide only
    extra.append(f"{F.label('petitions_unlocated')} {fmt_int(s['unlocated'], lang)}")
st.caption(" · ".join(extra))

# ----------------------------------------------------------------------------- the work list
st.subheader(t("petitions_page.worklist"))
notice = petitions.deadline_notice(c, parts, lang)
if notice:
    st.warning(notice)
f1, f2 = st.columns(2)
# the options' words made in the run, in the page's language (a format function reading the session's
# language later, outside the run, answers in the default one)
status_words = {x: t(f"status.{x}") for x in petitions.STATUSES}
kind_words = {x: t(f"petitions_page.kind.{x}") for x in ("petition", "visit_issue")}
statuses = f1.multiselect(
    t("petitions_page.filter_status"),
    list(petitions.STATUSES),
    default=list(petitions.OPEN_STATUSES),
    format_func=status_words.get,
    key="pet_status",
    placeholder=t("pick.at_least_one"),
    persist_state="session",  # kept when the user leaves the page and comes back
)
kinds = f2.multiselect(
    t("petitions_page.filter_kind"),
    ["petition", "visit_issue"],
    default=["petition", "visit_issue"],
    format_func=kind_words.get,
    key="pet_kind",
    placeholder=t("pick.at_least_one"),
    persist_state="session",
)
# which items of each part are of the chosen states and kinds
masks = [(p["status"].isin(statuses) & p["kind"].isin(kinds)).to_numpy(bool) for p in parts]


def chosen(n: int | None = None) -> list[pd.DataFrame]:
    """The chosen items of each part (its first ``n`` when given), in the work list's order."""
    return [p.iloc[np.flatnonzero(m)[:n]] for p, m in zip(parts, masks)]


cols = [
    "kind",
    "id",
    "received_on",
    "township_name",
    "village_name",
    "category",
    "people",
    "status",
    "reply_due",
    "close_due",
    "overdue",
    "days_overdue",
    "text",
]
labels = {k: col_label(k) for k in cols}
labels["overdue"] = t("petitions_page.col.overdue_flag")


def _worded(frame: pd.DataFrame) -> pd.DataFrame:
    """The work list's columns as the table and its download show them (dates as ``datetime.date``)."""
    out = petitions.with_dates(frame)[cols]
    out["kind"] = C.t_each("petitions_page.kind.{}", out["kind"])
    out["status"] = C.t_each("status.{}", out["status"])
    out["overdue"] = np.where(out["overdue"].to_numpy(bool), t("value.true"), "")
    return out


n_shown = sum(int(m.sum()) for m in masks)
if not statuses:  # the filter emptied: say which box to fill, not "nothing to do"
    st.info(t("petitions_page.no_status_chosen"))
elif not kinds:
    st.info(t("petitions_page.no_kind_chosen"))
elif not n_shown:
    st.info(t("petitions_page.empty_worklist"))
else:
    late = pd.concat([p.loc[m & p["overdue"].to_numpy(bool), "kind"] for p, m in zip(parts, masks)])
    st.caption(
        t(
            "petitions_page.overdue_count",
            petitions=fmt_int(int((late == "petition").sum()), lang),
            issues=fmt_int(int((late == "visit_issue").sum()), lang),
        )
    )
    if n_shown > C.TABLE_ROWS:
        # a county's list holds tens of thousands of items: the table shows the most urgent (the list is
        # ordered overdue first), the whole selection is one download away (put together when clicked)
        st.caption(t("petitions_page.worklist_cut", n=fmt_int(n_shown, lang), k=fmt_int(C.TABLE_ROWS, lang)))
        downloads.button(
            t("petitions_page.worklist_download"),
            lambda: to_csv_bytes(_worded(petitions.combined(*chosen())), labels),
            file_name=f"待办清单-{today:%Y%m%d}.csv",
            mime="text/csv",
            key="pet_worklist_download",
            audit=(area.code, audit.detail_line("worklist_export", rows=n_shown)),
        )
    shown = petitions.combined(*chosen(C.TABLE_ROWS), head=C.TABLE_ROWS)
    table = _worded(shown)
    event = st.dataframe(
        table.rename(columns=labels),
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            labels["received_on"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
            labels["reply_due"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
            labels["close_due"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
        },
        key="pet_worklist",
        on_select="rerun",
        selection_mode="single-row",
    )
    # a row of a household opens its record (民情档案, issue 20)
    st.caption(t("household.select_hint"))
    from ui.household import open_selected

    open_selected(shown["household_code"].tolist(), event)

# ----------------------------------------------------------------------------- progress entry
# the open items for the picker, in the work list's order (of the columns it reads)
open_items = petitions.combined(
    *[p.loc[p["status"].ne("closed").to_numpy(bool), ["kind", "id", "status", "_order"]] for p in parts]
)
left, right = st.columns(2)
with left:
    st.subheader(t("petitions_page.change"))
    C.show_message(FLASH)  # the last save's sentence (the page ran again to show it everywhere)
    if open_items.empty:
        st.info(t("petitions_page.nothing_open"))
    else:
        # every open item, whatever the list's filters: a clerk records progress on the item handed to
        # them (by its number, 按编号查找), and a number must not be "not found" because the list above
        # was narrowed for another purpose; the caption says so (with no status chosen the list is empty
        # while this form still offers every open item)
        st.caption(t("petitions_page.change_all_open", n=fmt_int(len(open_items), lang)))
        open_items = C.few(open_items, "id", "pet_item_find")
        keys = [f"{k}|{i}" for k, i in zip(open_items["kind"], open_items["id"])]
        names = {
            f"{k}|{i}": f"{kind_} {i} · {st_}"
            for k, i, kind_, st_ in zip(
                open_items["kind"],
                open_items["id"],
                C.t_each("petitions_page.kind.{}", open_items["kind"]),
                C.t_each("status.{}", open_items["status"]),
            )
        }
        C.keep_offered("pet_item", keys)  # after a search that found nothing, the first match is picked
        C.restore_pick("pet_item", keys)  # the item just saved, its status (its words) changed
        new_statuses = petitions.STATUSES[1:]  # where a change can take an item: on from 受理
        # the reply typed for the item just saved is not offered for the next one
        C.empty_after_save(
            "pet_change", {"pet_new_status": new_statuses[0], "pet_date": today, "pet_text": "", "pet_sat": ""}
        )
        with st.form("pet_change"):
            item = st.selectbox(
                t("petitions_page.change_item"),
                keys,
                format_func=lambda x: names[x],
                key="pet_item",
                placeholder=t("petitions_page.pick_placeholder"),  # a search that found nothing
            )
            # the labels are made now, in the run's language (AppTest words a choice after the run)
            status_names = {x: t(f"status.{x}") for x in new_statuses}
            new_status = st.selectbox(
                t("petitions_page.new_status"),
                list(status_names),
                format_func=status_names.get,
                key="pet_new_status",
            )
            # a future date: refused
            when = st.date_input(t("petitions_page.date"), today, key="pet_date", format="YYYY-MM-DD")
            text = st.text_area(t("petitions_page.reply_text"), key="pet_text")
            # "" for none: a selectbox whose value is None shows Streamlit's own "Choose an option"
            sat_names = {"": t("petitions_page.satisfaction_none")} | {
                x: t(f"satisfaction.{x}") for x in petitions.SATISFACTION
            }
            sat = st.selectbox(
                t("petitions_page.satisfaction"),
                list(sat_names),
                format_func=sat_names.get,
                key="pet_sat",
            )
            go = st.form_submit_button(t("petitions_page.save"), type="primary")
        if go and not item:  # the number typed in 按编号查找 matches no open item: nothing was chosen
            st.error(t("petitions_page.pick_item"))
        elif go:
            kind, item_id = item.split("|", 1)
            try:
                if kind == "petition":
                    res = petitions.change_status(
                        c,
                        u,
                        item_id,
                        new_status,
                        when,
                        reply_text=text or None,
                        satisfaction=(sat or None) if new_status == "closed" else None,
                        today=today,
                    )
                else:
                    res = petitions.change_issue_status(c, u, item_id, new_status, when, note=text or None, today=today)
            except petitions.PetitionError as e:
                st.error(e.text(lang))
            else:
                C.leave_message(
                    FLASH, "success", t("petitions_page.saved", id=res["id"], status=t(f"status.{res['status']}"))
                )
                C.hold_pick("pet_item", item)
                C.mark_saved("pet_change")
                st.rerun()

# ----------------------------------------------------------------------------- locating a petition
with right:
    st.subheader(t("petitions_page.attach"))
    st.caption(t("petitions_page.attach_hint"))
    pets = parts[0][["id", "located"]]  # the work list's petitions (its first part), in its order
    pets = pets.iloc[np.argsort(pets["located"].to_numpy(bool), kind="stable")]  # unlocated first
    if pets.empty:
        st.info(t("petitions_page.no_petitions"))
    else:
        how_names = {x: t(f"petitions_page.attach.{x}") for x in ("household", "point", "village")}
        how = st.radio(
            t("petitions_page.attach_how"),
            list(how_names),
            horizontal=True,
            format_func=how_names.get,
            key="pet_attach_how",
        )
        pets = C.few(pets, "id", "pet_attach_find")
        C.keep_offered("pet_attach_id", pets["id"].tolist())
        with st.form("pet_attach"):
            unlocated = t("value.unlocated")
            located = dict(zip(pets["id"], pets["located"]))
            pid = st.selectbox(
                t("petitions_page.attach_petition"),
                pets["id"].tolist(),
                key="pet_attach_id",
                placeholder=t("petitions_page.pick_placeholder"),
                format_func=lambda i: i if located[i] else f"{i} · {unlocated}",
            )
            hh = lon = lat = vc = None
            if how == "household":
                hh = st.text_input(t("petitions_page.attach.household"), key="pet_attach_hh")
            elif how == "point":
                a, b = st.columns(2)
                lon = a.number_input(t("petitions_page.lon"), value=None, format="%.6f", key="pet_attach_lon")
                lat = b.number_input(t("petitions_page.lat"), value=None, format="%.6f", key="pet_attach_lat")
            else:
                villages = db.df(c, "area_households", level="village", scope=scope)
                vnames = dict(zip(villages["code"], villages["name"]))
                vc = st.selectbox(
                    t("petitions_page.attach.village"),
                    villages["code"].tolist(),
                    format_func=lambda x: f"{vnames[x]}（{x}）",
                    key="pet_attach_village",
                )
            go2 = st.form_submit_button(t("petitions_page.save"))
        if go2 and not pid:  # the number typed in 按编号查找 matches no petition
            st.error(t("petitions_page.pick_petition"))
        elif go2:
            try:
                where = petitions.attach(
                    c,
                    u,
                    pid,
                    household_code=hh or None,
                    lon=lon if how == "point" else None,
                    lat=lat if how == "point" else None,
                    village_code=vc or None,
                )
            except petitions.PetitionError as e:
                st.error(e.text(lang))
            else:
                if where:
                    st.success(t("petitions_page.attached", id=pid, area=where))
                else:
                    st.warning(t("petitions_page.attached_outside", id=pid))

# ----------------------------------------------------------------------------- figures by area
st.subheader(t("petitions_page.figures"))
# the levels with areas in the user's scope (a grid leader's: their grid)
levels: list[str] = []
for lv in ("township", "village", "grid"):  # the first two (a query each, until two are found)
    if len(levels) < 2 and len(db.df(c, "areas_in_scope", level=lv, scope=None if u.scope is None else list(u.scope))):
        levels.append(lv)
levels = levels or ["township"]
level_names = {lv: t(f"level.{lv}") for lv in levels}
level = (
    st.radio(
        t("petitions_page.figures_level"),
        levels,
        horizontal=True,
        format_func=level_names.get,
        key="pet_level",
        persist_state="session",
    )
    if len(levels) > 1
    else levels[0]
)
with st.spinner(t("progress.working")):
    figs = petitions.figures_by_area(c, level, date_from, date_to, scope, today, every=parts)
st.caption(
    t(
        "petitions_page.benchmarks",
        solved=fmt_pct(s["benchmark_solved"], lang),
        satisfaction=fmt_pct(s["benchmark_satisfaction"], lang),
    )
)
fcols = [
    "code",
    "name",
    "households",
    "received",
    "per_1000",
    "closed",
    "closed_on_time",
    "on_time_rate",
    "overdue",
    "rated",
    "satisfaction_rate",
    "benchmark_satisfaction",
    "repeat",
    "group",
    "issues",
    "issues_closed",
    "solved_rate",
    "benchmark_solved",
]
flabels = {k: col_label(k) for k in fcols}
rates = ("on_time_rate", "satisfaction_rate", "benchmark_satisfaction", "solved_rate", "benchmark_solved")
pct = {flabels[k]: st.column_config.NumberColumn(flabels[k], format=PCT_FORMAT) for k in rates}
pct.update(
    {
        flabels[k]: st.column_config.NumberColumn(flabels[k], format="localized")
        for k in (
            "households",
            "received",
            "closed",
            "closed_on_time",
            "overdue",
            "rated",
            "repeat",
            "group",
            "issues",
            "issues_closed",
        )
    }
)
shown_figs = figs[fcols].assign(**{k: figs[k] * 100 for k in rates})
st.dataframe(shown_figs.rename(columns=flabels), hide_index=True, width="stretch", column_config=pct, placeholder="—")
with st.expander(t("petitions_page.definitions")):
    st.write(
        t(
            "petitions_page.definitions_text",
            reply=int(db.rule(c, "reply_working_days")),
            close=int(db.rule(c, "close_days")),
        )
    )

# ----------------------------------------------------------------------------- the monthly 通报
st.subheader(t("petitions_page.monthly"))
months = []
d = today.replace(day=1)
for _ in range(12):
    months.append(d)
    d = (d - dt.timedelta(days=1)).replace(day=1)
mc1, mc2 = st.columns([2, 3])
month = mc1.selectbox(
    t("petitions_page.monthly_month"),
    months,
    index=1 if today.day < 10 else 0,
    format_func=lambda x: fmt_month(x.year, x.month, lang),
    key="pet_month",
)
if mc1.button(t("petitions_page.monthly_build"), key="pet_month_build"):
    with st.spinner(t("petitions_page.monthly_working")):
        st.session_state["pet_month_xlsx"] = (month, monthly.monthly_workbook(c, f"{month:%Y-%m}", scope, today, "zh"))
built = st.session_state.get("pet_month_xlsx")
if built and built[0] == month:
    with mc2:
        xlsx = built[1]
        downloads.button(
            t("petitions_page.monthly_download"),
            lambda: xlsx,
            file_name=f"通报-{month:%Y-%m}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="pet_month_dl",
            audit=(None, audit.detail_line("monthly_export", month=f"{month:%Y-%m}", fmt="xlsx")),
        )

# ----------------------------------------------------------------------------- 放假安排 (administrator)
if u is not None and u.role == "admin":
    with st.expander(t("petitions_page.holidays"), expanded=bool(notice)):
        if notice:
            st.caption(notice)
        with st.form("pet_holiday"):
            hday = st.date_input(
                t("petitions_page.holiday_day"), dt.date(today.year + 1, 1, 1), key="pet_hday", format="YYYY-MM-DD"
            )
            hwork = st.checkbox(t("petitions_page.holiday_workday"), key="pet_hwork")
            hname = st.text_input(t("petitions_page.holiday_name"), key="pet_hname")
            go3 = st.form_submit_button(t("petitions_page.save"))
        if go3:
            calendar.set_custom_day(c, u, hday, hwork, hname or None)
            st.success(t("petitions_page.holiday_saved", day=hday.isoformat()))
        entries = calendar.custom_days(c)
        if len(entries):
            st.dataframe(entries, hide_index=True, width="stretch")
