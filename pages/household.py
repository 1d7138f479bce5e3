"""民情档案 — "at the door: everything already known about this household" (issue 20).

One household's record on one phone screen: the head (as the role may see it), what needs action,
then the visits, petitions, who answered for it, pairings and changes, newest first. Opened from any
list that names a household (ui/household.py) or found with the search box here. Exactly
``manage.py report household --code CODE`` (analytics.household); opening a record is audited.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import household as HH
from i18n import CATALOG, fmt_int, fmt_list
from store import db
from ui import common as C
from ui.common import t
from ui import household as HU
from ui.household import SESSION_KEY, md

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "household_page"
AUDITED_KEY = "household_page.audited"


def _like(query: str) -> str:
    esc = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


def search(con, u) -> None:
    """A search box: household code, head's name or address (any status), within scope."""
    q = st.text_input(t("household.search"), key=f"{KEY}.query", placeholder=t("household.search_placeholder"))
    if not q or not q.strip():
        return
    from auth.masking import mask_frame

    hits = db.df(
        con,
        "household_search",
        query=q.strip(),
        like=_like(q.strip()),
        scope=None if u.scope is None else list(u.scope),
        limit=HU.SEARCH_LIMIT + 1,  # one more than listed: "找到 20 户" only when exactly 20 were found
    )
    if hits.empty:
        st.caption(t("household.search_none"))
        return
    capped = len(hits) > HU.SEARCH_LIMIT
    hits = hits.head(HU.SEARCH_LIMIT)
    hits = mask_frame(hits, u, con)
    labels = {
        r["household_code"]: " · ".join(
            str(x) for x in (r["head_name"], r["household_code"], r["address"]) if x is not None and not pd.isna(x)
        )
        for _, r in hits.iterrows()
    }
    pick = st.selectbox(
        t("household.search_capped", n=HU.SEARCH_LIMIT) if capped else t("household.search_pick", n=len(hits)),
        list(labels),
        index=0 if len(labels) == 1 else None,  # one household found: shown at once
        format_func=lambda c: labels[c],
        key=f"{KEY}.pick",
        placeholder="—",
    )
    if pick and pick != st.session_state.get(SESSION_KEY):
        st.session_state[SESSION_KEY] = pick
        st.rerun()


