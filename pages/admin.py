"""Administration (admin only): search the audit log, change the rules, manage the accounts.

Every write goes through ``auth`` (``audit.set_rule``, ``users.add_user`` / ``set_password`` /
``disable_user`` / ``enable_user``), which writes the audit entry in the same transaction.
Writes run in widget callbacks, so the tables drawn afterwards in the same run are already fresh;
their outcome is kept as a one-time message (a sentence, never a traceback).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from analytics import export
from auth import audit, scope, users
from i18n import CATALOG, fmt_date, fmt_list, role_label
from ui import common as C
from ui import downloads
from ui.common import t
from vocabulary.areas import LEVELS

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "admin_page"
FLASH = f"{KEY}.flash"
AUDIT_LIMIT = 500
#: The audit table's detail column, in half-width characters (a Chinese one counts two), that fits on one
#: line at desk width (1280 px); a longer detail wraps: the rows are :data:`AUDIT_ROW_WRAPPED` px high.
AUDIT_DETAIL_ONE_LINE = 56
#: The audit table's row height in px when a detail is longer than a line (three lines of text; the
#: table wraps a cell's text only above 64 px).
AUDIT_ROW_WRAPPED = 72


# ----------------------------------------------------------------------------- helpers


def _flash(section: str, kind: str, text: str) -> None:
    C.leave_message(FLASH, kind, text, where=section)


def _show_flash(section: str) -> None:
    C.show_message(FLASH, where=section)


def _known(key: str) -> bool:
    return key in CATALOG[C.lang() if C.lang() in CATALOG else "zh"]


def _num(v: float) -> str:
    return f"{float(v):g}"


def _unit(unit: Any) -> str:
    if not unit or (isinstance(unit, float) and pd.isna(unit)):
        return ""
    key = f"{KEY}.unit." + re.sub(r"[^a-z]+", "_", str(unit).lower()).strip("_")
    return t(key) if _known(key) else str(unit)


def _rule_label(key: str, description: Any = None) -> str:
    k = f"{KEY}.rule.{key}"
    if _known(k):
        return t(k)
    return str(description) if description and not pd.isna(description) else key


def _action_label(action: Any) -> str:
    k = f"{KEY}.action.{action}"
    return t(k) if _known(k) else str(action)


def _actor() -> Any:
    return C.user()


def _error_text(e: users.AuthError | audit.RuleError) -> str:
    """An account or rule error in the page's language (i18n/message.py)."""
    return e.text(C.lang())


@st.cache_data(show_spinner=False, ttl=600)
def _area_options(db_path: str, version: tuple) -> tuple[list[str], dict[str, str]]:
    """Every area code (county first, then by level and code) and a label for each: 甲村 › 第一网格（code）."""
    con = C.con()
    frames = {lvl: scope.visible_areas(con, None, lvl) for lvl in LEVELS}
    names: dict[str, str] = {}
    parents: dict[str, Any] = {}
    for f in frames.values():
        names.update(zip(f["code"], f["name"]))
        parents.update(zip(f["code"], f["parent_code"]))
    codes: list[str] = []
    labels: dict[str, str] = {}
    for lvl in LEVELS:
        for code, name in zip(frames[lvl]["code"], frames[lvl]["name"]):
            p = parents.get(code)
            prefix = f"{names[p]} › " if lvl in ("village", "grid") and p in names else ""
            codes.append(code)
            labels[code] = f"{prefix}{name}（{code}）"
    return codes, labels


@st.cache_data(show_spinner=False, ttl=600)
def _county_codes(db_path: str, version: tuple) -> frozenset[str]:
    """The codes of the county level: an account scoped to all of them sees what one without areas sees."""
    return frozenset(scope.visible_areas(C.con(), None, "county")["code"])


def _areas_version() -> tuple:
    from store import db

    row = db.execute(C.con(), "areas_version").fetchone()
    return tuple(str(x) for x in (row or ()))


# ----------------------------------------------------------------------------- audit log


