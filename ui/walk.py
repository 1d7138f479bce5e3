"""今天走哪几户 — today's walk on the weekly page (issue 20), drawn for a 390 px phone.

The plan comes from :func:`analytics.walk.plan`; this module only asks the phone for its position
(``streamlit-js-eval``: its JavaScript ships inside the wheel and fetches nothing; the browser asks
the user first, and a refusal — or a page served over plain HTTP, where browsers give no position —
falls back to the household visited last), draws the numbered stops and the path, and lists the
stops with the distance to the next one and a button that records the home visit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from analytics import visits as V
from analytics import walk as W
from auth.masking import mask_frame
from auth.users import User
from i18n import fmt_int, fmt_list
from ui import common as C
from ui.common import t

KEY = "walk"
MAP_HEIGHT = 300
#: a stop's mark when visited today and the next stop's, in every font the app meets (Noto Sans CJK and
#: DejaVu both have them): the emoji U+2705 and U+27A1 were an empty box on a computer without an emoji font
DONE_MARK, NEXT_MARK = "✓", "→"
#: The message key of the page the walk is on (pages/weekly.py): one for the whole page, the walk's
#: message shown at the walk (``where=KEY``), the forms' at the page's top. A visit recorded here and
#: then edited in "我最近的走访" showed both "已登记：…" and "已修改：…"; each now replaces the other.
FLASH = "weekly_flash"


def position_from(value: Any, now: dt.datetime) -> tuple[W.Position | None, str | None]:
    """Read what ``streamlit_js_eval.get_geolocation`` returned.

    Returns
    -------
    (position, refusal): the position (taken ``now``) when the browser gave one; otherwise None and,
    when the browser answered with an error (the user refused, no signal, plain HTTP), its message.
    ``(None, None)`` while the browser has not answered yet.

    Examples
    --------
    >>> now = dt.datetime(2026, 11, 22, 9, 0)
    >>> position_from({"coords": {"longitude": 107.3, "latitude": 30.1}}, now)[0].lon
    107.3
    >>> position_from({"error": {"code": 1, "message": "User denied Geolocation"}}, now)
    (None, 'User denied Geolocation')
    >>> position_from(None, now)
    (None, None)
    """
    if not isinstance(value, dict):
        return None, None
    if "error" in value:
        err = value.get("error") or {}
        return None, str(err.get("message") or err.get("code") or "?")
    coords = value.get("coords") or {}
    try:
        pos = W.Position(lon=float(coords["longitude"]), lat=float(coords["latitude"]), at=now)
    except (KeyError, TypeError, ValueError):
        return None, "?"
    return (pos, None) if pos.valid() else (None, "?")


def _position() -> W.Position | None:
    """The phone's position when the user switched "start from where I am" on and allowed it.

    Draws the switch, a sentence while the browser has not answered or when it refused, and a
    button to locate again.

    Returns
    -------
    analytics.walk.Position or None
        The position held for this session (until "locate again"); None when the switch is off, the
        browser has not answered yet or refused.
    """
    if not st.toggle(t("walk.use_position"), key=f"{KEY}.use_position", help=t("walk.use_position_help")):
        return None
    n = st.session_state.get(f"{KEY}.locate_n", 0)
    held = st.session_state.get(f"{KEY}.position.{n}")
    if held is None:
        from streamlit_js_eval import get_geolocation

        from auth.audit import now_local

        value = get_geolocation(component_key=f"{KEY}.geo.{n}")
        held, refusal = position_from(value, now_local())
        if refusal is not None:
            st.caption(t("walk.position_refused", message=refusal))
            return None
        if held is None:
            st.caption(t("walk.position_waiting"))
            return None
        st.session_state[f"{KEY}.position.{n}"] = held
    if st.button(t("walk.relocate"), key=f"{KEY}.relocate", icon=":material/my_location:"):
        st.session_state[f"{KEY}.locate_n"] = n + 1
        st.rerun()
    return held


def km(m: float | None) -> str:
    """A distance as the walk list writes it.

    Parameters
    ----------
    m : float or None
        Metres; None or NaN when unknown.

    Returns
    -------
    str
        ``350 m`` below a kilometre, else ``1.2 km``; ``—`` when unknown.

    Examples
    --------
    >>> km(350), km(1234), km(float("nan"))
    ('350 m', '1.2 km', '—')
    """
    if m is None or pd.isna(m):
        return "—"
    return f"{m:,.0f} m" if m < 1000 else f"{m / 1000:,.1f} km"


def _start_text(w: W.Walk) -> str:
    if w.start_source == "position":
        return t("walk.start.position")
    if w.start_source == "last_visit":
        return t("walk.start.last_visit", code=w.start_ref)
    if w.start_source == "grid_centre":
        return t("walk.start.grid_centre", code=w.start_ref)
    return t("walk.start.none")


def _last_text(r: pd.Series) -> str:
    if r["last_visit"] is None or pd.isna(r["last_visit"]):
        return t("weekly_page.never")
    return t("weekly_page.days_ago", n=int(r["days_since"]))


def flags_text(r: pd.Series) -> str:
    """A household's tags and its pairing (结对帮扶), as the walk and the weekly page's due list show them.

    Returns
    -------
    str
        The tags, then 结对帮扶 when the household is paired, in a list of the session's language.
    """
    tags = [str(x) for x in (r["tags"] if r["tags"] is not None else [])]
    if r["paired"]:
        tags.append(t("weekly_page.paired"))
    return fmt_list(tags, C.lang())


def _record(con: duckdb.DuckDBPyConnection, u: User, code: str, today: dt.date) -> None:
    try:
        created, msg = V.record_visit(con, u, code, today, "home", None, False, today=today, lang=C.lang())
    except V.VisitError as e:
        C.leave_message(FLASH, "error", e.text(C.lang()), where=KEY, toast=True)
    else:
        # a toast too, as the page's forms say theirs: it takes the place of a toast still up from an
        # earlier save or edit (Streamlit's browser side replaces the toast at the same place of the
        # run's toasts), which would otherwise say "已修改" beside this "已登记" for up to 10 s
        C.leave_message(FLASH, "success" if created else "warning", msg, where=KEY, toast=True)


def _stop_row(
    con: duckdb.DuckDBPyConnection, u: User, r: pd.Series, today: dt.date, next_stop: int | None, placed: bool
) -> None:
    from ui.household import md, open_button

    is_next = placed and next_stop is not None and int(r["stop"]) == next_stop
    with st.container(border=is_next, key=f"{KEY}.row.{r['household_code']}"):
        if placed:
            mark = DONE_MARK if r["done"] else (NEXT_MARK if is_next else f"**{int(r['stop'])}**")
        else:
            mark = DONE_MARK if r["done"] else "•"
        line = f"{mark} {md(r['head_name'])} · {md(r['household_code'])}"
        # the last visit before today (the day's list is drawn as of this morning): for a stop done today
        # it said "never visited" beside "visited today ✓" (walk.done) — the tick below says it all
        bits = [] if r["done"] else [_last_text(r)]
        flags = flags_text(r)
        if flags:
            bits.append(md(flags))
        if placed and not r["done"]:
            bits.append(t("walk.to_next", d=km(r["to_next_m"])) if not pd.isna(r["to_next_m"]) else t("walk.last_stop"))
        st.markdown(line + ("  \n" + t("walk.next_label") if is_next else ""))
        if bits:
            st.caption(" · ".join(bits))
        with st.container(horizontal=True, gap="small"):
            if r["done"]:
                st.caption(t("walk.done"))
            elif st.button(
                t("walk.record"),
                key=f"{KEY}.record.{r['household_code']}",
                type="primary" if is_next else "secondary",
                icon=":material/check:",
            ):
                _record(con, u, str(r["household_code"]), today)
                st.rerun()
            open_button(str(r["household_code"]), key=f"{KEY}.open.{r['household_code']}")


def show_walk(con: duckdb.DuckDBPyConnection, u: User, today: dt.date, rows: pd.DataFrame | None = None) -> None:
    """The section "今天走哪几户" for a grid worker (``u.staff_id``).

    ``rows``: :func:`analytics.walk.day_rows` of the user and ``today`` when the page has read them
    (for its due list too); default: the plan reads them.
    """
    st.subheader(t("walk.title"))
    C.show_message(FLASH, where=KEY)
    position = _position()
    w = W.plan(con, u.staff_id, today, scope=u.scope, position=position, rows=rows)
    if w.households == 0:
        st.success(t("walk.nothing"))
        return
    stops = mask_frame(w.stops, u, con)
    unplaced = mask_frame(w.unplaced, u, con)
    left = int((~w.stops["done"]).sum()) + int((~w.unplaced["done"]).sum())
    lang = C.lang()
    with st.container(horizontal=True, gap="small"):
        st.metric(
            t("walk.metric.plan"),
            t("walk.metric.plan_value", n=fmt_int(w.households, lang), left=left),
            border=True,
            help=t("walk.metric.plan_help", size=w.plan_size, due=fmt_int(w.due, lang)),
        )
        ratio = (w.length_m / w.date_order_m) if w.date_order_m > 0 else None
        st.metric(
            t("walk.metric.length"),
            km(w.length_m),
            border=True,
            delta=t("walk.metric.vs_date", d=km(w.date_order_m)) if ratio is not None and ratio < 0.999 else None,
            delta_color="off",
            delta_arrow="off",
        )
    st.caption(_start_text(w) + " · " + t("walk.straight_lines"))
    if stops[["lon", "lat"]].notna().all(axis=1).any():
        from gis import maps
        from ui.maps import render

        pts = stops.dropna(subset=["lon", "lat"])  # a point withheld by masking is not drawn
        lons = pts["lon"].astype(float).tolist() + ([w.start[0]] if w.start else [])
        lats = pts["lat"].astype(float).tolist() + ([w.start[1]] if w.start else [])
        pad = 0.001
        m = maps.base_map(bounds=(min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad))
        tips = [f"{int(r['stop'])}. {r['head_name']} {r['household_code']}" for _, r in pts.iterrows()]
        maps.walk_layer(m, pts, start=w.start, current=w.next_stop, tooltip=tips)
        render(m, key=f"{KEY}.map", height=MAP_HEIGHT, returned_objects=[])
    next_stop = w.next_stop  # once: a property that filters the stops (it was half of the rows' time)
    for _, r in stops.iterrows():
        _stop_row(con, u, r, today, next_stop, placed=True)
    if len(stops):
        st.caption(t("walk.total", d=km(w.length_m)))
    if len(unplaced):
        st.markdown(f"**{t('walk.unplaced_title', n=len(unplaced))}**")
        st.caption(t("walk.unplaced_help"))
        for _, r in unplaced.iterrows():
            _stop_row(con, u, r, today, None, placed=False)
