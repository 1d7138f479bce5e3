"""ui.common's long lists a page at a time: page_bounds, and page_part with page_picker on a page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from i18n import t
from ui import common as C


def test_page_bounds():
    assert C.page_bounds(120, 1, 50) == (0, 50, 3)
    assert C.page_bounds(120, 3, 50) == (100, 120, 3)
    assert C.page_bounds(120, 9, 50) == (100, 120, 3)  # the list got shorter since page 9 was chosen
    assert C.page_bounds(120, 0, 50) == (0, 50, 3)
    assert C.page_bounds(0, 1, 50) == (0, 0, 1)


def _list_page():
    import pandas as pd
    import streamlit as st

    from ui import common as C

    n = st.session_state.get("n", 5)
    st.dataframe(C.page_part(pd.DataFrame({"row": range(n)}), "page", 2))
    C.page_picker(n, "page", 2, "weekly_page.office.showing")


def _shown(at: AppTest) -> tuple[list[int], int, list[str]]:
    picker = at.selectbox(key="page")
    return at.dataframe[0].value["row"].tolist(), picker.value, picker.options


def test_the_table_and_its_picker_agree_when_the_list_changes():
    at = AppTest.from_function(_list_page).run()
    assert not at.exception
    assert _shown(at) == ([0, 1], 1, ["1 / 3", "2 / 3", "3 / 3"])
    assert at.caption[0].value == t("weekly_page.office.showing", start="1", end="2", n="5")
    at.selectbox(key="page").set_value(3).run()
    assert _shown(at)[:2] == ([4], 3)
    at.session_state["n"] = 9  # a longer list (another week): the same page
    at.run()
    assert _shown(at) == ([4, 5], 3, ["1 / 5", "2 / 5", "3 / 5", "4 / 5", "5 / 5"])
    at.session_state["n"] = 3  # a shorter one: its last page, in the table and in the picker
    at.run()
    assert not at.exception
    assert _shown(at) == ([2], 2, ["1 / 2", "2 / 2"])


def test_a_last_page_of_one_row_names_one_row():
    """ "显示第 5–5 人，共 5 人" read oddly: a page of one row is named by its number alone."""
    at = AppTest.from_function(_list_page).run()
    at.selectbox(key="page").set_value(3).run()
    assert not at.exception
    assert _shown(at)[:2] == ([4], 3)
    assert [c.value for c in at.caption] == [t("weekly_page.office.showing_one", start="5", n="5")]
    at.session_state["lang"] = "en"
    at.run()
    assert [c.value for c in at.caption] == [t("weekly_page.office.showing_one", "en", start="5", n="5")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["weekly_page.office.showing", "weekly_page.due_showing", "coverage_page.due_range"])
def test_range_text_words_one_row_and_several(key, lang, monkeypatch):
    import streamlit as st

    monkeypatch.setattr(st, "session_state", {"lang": lang})
    assert C.range_text(key, 60, 61, 61) == t(f"{key}_one", lang, start="61", n="61")
    assert C.range_text(key, 1000, 1100, 1234) == t(key, lang, start="1,001", end="1,100", n="1,234")
    assert "61" in C.range_text(key, 60, 61, 61) and "–" not in C.range_text(key, 60, 61, 61)


def test_a_list_of_one_page_has_no_picker():
    at = AppTest.from_function(_list_page)
    at.session_state["n"] = 2
    at.run()
    assert at.dataframe[0].value["row"].tolist() == [0, 1]
    assert not at.selectbox and not at.caption


def _run_with_the_browsers_label(at: AppTest, label: str) -> AppTest:
    """A rerun where the browser sends the page picker's value as the label it last showed.

    In the browser the picker's value goes back and forth as its label ("3 / 3"); after the list got
    shorter the browser may still send the old one (seen on 本周走访: a visit recorded took the due list
    from 6 pages to 5, and the next click of 保存修改 sent "1 / 6"). Streamlit then hands the page the
    label itself, a string, since it names none of the new options."""
    states = at._tree.get_widget_states()
    picker_id = at.selectbox(key="page").id
    for w in states.widgets:
        if w.id == picker_id:
            w.string_value = label
    return at._run(states)


@pytest.mark.parametrize(("label", "rows", "page"), [("3 / 3", [2, 3], 2), ("1 / 3", [0, 1], 1), ("?", [0, 1], 1)])
def test_a_label_of_a_longer_list_shows_a_page_of_the_shorter_one(label, rows, page):
    at = AppTest.from_function(_list_page).run()
    at.selectbox(key="page").set_value(3).run()
    at.session_state["n"] = 4  # two pages now
    at.run()
    assert _shown(at) == ([2, 3], 2, ["1 / 2", "2 / 2"])
    _run_with_the_browsers_label(at, label)
    assert not at.exception, at.exception
    assert _shown(at) == (rows, page, ["1 / 2", "2 / 2"])
    assert at.session_state["page"] == page  # the number, not the label
    at.run()  # and the next click
    assert not at.exception
    assert _shown(at)[:2] == (rows, page)


def test_page_number_reads_a_label():
    assert C.page_number("6 / 6") == 6 and C.page_number(" 2 / 5") == 2 and C.page_number(4) == 4
    assert C.page_number("") == 1 and C.page_number(None) == 1 and C.page_number("第2页") == 1
    assert C.page_bounds(50, "6 / 6", 10) == (40, 50, 5)  # the last page of the shorter list