def audit_section() -> None:
    c1, c2, c3, c4 = st.columns([2, 2, 1.5, 1.5])
    who = c1.text_input(t(f"{KEY}.audit_user"), key=f"{KEY}.audit_user", help=t(f"{KEY}.audit_user_help"))
    action = (
        c2.selectbox(
            t(f"{KEY}.audit_action"),
            ["", *audit.ACTIONS],  # "": any action (a text, so that the language switch rewords it: C.keep_choices)
            key=f"{KEY}.audit_action",
            format_func=lambda a: t(f"{KEY}.audit_any") if a == "" else _action_label(a),
        )
        or None
    )
    since = c3.date_input(t(f"{KEY}.audit_since"), value=None, key=f"{KEY}.audit_since", format="YYYY-MM-DD")
    until = c4.date_input(t(f"{KEY}.audit_until"), value=None, key=f"{KEY}.audit_until", format="YYYY-MM-DD")
    if since and until and since > until:
        st.error(t(f"{KEY}.audit_order", since=fmt_date(since), until=fmt_date(until)))
        return
    log = audit.search(
        C.con(), user=(who or "").strip() or None, action=action, since=since, until=until, limit=AUDIT_LIMIT
    )
    if not len(log):
        st.info(t(f"{KEY}.audit_empty"))
        return
    st.caption(t(f"{KEY}.audit_count", n=len(log)))
    if len(log) >= AUDIT_LIMIT:
        st.warning(t(f"{KEY}.audit_capped", n=AUDIT_LIMIT))
    shown = log.drop(columns=["id"]).copy()
    shown["action"] = [_action_label(a) for a in shown["action"]]
    # stored as written; an area by its name beside its code (甲村 › 第一网格（code）), as the users' table
    _, names = _area_options(str(C.db_path()), _areas_version())
    shown["area"] = [names.get(a, a) if isinstance(a, str) else a for a in shown["area"]]
    shown["detail"] = [audit.detail_text(d, C.lang(), names) for d in shown["detail"]]
    labels = {c: t(f"{KEY}.col.{c}") for c in shown.columns}
    long = max((export.text_width(d) for d in shown["detail"] if isinstance(d, str)), default=0) > AUDIT_DETAIL_ONE_LINE
    st.dataframe(
        shown.rename(columns=labels),
        hide_index=True,
        width="stretch",
        placeholder="—",
        key=f"{KEY}.audit_table",
        row_height=AUDIT_ROW_WRAPPED if long else None,  # a long detail wraps instead of being cut
        column_config={
            labels["logged_at"]: st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
            labels["detail"]: st.column_config.TextColumn(width="large"),
        },
    )
    downloads.button(
        t(f"{KEY}.audit_export"),
        lambda: export.to_csv_bytes(log.drop(columns=["id"])),
        file_name="audit-log.csv",
        mime="text/csv",
        key=f"{KEY}.audit_csv",
        audit=(None, audit.detail_line("audit_export", fmt="csv")),
    )


# ----------------------------------------------------------------------------- rules


def _save_rule(key: str, old: float) -> None:
    raw = st.session_state.get(f"{KEY}.rule_value.{key}", "")
    label = _rule_label(key)
    try:
        v = audit.validate_rule(key, raw)
        if v == float(old):
            _flash("rules", "success", t(f"{KEY}.rule_unchanged", rule=label, value=_num(v)))
            return
        new = audit.set_rule(C.con(), key, v, actor=_actor())
    except audit.RuleError as e:
        _flash("rules", "error", _error_text(e))
        return
    _flash("rules", "success", t(f"{KEY}.rule_saved", rule=label, old=_num(old), new=_num(new)))