def _label(section: str, value) -> str:
    """A code of the record (kind, status, role, field) in the page's language."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    v = str(value)
    keys = {
        "visit": f"kind.{v}",
        "status": f"status.{v}",
        "role": f"household.role.{v}",
        "field": f"household.field.{v}",
        "hh_status": f"household.hh_status.{v}",
    }
    key = keys.get(section)
    return t(key) if key and key in CATALOG[C.lang()] else v


def _date(v) -> str:
    return "" if v is None or pd.isna(v) else pd.Timestamp(v).date().isoformat()


def head(rows: pd.DataFrame, rec: HH.Record) -> None:
    """Name, code, tags, status and where it lives — the first lines on the phone."""
    h = {
        k: ("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
        for k, v in zip(
            rows.loc[rows["section"] == "household", "item"], rows.loc[rows["section"] == "household", "detail"]
        )
    }
    name = h.get("head_name") or ""
    st.markdown(f"### {md(name)} · {md(rec.code)}")
    status = h.get("status")
    bits = []
    if status and status != "active":
        bits.append("⚠ " + _label("hh_status", status))
    if h.get("tags"):
        bits.append(t("household.line", field=md(t("household.field.tags")), value=md(h["tags"])))
    if bits:
        st.markdown(" · ".join(bits))
    last = rows.loc[(rows["section"] == "household") & (rows["item"] == "last_home_visit"), "date"].iloc[0]
    lines = [
        (t("household.field.members"), h.get("members")),
        (t("household.field.phone"), h.get("phone")),
        (t("household.field.address"), h.get("address")),
        (t("household.field.grid"), h.get("grid")),
        (t("household.field.village"), " · ".join(x for x in (h.get("village"), h.get("township")) if x)),
        (t("household.field.last_home_visit"), _date(last) or t("weekly_page.never")),
    ]
    now = rows[(rows["section"] == "responsible") & rows["until"].isna()]
    if len(now):
        lines.append(
            (
                t("household.responsible_now"),
                fmt_list(
                    (
                        t("household.person_role", name=d, role=_label("role", r))
                        for d, r in zip(now["detail"], now["status"])
                    ),
                    C.lang(),
                ),
            )
        )
    st.markdown("  \n".join(t("household.line", field=md(k), value=md(v)) for k, v in lines if v))


def table(rows: pd.DataFrame, section: str, columns: dict[str, str]) -> None:
    part = rows[rows["section"] == section]
    if part.empty:
        st.caption(t(f"household.none.{section}"))
        return
    out = pd.DataFrame(
        {
            t(label): [_cell(section, col, v) + _late(col, r) for v, (_, r) in zip(part[col], part.iterrows())]
            for col, label in columns.items()
        }
    )
    # on a phone the table's toolbar, always shown, has room above the table: ui/common.py PAGE_STYLE
    st.dataframe(out, hide_index=True, width="stretch", key=f"{KEY}.{section}")


def _late(col: str, row: pd.Series) -> str:
    """`` ⚠ 已逾期`` after a deadline that has passed."""
    return f" ⚠ {t('household.overdue')}" if col == "until" and row["overdue"] is True else ""


def _cell(section: str, col: str, v) -> str:
    if col in ("date", "until"):
        return _date(v)
    if col == "item" and section == "visit":
        return _label("visit", v)
    if col == "item" and section == "change":
        return _label("field", v)
    if col == "status" and section in ("responsible", "pairing"):
        return _label("role", v)
    if col == "status":
        return _label("status", v)
    if col == "item" and section == "follow_up":
        kind, _, ident = str(v).partition(" ")
        return f"{t('household.kind.' + kind)} {ident}"
    if col == "detail" and section == "change":
        old, _, new = str(v).partition(" → ")
        return f"{_label('hh_status', old)} → {_label('hh_status', new)}"
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def show(rec: HH.Record) -> None:
    rows = rec.rows()
    head(rows, rec)
    follow = rows[rows["section"] == "follow_up"]
    if len(follow):
        st.markdown(f"**{t('household.follow_up_title', n=len(follow))}**")
        table(
            rows,
            "follow_up",
            {
                "date": "household.col.date",
                "item": "household.col.item",
                "status": "household.col.status",
                "until": "household.col.until",
            },
        )
    n = {s: int((rows["section"] == s).sum()) for s in HH.SECTIONS}
    tabs = st.tabs(
        [
            t("household.tab.visit", n=fmt_int(n["visit"], C.lang())),
            t("household.tab.petition", n=fmt_int(n["petition"], C.lang())),
            t("household.tab.responsible"),
            t("household.tab.pairing", n=n["pairing"]),
            t("household.tab.change"),
        ]
    )
    with tabs[0]:
        table(
            rows,
            "visit",
            {
                "date": "household.col.date",
                "item": "household.col.kind",
                "by": "household.col.by",
                "detail": "household.col.note",
                "status": "household.col.issue",
            },
        )
    with tabs[1]:
        table(
            rows,
            "petition",
            {
                "date": "household.col.received",
                "item": "household.col.petition",
                "status": "household.col.status",
                "until": "household.col.until",
                "detail": "household.col.what",
            },
        )
    with tabs[2]:
        table(
            rows,
            "responsible",
            {
                "date": "household.col.from",
                "until": "household.col.to",
                "item": "household.col.grid",
                "detail": "household.col.person",
                "status": "household.col.role",
            },
        )
        st.caption(t("household.responsible_help"))
    with tabs[3]:
        table(
            rows,
            "pairing",
            {
                "date": "household.col.since",
                "item": "household.col.person",
                "status": "household.col.role",
                "detail": "household.col.rank",
            },
        )
    with tabs[4]:
        changes = rows[(rows["section"] == "change") & (rows["item"] != "recorded_since")]
        if len(changes):
            table(
                changes,
                "change",
                {
                    "date": "household.col.date",
                    "item": "household.col.field",
                    "detail": "household.col.change",
                    "by": "household.col.source",
                },
            )
        else:
            st.caption(t("household.none.change"))
        st.caption(t("household.changes_since", date=_date(rec.changes_since) or "—"))


def main() -> None:
    u = C.user()
    st.title(t("household.title"))
    if u is None:
        return
    st.caption(t("household.question"))
    con = C.con()
    search(con, u)
    code = st.session_state.get(SESSION_KEY)
    if not code:
        st.info(t("household.pick_hint"))
        return
    # the audit entry is written when a record is opened, not on every rerun of the same record
    first = st.session_state.get(AUDITED_KEY) != code
    try:
        rec = HH.open_record(con, code, u, today=C.today(), audited=first)
    except HH.HouseholdError as e:
        st.error(t(f"household.error.{e.reason}", code=code))
        return
    st.session_state[AUDITED_KEY] = code
    st.caption(t("household.audit_notice"))
    show(rec)


main()
