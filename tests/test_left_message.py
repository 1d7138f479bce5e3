"""A message a page leaves for its next runs (ui/common.py leave_message / show_message)."""

from __future__ import annotations

import dataclasses

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from ui import common as C

    if st.button("add", key="add"):
        C.leave_message("demo.flash", "success", "已添加", where="add", toast=True)
        st.rerun()
    if st.button("refuse", key="refuse"):
        C.leave_message("demo.flash", "error", "密码不一致", where="manage")
        st.rerun()
    st.subheader("add")
    C.show_message("demo.flash", where="add")
    st.subheader("manage")
    C.show_message("demo.flash", where="manage")


def _app() -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def test_shown_at_its_place_on_every_run_until_replaced_toast_once():
    at = _app()
    assert list(at.success) == [] and list(at.error) == []
    at.button(key="add").click().run()
    assert [s.value for s in at.success] == ["已添加"] and list(at.error) == []
    assert [x.value for x in at.toast] == ["已添加"]
    at.run()  # a rerun nobody asked for: the message stays, the toast is not repeated
    assert [s.value for s in at.success] == ["已添加"]
    assert list(at.toast) == []
    at.button(key="refuse").click().run()  # another message replaces it, at its own place
    assert list(at.success) == [] and [e.value for e in at.error] == ["密码不一致"]
    assert list(at.toast) == []


def test_gone_after_message_seconds():
    at = _app()
    at.button(key="add").click().run()
    left = at.session_state["demo.flash"]
    at.session_state["demo.flash"] = dataclasses.replace(left, until=0.0)
    at.run()
    assert list(at.success) == []
    assert "demo.flash" not in at.session_state