def rules_section() -> None:
    from store import db

    st.caption(t(f"{KEY}.rules_caption"))
    _show_flash("rules")
    rules = db.df(C.con(), "rules_all")
    table = pd.DataFrame(
        {
            t(f"{KEY}.col.key"): rules["key"],
            t(f"{KEY}.col.description"): [_rule_label(k, d) for k, d in zip(rules["key"], rules["description"])],
            t(f"{KEY}.col.value"): [_num(v) for v in rules["value"]],
            t(f"{KEY}.col.unit"): [_unit(u) for u in rules["unit"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key=f"{KEY}.rules_table")
    if not len(rules):
        return
    values = dict(zip(rules["key"], rules["value"]))
    units = dict(zip(rules["key"], rules["unit"]))
    descriptions = dict(zip(rules["key"], rules["description"]))
    c1, c2 = st.columns([3, 2])
    key = c1.selectbox(
        t(f"{KEY}.rule_pick"),
        rules["key"].tolist(),
        key=f"{KEY}.rule_key",
        format_func=lambda k: f"{_rule_label(k, descriptions.get(k))}（{k}）",
    )
    c2.text_input(
        t(f"{KEY}.rule_value"),
        value=_num(values[key]),
        key=f"{KEY}.rule_value.{key}",
        help=t(f"{KEY}.rule_value_help") if units.get(key) == "ratio" else None,
    )
    st.caption(t(f"{KEY}.rule_current", value=_num(values[key]), unit=_unit(units.get(key))))
    st.button(
        t(f"{KEY}.rule_save"),
        key=f"{KEY}.rule_save",
        type="primary",
        on_click=_save_rule,
        args=(key, float(values[key])),
    )


# ----------------------------------------------------------------------------- users


def _areas_text(areas: Any, labels: dict[str, str]) -> str:
    """An account's areas as the list and the messages write them; no areas and the whole county's code
    read the same (全县: a leader added without areas and the demo leader, scoped to the county)."""
    codes = list(areas) if areas is not None and not isinstance(areas, float) else []
    if not codes or set(codes) == _county_codes(str(C.db_path()), _areas_version()):
        return t(f"{KEY}.areas_all")
    return fmt_list((labels.get(c, c) for c in codes), C.lang())


def _status(row: pd.Series) -> str:
    parts = []
    if bool(row["disabled"]):
        parts.append(t(f"{KEY}.status.disabled"))
    else:
        parts.append(t(f"{KEY}.status.active"))
    waiting = row.get("wait_until")
    if waiting is not None and not pd.isna(waiting):
        parts.append(t(f"{KEY}.status.waiting", until=pd.Timestamp(waiting).strftime("%Y-%m-%d %H:%M:%S")))
    if bool(row.get("is_demo")):
        parts.append(t(f"{KEY}.status.demo"))
    return " · ".join(parts)


def _add_user() -> None:
    s = st.session_state
    name = (s.get(f"{KEY}.add_name") or "").strip()
    pw, again = s.get(f"{KEY}.add_password") or "", s.get(f"{KEY}.add_confirm") or ""
    if pw != again:
        _flash("add", "error", t(f"{KEY}.password_mismatch"))
        return
    role = s.get(f"{KEY}.add_role")
    areas = list(s.get(f"{KEY}.add_areas") or [])
    staff = (s.get(f"{KEY}.add_staff") or "").strip() or None
    try:
        u = users.add_user(C.con(), name, pw, role, areas, staff_id=staff, actor=_actor())
    except users.AuthError as e:
        _flash("add", "error", _error_text(e))
        return
    for k in ("add_name", "add_password", "add_confirm", "add_staff"):
        s[f"{KEY}.{k}"] = ""
    s[f"{KEY}.add_areas"] = []
    _, labels = _area_options(str(C.db_path()), _areas_version())
    _flash(
        "add",
        "success",
        t(f"{KEY}.added", name=u.name, role=role_label(u.role, C.lang()), areas=_areas_text(u.areas, labels)),
    )


def _reset_password() -> None:
    s = st.session_state
    name = s.get(f"{KEY}.manage_user")
    if not name:
        _flash("manage", "error", t(f"{KEY}.pick_user"))
        return
    pw, again = s.get(f"{KEY}.new_password") or "", s.get(f"{KEY}.new_confirm") or ""
    if pw != again:
        _flash("manage", "error", t(f"{KEY}.password_mismatch"))
        return
    try:
        users.set_password(C.con(), name, pw, actor=_actor())
    except users.AuthError as e:
        _flash("manage", "error", _error_text(e))
        return
    s[f"{KEY}.new_password"] = ""
    s[f"{KEY}.new_confirm"] = ""
    _flash("manage", "success", t(f"{KEY}.passwd_done", name=name))


def _set_disabled(name: str, disable: bool) -> None:
    me = _actor()
    if disable and me is not None and name == me.name:
        _flash("manage", "error", t(f"{KEY}.no_self_disable"))
        return
    try:
        if disable:
            users.disable_user(C.con(), name, actor=me)
        else:
            users.enable_user(C.con(), name, actor=me)
    except users.AuthError as e:
        _flash("manage", "error", _error_text(e))
        return
    _flash("manage", "success", t(f"{KEY}.disabled_done" if disable else f"{KEY}.enabled_done", name=name))


def _unlock(name: str) -> None:
    try:
        users.unlock_user(C.con(), name, actor=_actor())
    except users.AuthError as e:
        _flash("manage", "error", _error_text(e))
        return
    _flash("manage", "success", t(f"{KEY}.unlocked", name=name))


def users_section() -> None:
    lang = C.lang()
    codes, labels = _area_options(str(C.db_path()), _areas_version())
    accounts = users.list_users(C.con())
    st.subheader(t(f"{KEY}.users_title"))
    st.caption(
        t(f"{KEY}.users_count", n=len(accounts), disabled=int(accounts["disabled"].sum()) if len(accounts) else 0)
    )
    table = pd.DataFrame(
        {
            t(f"{KEY}.col.name"): accounts["name"],
            t(f"{KEY}.col.role"): [role_label(r, lang) for r in accounts["role"]],
            t(f"{KEY}.col.areas"): [_areas_text(a, labels) for a in accounts["areas"]],
            t(f"{KEY}.col.staff_id"): accounts["staff_id"].fillna(""),
            t(f"{KEY}.col.status"): [_status(r) for _, r in accounts.iterrows()],
            t(f"{KEY}.col.created_at"): [
                fmt_date(pd.Timestamp(x)) if x is not None and not pd.isna(x) else "" for x in accounts["created_at"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key=f"{KEY}.users_table")

    left, right = st.columns(2)
    with left:
        st.subheader(t(f"{KEY}.add_title"))
        _show_flash("add")
        with st.form(f"{KEY}.add_form"):
            st.text_input(t(f"{KEY}.add_name"), key=f"{KEY}.add_name", help=t(f"{KEY}.add_name_help"))
            st.selectbox(
                t(f"{KEY}.add_role"),
                list(users.ROLES),
                index=2,
                key=f"{KEY}.add_role",
                format_func=lambda r: role_label(r, lang),
            )
            st.multiselect(
                t(f"{KEY}.add_areas"),
                codes,
                key=f"{KEY}.add_areas",
                format_func=lambda c: labels.get(c, c),
                help=t(f"{KEY}.add_areas_help"),
                placeholder=t(f"{KEY}.add_areas_placeholder"),
            )
            st.text_input(t(f"{KEY}.add_staff"), key=f"{KEY}.add_staff", help=t(f"{KEY}.add_staff_help"))
            st.text_input(t(f"{KEY}.add_password"), type="password", key=f"{KEY}.add_password")
            st.text_input(t(f"{KEY}.add_confirm"), type="password", key=f"{KEY}.add_confirm")
            st.caption(t("password.rule"))
            st.form_submit_button(t(f"{KEY}.add_submit"), type="primary", on_click=_add_user)

    with right:
        st.subheader(t(f"{KEY}.manage_title"))
        _show_flash("manage")
        names = accounts["name"].tolist()
        status = dict(zip(accounts["name"], accounts["disabled"]))
        name = st.selectbox(
            t(f"{KEY}.manage_user"),
            names,
            index=None,
            key=f"{KEY}.manage_user",
            placeholder="—",
            format_func=lambda n: n + (f"（{t(f'{KEY}.status.disabled')}）" if status.get(n) else ""),
        )
        with st.form(f"{KEY}.passwd_form"):
            st.text_input(t(f"{KEY}.new_password"), type="password", key=f"{KEY}.new_password")
            st.text_input(t(f"{KEY}.new_confirm"), type="password", key=f"{KEY}.new_confirm")
            st.caption(t("password.rule"))
            st.form_submit_button(t(f"{KEY}.passwd_submit"), on_click=_reset_password)
        if name:
            if bool(status.get(name)):
                st.button(t(f"{KEY}.enable"), key=f"{KEY}.enable", on_click=_set_disabled, args=(name, False))
            else:
                st.button(t(f"{KEY}.disable"), key=f"{KEY}.disable", on_click=_set_disabled, args=(name, True))
            st.button(
                t(f"{KEY}.unlock"), key=f"{KEY}.unlock", on_click=_unlock, args=(name,), help=t(f"{KEY}.unlock_help")
            )


# ----------------------------------------------------------------------------- the page


def main() -> None:
    u = C.user()
    if u is None or u.role != "admin":  # the navigation hides this page; this guards a direct call
        st.error(t("app.no_permission"))
        st.stop()
    st.title(t(f"{KEY}.title"))
    st.caption(t(f"{KEY}.question"))
    tab_audit, tab_rules, tab_users = st.tabs([t(f"{KEY}.tab_audit"), t(f"{KEY}.tab_rules"), t(f"{KEY}.tab_users")])
    with tab_audit:
        audit_section()
    with tab_rules:
        rules_section()
    with tab_users:
        users_section()


main()
