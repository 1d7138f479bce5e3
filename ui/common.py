"""What every page shares: the database, the signed-in user, the language and the sidebar selection.

Pages are thin: read widgets, call a function in analytics/, draw the result. They get their
context from here so that every page reads the same area and period.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable

import streamlit as st

from analytics import areas
from analytics.calendar import PERIODS, period_range
from i18n import t as _t
from store import db
from vocabulary.areas import LEVELS

if TYPE_CHECKING:
    import pandas as pd

    from auth.users import User

SESSION_IDLE_MINUTES = 30


def page_guard() -> None:
    """Every page's first statement: a page runs only inside app.py (its login and navigation).

    Streamlit runs a file of ``pages/`` by itself — without app.py, so without its login — when it
    is the first request of a freshly started server for that page's URL: its older multipage mode,
    which lasts in a process until ``st.navigation`` has run once. app.py lets a page run only for a
    signed-in user, so a page finding nobody signed in was started that way: it hands over to
    app.py, which asks for the login (and from then on the process uses app.py's navigation).
    """
    if user() is None:
        st.switch_page("app.py")


def lang() -> str:
    """The session's UI language.

    Returns
    -------
    str
        ``"zh"`` (the default) or ``"en"``, as switched in the sidebar.
    """
    return st.session_state.get("lang", "zh")


#: What a choice widget of the app holds (an option is a code, a number or a day) — never a flag (a
#: button's, an expander's) nor a file (an upload's) nor a table's selection, widgets whose value may not
#: be set (Streamlit refuses it).
_CHOICE_TYPES = (str, int, float, dt.date)


def _is_choice(value: Any) -> bool:
    def one(v: Any) -> bool:
        return isinstance(v, _CHOICE_TYPES) and not isinstance(v, bool)

    return one(value) or (isinstance(value, (list, tuple)) and len(value) > 0 and all(one(v) for v in value))


def keep_choices() -> None:
    """The language switch's callback: every choice on the page keeps its value in the other language.

    Streamlit sends a selectbox's, a multiselect's or a radio's value to the browser as the words of its
    options (``format_func``), and the browser sends those words back at the next click. After a switch
    they are the old language's, which name no option of the new one: Streamlit then silently goes back
    to the default — the period to this year, the kinds of visit counted to none (seen in the browser).
    Setting each value again before the run makes the run send it worded anew. Values that are not a
    choice (a button's flag, an upload) are left alone; a text box's value is set to what it holds.
    """
    for key, value in list(st.session_state.items()):
        if key != "lang" and _is_choice(value):
            st.session_state[key] = value


def t(key: str, **fmt: Any) -> str:
    """The UI string in the session's language.

    Parameters
    ----------
    key : str
        A key of the i18n catalog.
    **fmt : Any
        The values of the string's ``{placeholders}``.

    Returns
    -------
    str
        The catalog's wording of ``key`` in :func:`lang`, formatted with ``fmt``.
    """
    return _t(key, lang(), **fmt)


def t_each(key: str, values: Any) -> list[str]:
    """``t(key.format(v))`` for each of ``values``, each distinct value worded once.

    A table of petitions holds tens of thousands of rows but a handful of statuses: wording each
    row on its own reads the session's language every time, which at county scale cost seconds of
    CPU per page view.

    Parameters
    ----------
    key : a catalog key with one ``{}`` for the value, e.g. ``"status.{}"``.
    values : an iterable of hashable values (a column).

    Returns
    -------
    list of str, one per value, in order.

    Examples
    --------
    >>> t_each("status.{}", ["closed", "closed", "received"]) == [t("status.closed")] * 2 + [t("status.received")]
    True
    """
    values = list(values)
    words = {v: t(key.format(v)) for v in set(values)}
    return [words[v] for v in values]


#: the most rows a page's table or picker lists at once; the rest is reached by a filter or a download
TABLE_ROWS = 500


def few(frame: Any, id_column: str, key: str) -> Any:
    """At most :data:`TABLE_ROWS` rows of ``frame`` for a picker, with a box to find any other by its id.

    A county's work list holds tens of thousands of items; a drop-down of all of them costs every page
    view seconds and helps nobody. Under the limit nothing is drawn and ``frame`` comes back whole;
    over it, a text box (widget ``key``) keeps the rows whose ``id_column`` contains what is typed,
    and the first :data:`TABLE_ROWS` of those (the frame's own order: most urgent first) are offered.
    A caption says how many: "共 n 项，列出前 k 项" only when some are left out; "找到 n 项" when all
    found are offered; a sentence naming what was typed when nothing has it (not "共 0 项，列出前 0 项").

    Parameters
    ----------
    frame : DataFrame in the order to offer its rows.
    id_column : the column searched (e.g. a petition's number).
    key : the text box's widget key.

    Returns
    -------
    DataFrame: ``frame`` or at most :data:`TABLE_ROWS` of its rows.
    """
    if len(frame) <= TABLE_ROWS:
        return frame
    found = st.text_input(t("picker.find"), key=key).strip()
    if found:
        frame = frame[frame[id_column].astype(str).str.contains(found, regex=False)]
    from i18n import fmt_int

    n = len(frame)
    if n == 0:
        st.warning(t("picker.none", q=found))
    elif n > TABLE_ROWS:
        st.caption(t("picker.cut", n=fmt_int(n, lang()), k=fmt_int(TABLE_ROWS, lang())))
    else:
        st.caption(t("picker.found", n=fmt_int(n, lang())))
    return frame.head(TABLE_ROWS)


def keep_offered(key: str, options: Any) -> None:
    """Forget a pick's kept value when it is not among ``options``, so that the pick starts at the first one.

    A selectbox drawn with no options (a search that found nothing) keeps "nothing chosen"; at the next
    search its matches were offered with nothing chosen ("Choose an option") instead of the first
    preselected, as a fresh page has it. Call before drawing the selectbox ``key``.

    Parameters
    ----------
    key : str
        The selectbox's widget key.
    options : sequence
        What it offers in this run.
    """
    if key in st.session_state and st.session_state[key] not in list(options):
        del st.session_state[key]


#: the session-state prefix of a form whose save went through (:func:`mark_saved`)
SAVED_FORM = "saved_form."


def mark_saved(form: str) -> None:
    """Note that the form's save went through: :func:`empty_after_save` empties it at the next run.

    Not ``st.form(clear_on_submit=True)``: that empties the form on a refused save too, and what was
    typed must then be typed again. Call after the save, before ``st.rerun``.

    Parameters
    ----------
    form : str
        The form's key.
    """
    st.session_state[SAVED_FORM + form] = True


def empty_after_save(form: str, values: dict[str, Any]) -> None:
    """At the run after :func:`mark_saved`, set the form's widgets to ``values`` (a fresh form).

    Without it a typed text stays in the form after its save, and is saved again with the next item
    (a reply to one petition as another's). Call before drawing the form. The widgets are set, not
    removed: a widget whose key is only removed keeps what the browser shows and sends it back.

    Parameters
    ----------
    form : str
        The form's key.
    values : dict
        Widget key → its value in a fresh form.
    """
    if st.session_state.pop(SAVED_FORM + form, False):
        st.session_state.update(values)


#: the session-state prefix of a pick held across a save (:func:`hold_pick`)
HELD_PICK = "held_pick."


def hold_pick(key: str, value: Any) -> None:
    """Keep ``value`` picked in the selectbox ``key`` at the page's next run, whatever its words then.

    A selectbox's choice travels between the browser and the server as its words (its ``format_func``
    label). When a save changes the words of the option picked (a petition's status, a visit's day), the
    browser still holds the old words, which match no option at its next message, and the pick falls
    back to the first option — another item, which the next save would change. Call after the save,
    before ``st.rerun``; :func:`restore_pick` then sets the pick by its value, which sends its new words to
    the browser.

    Parameters
    ----------
    key : str
        The selectbox's widget key.
    value : object
        The option picked (its value, not its words).
    """
    st.session_state[HELD_PICK + key] = value


def restore_pick(key: str, options: Any) -> None:
    """Pick again the option :func:`hold_pick` held for the selectbox ``key``, if it is still offered.

    Call before drawing the selectbox. An option no longer offered (a petition just closed leaves the
    open items) is let go: the pick starts at the first option.

    Parameters
    ----------
    key : str
        The selectbox's widget key.
    options : sequence
        What it offers in this run.
    """
    held = st.session_state.pop(HELD_PICK + key, None)
    if held is not None and held in list(options):
        st.session_state[key] = held


#: the most rows a table is drawn with some rows coloured (:func:`styled_rows`)
STYLED_ROWS_MAX = 500
#: An area with more grids than this shows them summed up by village on the responsibility page, in its
#: map and its table (a county's 3,001 grids: a table of 550 KB with every view, BENCHMARKS.md
#: "Seventeenth session").
GRIDS_LISTED_MAX = 1500
#: rows per page of a long list cut in pages (:func:`page_part`): a county's ranking of 4,500 staff
LIST_PAGE_ROWS = 100
#: the page picker's width in pixels: "12 / 46" fits, a phone's screen too
PAGE_PICKER_WIDTH = 160


def ticked_row(state: Any, n: int) -> int | None:
    """The row ticked in an ``st.dataframe`` with ``selection_mode="single-row"``, if the table has it.

    Streamlit keeps a table's selection across runs by its key, so a row ticked before the table got
    shorter (a filter, a save) may name no row of it: that picks nothing.

    Parameters
    ----------
    state : Any
        What ``st.dataframe(on_select="rerun")`` returned, or its value in the session
        (``{"selection": {"rows": [i], …}}``, a mapping or with attributes); None before it was drawn.
    n : int
        Rows in the table as drawn now.

    Returns
    -------
    int or None
        The row's position (0-based, below ``n``); None when no row of the table is ticked.

    Examples
    --------
    >>> ticked_row({"selection": {"rows": [2]}}, 3), ticked_row({"selection": {"rows": [3]}}, 3), ticked_row(None, 3)
    (2, None, None)
    """
    selection = state.get("selection") if isinstance(state, Mapping) else getattr(state, "selection", None)
    rows = selection.get("rows") if isinstance(selection, Mapping) else getattr(selection, "rows", None)
    if not rows:
        return None
    row = int(rows[0])
    return row if 0 <= row < n else None


def page_number(stored: Any) -> int:
    """The page a page picker's stored value names: its number, or the number its label begins with.

    Streamlit sends a selectbox's value to the browser as its label ("2 / 6") and takes it back from
    there; when the options changed meanwhile (the list got shorter: "2 / 6" is no option of 5 pages)
    it hands the page the label itself, a string.

    Parameters
    ----------
    stored : Any
        The picker's value in the session: a page number, or a label such as ``"6 / 6"``.

    Returns
    -------
    int
        The page's number (not yet limited to the list's pages); 1 for anything that names no page.

    Examples
    --------
    >>> page_number(3), page_number("6 / 6"), page_number("1 / 6"), page_number(None), page_number("x")
    (3, 6, 1, 1, 1)
    """
    if isinstance(stored, bool):
        return 1
    if isinstance(stored, int):
        return stored
    head = str(stored).split("/", 1)[0].strip() if stored is not None else ""
    return int(head) if head.isdigit() else 1


def page_bounds(n: int, page: Any, size: int) -> tuple[int, int, int]:
    """The rows of one page of a list shown ``size`` rows at a time.

    Parameters
    ----------
    n : int
        Rows in the whole list (≥ 0).
    page : int
        The page asked for, from 1; one outside ``1 … pages`` is moved to the nearest page (the
        list got shorter since the page was chosen). A picker's label ("6 / 6") is read as its
        number (:func:`page_number`).
    size : int
        Rows per page, ≥ 1.

    Returns
    -------
    start, stop : int
        The page's rows are ``start … stop - 1`` (0-based; ``stop - start`` ≤ ``size``).
    pages : int
        Pages in all (1 for an empty list): 120 rows of 50 are pages 1–3, rows 50–99 the second.
    """
    pages = max(1, -(-n // size))
    page = min(max(1, page_number(page)), pages)
    start = (page - 1) * size
    return start, min(start + size, n), pages


def page_part(frame: Any, key: str, size: int) -> Any:
    """The rows of ``frame`` on the page chosen in the page picker ``key``.

    The picker (:func:`page_picker`) is drawn below the table; before it ever was, the first page; when
    the list got shorter than the page chosen, its last page.

    Parameters
    ----------
    frame : DataFrame, in the order to show.
    key : the page picker's widget key.
    size : rows per page.

    Returns
    -------
    DataFrame: at most ``size`` consecutive rows of ``frame``.
    """
    stored = st.session_state.get(key, 1)
    start, stop, _ = page_bounds(len(frame), stored, size)
    page = start // size + 1
    # the list got shorter: its last page; a stale label ("1 / 6", of a longer list) its page's number —
    # set before the picker is drawn, so that it shows the same page (and keeps a number, not a label)
    if key in st.session_state and (stored != page or not isinstance(stored, int)):
        st.session_state[key] = page
    return frame.iloc[start:stop]


def page_picker(n: int, key: str, size: int, showing: str) -> None:
    """Below a table showing :func:`page_part` of ``n`` rows: which page, and which rows it shows.

    Nothing is drawn for a list of one page. The list is cut in pages so that a county's thousands of rows
    are not sent with every view of the page (BENCHMARKS.md, "Seventeenth session").

    Parameters
    ----------
    n : rows in the whole list.
    key : the picker's widget key (as given to :func:`page_part`).
    size : rows per page.
    showing : the catalog key of the caption, with ``{start}``, ``{end}`` and ``{n}`` (:func:`range_text`).
    """
    start, stop, pages = page_bounds(n, st.session_state.get(key, 1), size)
    if pages <= 1:
        return
    st.selectbox(
        t("table.page"),
        list(range(1, pages + 1)),
        key=key,
        format_func=lambda p: f"{p} / {pages}",
        width=PAGE_PICKER_WIDTH,
    )
    st.caption(range_text(showing, start, stop, n))


def range_text(key: str, start: int, stop: int, n: int) -> str:
    """Which rows of a list a page shows: "显示第 61–70 户，共 75 户", or "显示第 61 户，共 61 户" for one row.

    Parameters
    ----------
    key : str
        The catalog key of the words for several rows, with ``{start}``, ``{end}`` and ``{n}``; the key
        with ``_one`` after it words a page of one row (``{start}`` and ``{n}``): not "第 61–61 户".
    start, stop : int
        The rows shown are ``start … stop - 1`` (0-based, as :func:`page_bounds` gives them).
    n : int
        Rows in the whole list.

    Returns
    -------
    str
        The caption in the session's language, the numbers with the locale's separators.

    Examples
    --------
    >>> range_text("weekly_page.due_showing", 60, 70, 75), range_text("weekly_page.due_showing", 60, 61, 61)
    ('显示第 61–70 户，共 75 户', '显示第 61 户，共 61 户')
    """
    from i18n import fmt_int, for_count

    return t(
        for_count(key, stop - start), start=fmt_int(start + 1, lang()), end=fmt_int(stop, lang()), n=fmt_int(n, lang())
    )


def styled_rows(frame: Any, marked: list[bool], css: str) -> Any:
    """``frame`` with the rows ``marked`` styled by ``css`` for ``st.dataframe``, when it is small enough.

    Up to :data:`STYLED_ROWS_MAX` rows only: pandas' Styler makes Streamlit send a style and a display
    value for every cell — a county's weekly ranking of 4,500 staff took 1.7 s of the server's CPU and
    1.3 MB instead of 0.45 MB (BENCHMARKS.md, "Sixteenth session: big pages"). A larger table is drawn
    plain; what the colour says must also be in a column.

    Parameters
    ----------
    frame : pandas.DataFrame, the table as shown.
    marked : one flag per row of ``frame``, True for a row to style.
    css : the style of a marked row's cells, e.g. ``"background-color: #fdeeee"``.

    Returns
    -------
    pandas.io.formats.style.Styler or pandas.DataFrame
        A Styler for at most :data:`STYLED_ROWS_MAX` rows, else ``frame`` itself.
    """
    if len(frame) > STYLED_ROWS_MAX:
        return frame
    import pandas as pd

    def style(f: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=f.index, columns=f.columns)
        out.iloc[[i for i, m in enumerate(marked) if m], :] = css
        return out

    return frame.style.apply(style, axis=None)


#: How long a message left for a page's next run (:func:`leave_message`) stays at its place, in seconds.
#: Not one run only: on a busy server a component (a map, the date picker) may answer after the page
#: looked finished and run it once more, and a message popped by the first run was gone before it was
#: read ("已登记：…" after a saved visit, seen in the load benchmark and the two-process browser test).
MESSAGE_SECONDS = 60.0


@dataclass(frozen=True)
class LeftMessage:
    """A sentence a page leaves for its own next runs (:func:`leave_message`)."""

    kind: str  # "success", "warning", "error" or "info": the st.* call that draws it
    text: str
    until: float  # time.monotonic() after which it is no longer shown
    where: str = ""  # the place on the page that shows it (a page with several forms)
    toast: bool = False  # also a toast, once (a phone's screen may be scrolled away from the place)


def leave_message(key: str, kind: str, text: str, *, where: str = "", toast: bool = False) -> None:
    """Leave ``text`` for the next runs of the page, replacing any message under ``key``.

    For a page that writes and then reruns itself (``st.rerun``) so that every figure shows the write:
    the message is drawn by :func:`show_message` on each run of the following :data:`MESSAGE_SECONDS`,
    until another message replaces it.

    Parameters
    ----------
    key : the session-state key (one per page).
    kind : "success", "warning", "error" or "info".
    text : the sentence, already translated.
    where : for a page with several places (forms), the one that shows it.
    toast : also show it as a toast (10 s), on the first run only.
    """
    st.session_state[key] = LeftMessage(kind, text, time.monotonic() + MESSAGE_SECONDS, where, toast)


TOAST_ICONS = {
    "success": ":material/check_circle:",
    "warning": ":material/info:",
    "error": ":material/error:",
    "info": ":material/info:",
}


def say(kind: str, text: str, *, toast: bool = False) -> None:
    """Draw ``text`` as ``st.<kind>`` at this place, and with ``toast`` also as a toast for 10 s.

    The toast is for a phone whose screen may be scrolled away from the place; 10 s, not 4: time to read
    a refusal on a phone.

    Parameters
    ----------
    kind : "success", "warning", "error" or "info".
    text : the sentence, already translated.
    toast : also a toast.
    """
    if toast:
        st.toast(text, icon=TOAST_ICONS[kind], duration="long")
    getattr(st, kind)(text)


def show_message(key: str, where: str = "") -> None:
    """Draw the message :func:`leave_message` left under ``key`` for ``where``, if it is still fresh.

    A message older than :data:`MESSAGE_SECONDS` is forgotten; a toast is shown on the first run only.
    """
    m = st.session_state.get(key)
    if not isinstance(m, LeftMessage) or m.where != where:
        return
    if time.monotonic() > m.until:
        st.session_state.pop(key, None)
        return
    if m.toast:
        st.session_state[key] = replace(m, toast=False)
    say(m.kind, m.text, toast=m.toast)


#: The app's own styles, on every page (the login included). A spinner's icon stands still: its
#: turning drew the page sixty times a second for as long as the spinner was up — in a headless
#: Chromium (the load benchmark's browsers) a third of what a waiting page cost its browser, and a
#: waiting page waits longest when the server is busiest (BENCHMARKS.md, "Eighth session: what
#: a view costs the browser"). The spinner's words still say that the page is working (no page shows
#: Streamlit's clock: tests/test_page_style.py); so does the running indicator at the top right.
#: Likewise, what is being redrawn still dims half a second after a rerun starts (Streamlit's
#: ``data-stale``), but at once rather than fading over a second: the fade composited the whole page,
#: map and table included, sixty times a second (BENCHMARKS.md, "Ninth session: a lighter coverage view").
#: Streamlit's "Press Enter to submit form" under a text box is hidden: it is English whatever the language
#: and outside the catalog (Enter still submits). Streamlit writes it as the first span of the box's
#: instructions; a length counter ("12/2000", the weekly page's note) is the last and stays, without its dot.
#: On a touch screen (no hover) Streamlit always shows a table's toolbar (search, download, full screen),
#: 44 px tall, over the 16 px gap above the table: it lay over the tab strip, the title or the words above
#: (Pairing and Changes of a record could not be tapped in English). Every table on a touch screen gets
#: the 28 px more it needs (the toolbar's height less the gap); with a mouse nothing changes (the
#: toolbar shows on hover, over the table's top edge).
PAGE_STYLE = """<style>
[data-testid="stSpinnerIcon"] { animation: none !important; }
[data-stale="true"] { transition-duration: 0s !important; }
[data-testid="InputInstructions"] > span:first-child:not(:last-child),
[data-testid="InputInstructions"] > span:only-child { display: none; }
[data-testid="InputInstructions"] > span:last-child::before { content: none !important; }
@media (hover: none) {
  [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]) { margin-top: 28px; }
}
</style>"""


def page_style() -> None:
    """Put :data:`PAGE_STYLE` on the page (an element that takes no room: style only)."""
    st.html(PAGE_STYLE)


def db_path() -> str:
    """The database of this app.

    Returns
    -------
    str
        ``$LIANXIN_DB`` (a file path or a ``postgresql://`` URL), else ``data/demo.duckdb``
        (see store.db.target).
    """
    return db.target()


@st.cache_resource(show_spinner=False)
def _base_connection(path: str) -> Any:
    from gis.areas import refresh_stale_neighbors

    con = db.connect(path)
    refresh_stale_neighbors(con)  # neighbours a migration marked stale (0006)
    return con


def con() -> Any:
    """A cursor on the process-wide connection (one per use; cheap).

    Returns
    -------
    Any
        A DuckDB cursor, or on PostgreSQL a handle that borrows a pooled server connection per
        statement; either is what store.db's functions take.
    """
    return _base_connection(db_path()).cursor()


def today() -> dt.date:
    """Today in Asia/Shanghai: :func:`analytics.calendar.today` (``LIANXIN_TODAY`` overrides it).

    Returns
    -------
    datetime.date
    """
    from analytics import calendar

    return calendar.today()


def user() -> User | None:
    """The signed-in user.

    Returns
    -------
    auth.users.User or None
        The session's user, None before login.
    """
    return st.session_state.get("user")


def scope() -> list[str] | None:
    """The signed-in user's scope (see auth.users.User.scope).

    Returns
    -------
    list of str or None
        The area codes the user may see; None for everything (a county-wide role, or nobody signed in).
    """
    u = user()
    return None if u is None else u.scope


# ----------------------------------------------------------------------------- area selection


@dataclass(frozen=True)
class Area:
    """An area chosen in the sidebar: one county, township, village or grid, or the whole scope."""

    code: str | None  # None: the whole county/scope
    level: str  # the level of `code` ("county" for the whole scope)
    name: str

    @property
    def child_level(self) -> str | None:
        """The level one below this area's (vocabulary.areas.LEVELS), None below a grid."""
        i = LEVELS.index(self.level)
        return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def selected_area() -> Area:
    """The area chosen in the sidebar breadcrumb.

    Returns
    -------
    Area
        The session's choice; by default the top of the user's scope.
    """
    a = st.session_state.get("area")
    return a if isinstance(a, Area) else _top_area()


def set_area(code: str | None) -> None:
    """Select an area (a map click, a table row, the breadcrumb)."""
    if code is None:
        st.session_state["area"] = _top_area()
        return
    row = _tree(areas.area, code)
    if row is not None:
        st.session_state["area"] = Area(code=row[0], level=row[2], name=row[1])


def _tree(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(con, *args)`` of analytics.areas, shared where the data's version is read already.

    Inside :func:`ui.shared.one_version` (the sidebar's) the result is shared between sessions until the
    areas change (ui/shared.py); elsewhere it is asked of the store: one query either way (reading the
    version alone costs about as much as one of these lookups).

    Returns
    -------
    What ``fn`` returns.
    """
    from ui import shared

    return shared.call(con(), fn, *args) if shared.pinned() else fn(con(), *args)


def _top_area() -> Area:
    sc = scope()
    if sc and len(sc) == 1:
        row = _tree(areas.area, sc[0])
        if row is not None:
            return Area(code=row[0], level=row[2], name=row[1])
    county = _tree(areas.counties)
    if len(county) == 1 and sc is None:
        return Area(code=county["code"].iloc[0], level="county", name=county["name"].iloc[0])
    return Area(code=None, level="county", name=t("sidebar.area_all"))


def area_scope(area: Area | None = None) -> list[str] | None:
    """The scope for queries about the selected area.

    Parameters
    ----------
    area : Area, optional
        The area asked about; by default :func:`selected_area`.

    Returns
    -------
    list of str or None
        The user's whole scope (None: everything) at the top of it, so that county-wide figures keep
        what belongs to no township (e.g. unlocated petitions); else ``[area.code]``.
    """
    area = area or selected_area()
    if area.code is None or area == _top_area():
        return scope()
    return [area.code]


def breadcrumb(area: Area) -> list[Area]:
    """The chain county › township › village › grid down to ``area`` (within the user's scope).

    Parameters
    ----------
    area : Area
        The last link of the chain.

    Returns
    -------
    list of Area
        From the top of the user's scope down to ``area``; ``[area]`` when there is no chain to show.
    """
    if area.code is None:
        return [area]
    chain = _tree(areas.chain, area.code)
    top = _top_area()
    out: list[Area] = []
    started = top.code is None
    for code, name, level in zip(chain["code"], chain["name"], chain["level"]):
        if code == top.code:
            started = True
        if started:
            out.append(Area(code=code, level=level, name=name))
    return out or [area]


def children(area: Area) -> pd.DataFrame | None:
    """The areas one level below ``area`` that the user may see.

    Parameters
    ----------
    area : Area
        The parent area.

    Returns
    -------
    DataFrame or None
        One row per child area (columns ``code``, ``name``, as query ``area_children`` gives them);
        None when ``area`` is a grid (nothing below it).
    """
    lvl = area.child_level
    if lvl is None:
        return None
    return _tree(areas.children, lvl, area.code, scope())


# ----------------------------------------------------------------------------- period selection

# PERIODS and period_range: the calendar periods, defined with the calendar (analytics/calendar.py)


def selected_period() -> tuple[dt.date, dt.date]:
    """The period chosen in the sidebar, ending today at the latest.

    Every figure is "as of today", so every page counts over the same days.

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        First and last day, both included, cut at today (a range wholly in the future is today alone);
        by default this year so far.
    """
    start, end = st.session_state.get("period") or period_range("year", today())
    return clamp_period(start, end, today())


def period_end() -> dt.date:
    """The last day of the chosen period even when it is still to come.

    For a projection to the period's end; the figures count up to :func:`selected_period`'s end,
    today at the latest.

    Returns
    -------
    datetime.date
        The chosen period's last day, uncut (by default 31 December of this year).
    """
    return (st.session_state.get("period") or period_range("year", today()))[1]


def clamp_period(start: dt.date, end: dt.date, ref: dt.date) -> tuple[dt.date, dt.date]:
    """``(start, end)`` cut at ``ref``.

    Parameters
    ----------
    start, end : datetime.date
        The range's first and last day.
    ref : datetime.date
        The latest day allowed (today).

    Returns
    -------
    tuple of (datetime.date, datetime.date)
        ``end`` no later than ``ref``, ``start`` no later than that ``end``.
    """
    end = min(end, ref)
    return min(start, end), end


# ----------------------------------------------------------------------------- sidebar


def _go_to_area(a: Area) -> None:
    """The breadcrumb's button: back up to ``a`` (a callback, before the page's run)."""
    st.session_state["area"] = a


def _pick_child(key: str) -> None:
    """The list of the area's children: open the one picked (a callback, before the page's run)."""
    code = st.session_state.get(key)
    if code is not None:
        set_area(code)


def sidebar() -> None:
    """The one shared sidebar: area breadcrumb and period. Pages read :func:`selected_area`/`selected_period`."""
    from ui import shared

    # the areas' lookups (analytics.areas) are shared between sessions under one reading of the data's version
    with shared.one_version(con()):
        _sidebar()


def _sidebar() -> None:
    from ui import session as link

    link.read_link(con(), user())  # a reload or a bookmark: the URL's area and period
    with st.sidebar:
        area = selected_area()
        st.markdown(f"**{t('sidebar.area')}**")
        crumbs = breadcrumb(area)
        st.caption(" › ".join(a.name for a in crumbs))
        # Back up to any level above, one button each, and down by the list of the area's children.
        # Both change the area in a callback, which Streamlit runs before the script: a click is one
        # run of the page for the new area, not a run for the old one that then asks for another.
        for i, a in enumerate(crumbs[:-1]):
            st.button(
                t("sidebar.back_to", name=a.name),
                key=f"crumb_{i}_{a.code}",
                width="stretch",
                icon=":material/arrow_upward:",
                on_click=_go_to_area,
                args=(a,),
            )
        kids = children(area)
        if kids is not None and len(kids):
            options = [None] + kids["code"].tolist()
            names = dict(zip(kids["code"], kids["name"]))
            lvl = area.child_level
            key = f"pick_{area.code}"
            st.selectbox(
                t(f"level.{lvl}"),
                options,
                index=0,
                format_func=lambda c: "—" if c is None else f"{names[c]}",
                placeholder="—",  # emptied with its clear button: not Streamlit's English "Choose an option"
                key=key,
                on_change=_pick_child,
                args=(key,),
            )

        st.markdown(f"**{t('sidebar.period')}**")
        labels = {k: (t("period.last_days", days=182) if k == "last_days" else t(f"period.{k}")) for k in PERIODS}
        current = st.session_state.get("period_kind") or st.session_state.get("link_period_kind")
        kind = st.selectbox(
            t("sidebar.period"),
            PERIODS,
            index=PERIODS.index(current) if current in PERIODS else PERIODS.index("year"),
            format_func=lambda k: labels[k],
            label_visibility="collapsed",
            key="period_kind",
            persist_state="session",  # kept across st.switch_page (a row opening a household's record)
        )
        kind = kind if kind in PERIODS else "year"
        ref = today()
        if kind == "custom":
            start0, end0 = st.session_state.get("period") or period_range("year", ref)
            # one under the other: side by side in the sidebar each showed "2026 - 12 - 0", the day cut off
            start = st.date_input(
                t("sidebar.from"), start0, key="period_from", format="YYYY-MM-DD", persist_state="session"
            )
            end = st.date_input(t("sidebar.to"), end0, key="period_to", format="YYYY-MM-DD", persist_state="session")
            if start > end:
                st.error(t("period.error_order"))
                start, end = end, start
            rng = (start, end)
        else:
            rng = period_range(kind, ref)
        st.session_state["period"] = rng
        shown = clamp_period(*rng, ref)
        st.caption(t("period.range", start=shown[0].isoformat(), end=shown[1].isoformat()))
    link.write_link(selected_area(), _top_area(), kind, rng)
    link.refused_notice()
