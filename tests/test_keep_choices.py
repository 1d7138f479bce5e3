"""The language switch keeps every choice made (ui.common.keep_choices, app.py's 中文/English radio).

In the browser the words of a choice go back and forth (tests/e2e/test_app_browser.py shows the period and
the kinds of visit kept); here: which values are set again, and that a page with widgets whose value may not
be set (a button, an upload, a table's selection, a download) switches without an error."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from i18n import t
from ui import common as C


def test_what_counts_as_a_choice():
    assert C._is_choice("month") and C._is_choice(3) and C._is_choice(dt.date(2026, 11, 23))
    assert C._is_choice(["home", "phone"]) and C._is_choice((dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
    assert not C._is_choice(True)  # a button's or an expander's flag: Streamlit refuses to set a button
    assert not C._is_choice(None) and not C._is_choice([]) and not C._is_choice({"selection": {"rows": []}})
    assert not C._is_choice([object()]) and not C._is_choice(["home", False])


def _page():
    import pandas as pd
    import streamlit as st

    from i18n import t
    from ui import common as C

    st.radio("lang", ("zh", "en"), key="lang", on_change=C.keep_choices)
    lang = st.session_state["lang"]
    st.selectbox("period", ["year", "month"], key="period", format_func=lambda k: t(f"period.{k}", lang))
    any_word = t("admin_page.audit_any", lang)
    st.selectbox("action", ["", "login"], key="action", format_func=lambda a: any_word if a == "" else a)
    st.multiselect("kinds", ["home", "phone"], default=["home"], key="kinds")
    st.button("go", key="go")
    st.file_uploader("file", key="upload")
    st.dataframe(pd.DataFrame({"a": [1, 2]}), key="table", on_select="rerun")
    st.download_button("save", b"x", key="save")
    st.text_input("note", key="note")


def test_switching_keeps_the_choices_and_leaves_buttons_and_uploads_alone():
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["lang"] = "zh"
    at.run()
    at.selectbox(key="period").set_value("month")
    at.multiselect(key="kinds").set_value(["home", "phone"])
    at.text_input(key="note").set_value("门口聊了几句")
    at.run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    period = at.selectbox(key="period")
    assert period.value == "month" and period.format_func("month") == t("period.month", "en")
    assert at.multiselect(key="kinds").value == ["home", "phone"]
    assert at.text_input(key="note").value == "门口聊了几句"
    at.button(key="go").click().run()  # the next run after the switch: nothing refused
    assert not at.exception, at.exception
    assert at.selectbox(key="period").value == "month"


def test_an_any_choice_written_as_an_empty_code_is_worded_anew():
    """A choice of "any" kept as None is not set again (None is also an upload's value, which may not be
    set): its old words stayed in the browser (the admin page's 全部 on an English page). As "" it is."""
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["lang"] = "zh"
    at.run()
    assert at.selectbox(key="action").proto.options[0] == t("admin_page.audit_any", "zh")
    at.radio(key="lang").set_value("en").run()
    box = at.selectbox(key="action")
    assert box.value == "" and box.proto.set_value and box.proto.raw_value == t("admin_page.audit_any", "en")
