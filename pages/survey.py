"""民意调查 — the county's monthly satisfaction survey of the 三维考核 (administrator; the leader reads
the results).

Results per township (satisfaction with its 95 % Wilson interval, response rate, the benchmark
beside them) first; then, for the administrator, the draw (sample sizes per township, the seed,
the call sheets), recording answers, importing a returned call sheet, and the questionnaire. The
numbers are analytics/survey.py's, the same as ``manage.py survey …``; every write is audited.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import survey as S
from auth import audit
from i18n import PCT_FORMAT, column_labels, fmt_int, fmt_pct, fmt_points
from ingest import preview
from ingest.errors import ImportFailed
from ui import common as C
from ui import downloads
from ui.common import t

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

KEY = "survey_page"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FLASH = f"{KEY}.flash"


def _months(today: dt.date) -> list[dt.date]:
    """Next month, this month and the 11 before it, newest first."""
    this = today.replace(day=1)
    return [S.months_before(this, k) for k in range(-1, 12)]


def _flash(section: str, kind: str, text: str) -> None:
    C.leave_message(FLASH, kind, text, where=section)


def _show_flash(section: str) -> None:
    """The outcome of the last action, in the tab where it was done: a message above the tabs would
    move them down and Streamlit would open the first tab again (and the message would be out of sight)."""
    C.show_message(FLASH, where=section)


def _labels(cols) -> dict[str, str]:
    return column_labels(list(cols), C.lang())


# ----------------------------------------------------------------------------- results


def results_section(month: dt.date) -> None:
    lang = C.lang()
    con = C.con()
    res = S.results(con, month, C.scope())
    st.subheader(t("survey.results_title", month=f"{month:%Y-%m}"))
    if res.empty:
        st.info(t("survey.not_drawn", month=f"{month:%Y-%m}"))
        return
    sampled, reached = int(res["sampled"].sum()), int(res["reached"].sum())
    answered, satisfied = int(res["answered"].sum()), int(res["satisfied"].sum())
    lo, hi = S.wilson(satisfied, answered)
    bench = float(res["benchmark"].iloc[0])
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("survey.metric.sampled"), fmt_int(sampled, lang))
    m2.metric(
        t("survey.metric.response_rate"),
        fmt_pct(reached / sampled if sampled else None, lang),
        help=t("survey.metric.response_help", reached=fmt_int(reached, lang), sampled=fmt_int(sampled, lang)),
    )
    m3.metric(
        t("survey.metric.satisfaction"),
        fmt_pct(satisfied / answered if answered else None, lang),
        delta=fmt_points(satisfied / answered - bench, lang) if answered else None,
        delta_arrow="off",
        help=t(
            "survey.metric.satisfaction_help", low=fmt_pct(lo, lang), high=fmt_pct(hi, lang), n=fmt_int(answered, lang)
        ),
    )
    m4.metric(t("survey.metric.benchmark"), fmt_pct(bench, lang), help=t("survey.metric.benchmark_help"))
    cols = [
        "name",
        "sampled",
        "recorded",
        "reached",
        "response_rate",
        "answered",
        "satisfied",
        "satisfaction",
        "ci_low",
        "ci_high",
        "benchmark",
        "code",
    ]
    heads = _labels(cols)
    shares = ("response_rate", "satisfaction", "ci_low", "ci_high", "benchmark")
    shown = res[cols].copy()
    for c in shares:  # written "93.2 %" as on every page (i18n.PCT_FORMAT)
        shown[c] = shown[c].astype(float) * 100
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=f"{KEY}.results",
        column_config={
            "name": st.column_config.TextColumn(heads["name"], pinned=True),
            **{c: st.column_config.NumberColumn(heads[c], format=PCT_FORMAT) for c in shares},
            **{
                c: st.column_config.NumberColumn(heads[c], format="localized")
                for c in ("sampled", "recorded", "reached", "answered", "satisfied")
            },
            "code": st.column_config.TextColumn(heads["code"]),
        },
    )
    st.caption(t("survey.results_caption"))


# ----------------------------------------------------------------------------- the draw (admin)


def _draw(month: dt.date) -> None:
    seed = st.session_state.get(f"{KEY}.seed")
    try:
        d = S.draw(C.con(), month, seed=int(seed) if seed is not None else None, actor=C.user())
    except S.SurveyError as e:
        _flash("draw", "error", e.text(C.lang()))
        return
    _flash(
        "draw", "success", t("survey.drawn", month=f"{month:%Y-%m}", n=fmt_int(len(d.sample), C.lang()), seed=d.seed)
    )


def draw_section(month: dt.date) -> None:
    lang = C.lang()
    con = C.con()
    st.caption(t("survey.draw_caption"))
    d = S.drawn(con, month)
    strata = d.strata if d is not None else S.plan(con, month)
    if d is not None:
        st.success(
            t(
                "survey.already_drawn",
                month=f"{month:%Y-%m}",
                seed=d.seed,
                n=fmt_int(int(strata["sample_size"].sum()), lang),
            )
        )
    else:
        st.info(t("survey.plan", month=f"{month:%Y-%m}", n=fmt_int(int(strata["sample_size"].sum()), lang)))
    cols = ["name", "residents", "households", "eligible", "sample_size", "township_code"]
    heads = _labels(cols)
    st.dataframe(
        strata[cols],
        hide_index=True,
        width="stretch",
        key=f"{KEY}.strata",
        column_config={
            "name": st.column_config.TextColumn(heads["name"], pinned=True),
            "township_code": st.column_config.TextColumn(t("col.township_code")),
            **{
                c: st.column_config.NumberColumn(heads[c], format="localized")
                for c in ("residents", "households", "eligible", "sample_size")
            },
        },
    )
    c1, c2 = st.columns([1, 2])
    c1.number_input(
        t("survey.seed"),
        min_value=0,
        step=1,
        value=d.seed if d is not None else S.default_seed(month),
        key=f"{KEY}.seed",
        help=t("survey.seed_help"),
    )
    c2.write("")
    answered = d is not None and not S.answers(con, month).empty  # a sample with answers stays as it is
    c2.button(
        t("survey.draw_again") if d is not None else t("survey.draw"),
        key=f"{KEY}.draw",
        on_click=_draw,
        args=(month,),
        type="primary",
        icon=":material/casino:",
        disabled=answered,
        help=t("survey.draw_locked") if answered else None,
    )
    _show_flash("draw")
    if d is not None:
        data = S.call_sheets(con, month, C.user())
        downloads.button(
            t("survey.download"),
            lambda: data,
            file_name=f"民意调查-{month:%Y-%m}.xlsx",
            mime=XLSX_MIME,
            key=f"{KEY}.download",
            audit=(None, audit.detail_line("survey_export", month=f"{month:%Y-%m}")),
        )


# ----------------------------------------------------------------------------- answers (admin)


def _save_answers(month: dt.date, town: str) -> None:
    state = st.session_state.get(f"{KEY}.editor.{month:%Y%m}.{town}") or {}
    try:
        households, answers = S.record_edits(
            C.con(),
            month,
            S.answer_table(C.con(), month, town, C.user()),
            state.get("edited_rows", {}),
            actor=C.user(),
            today=C.today(),
        )
    except S.SurveyError as e:
        _flash("answers", "error", e.text(C.lang()))
        return
    _flash(
        "answers",
        "success",
        t("survey.saved", households=fmt_int(households, C.lang()), answers=fmt_int(answers, C.lang())),
    )


def answers_section(month: dt.date) -> None:
    con = C.con()
    d = S.drawn(con, month)
    if d is None:
        st.info(t("survey.not_drawn", month=f"{month:%Y-%m}"))
        return
    towns = d.strata[d.strata["sample_size"] > 0]
    names = dict(zip(towns["township_code"], towns["name"]))
    town = st.selectbox(t("survey.township"), list(names), format_func=lambda c: names[c], key=f"{KEY}.town")
    frame = S.answer_table(con, month, town, C.user())
    qs = S.questions(con)
    words = [S.ANSWER_ZH[a] for a in S.ANSWERS]
    heads = _labels(["position", "household_code", "head_name", "phone", "village_name"])
    config = {
        "position": st.column_config.NumberColumn(t("survey.col.position"), disabled=True),
        "household_code": st.column_config.TextColumn(heads["household_code"], disabled=True),
        "head_name": st.column_config.TextColumn(heads["head_name"], disabled=True),
        "phone": st.column_config.TextColumn(heads["phone"], disabled=True),
        "village_name": st.column_config.TextColumn(heads["village_name"], disabled=True),
        "method": st.column_config.SelectboxColumn(t("survey.col.method"), options=[S.METHOD_ZH[m] for m in S.METHODS]),
        "answered_on": st.column_config.DateColumn(
            t("survey.col.answered_on"), format="YYYY-MM-DD", min_value=month, max_value=C.today()
        ),
    }
    for qid, text in zip(qs["id"], qs["text"]):
        config[f"Q{int(qid)}"] = st.column_config.SelectboxColumn(f"Q{int(qid)}", options=words, help=text)
    st.caption(t("survey.answers_caption"))
    st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        column_config=config,
        key=f"{KEY}.editor.{month:%Y%m}.{town}",
    )
    st.button(
        t("survey.save"),
        key=f"{KEY}.save",
        on_click=_save_answers,
        args=(month, town),
        type="primary",
        icon=":material/save:",
    )
    _show_flash("answers")


def import_section(month: dt.date) -> None:
    st.caption(t("survey.import_caption", month=f"{month:%Y-%m}"))
    up = st.file_uploader(t("survey.upload"), type=["xlsx", "xlsm"], key=f"{KEY}.upload")
    if up is None:
        return
    if not st.button(t("survey.import"), key=f"{KEY}.import", type="primary", icon=":material/upload_file:"):
        return
    try:
        with preview.private_copy(up.name, up.getvalue(), "survey") as path:
            res = S.import_sheet(C.con(), path, month, actor=C.user(), today=C.today(), source=up.name)
    except (ImportFailed, preview.UploadRefused, S.SurveyError) as e:
        st.error(e.text(C.lang()))
        return
    st.success(res.summary())
    if res.errors:
        st.dataframe(
            pd.DataFrame({t("survey.col.problem"): [e.text(C.lang()) for e in res.errors]}),
            hide_index=True,
            width="stretch",
            key=f"{KEY}.import_errors",
        )


# ----------------------------------------------------------------------------- questionnaire (admin)


def _save_questions() -> None:
    state = st.session_state.get(f"{KEY}.questions") or {}
    q = S.questions(C.con(), active_only=False)[["id", "text", "active"]].reset_index(drop=True)
    rows = q.to_dict("records")
    for i, patch in state.get("edited_rows", {}).items():
        rows[int(i)].update(patch)
    for i in sorted((int(x) for x in state.get("deleted_rows", [])), reverse=True):
        rows.pop(i)
    for new in state.get("added_rows", []):
        rows.append({"id": None, "text": new.get("text"), "active": new.get("active", True)})
    try:
        S.save_questions(C.con(), pd.DataFrame(rows, columns=["id", "text", "active"]), actor=C.user())
    except S.SurveyError as e:
        _flash("questions", "error", e.text(C.lang()))
        return
    _flash("questions", "success", t("survey.questions_saved"))


def questions_section() -> None:
    st.caption(t("survey.questions_caption"))
    q = S.questions(C.con(), active_only=False)[["id", "text", "active"]]
    st.data_editor(
        q,
        hide_index=True,
        width="stretch",
        num_rows="dynamic",
        key=f"{KEY}.questions",
        column_config={
            "id": st.column_config.NumberColumn(t("survey.col.question_id"), disabled=True),
            "text": st.column_config.TextColumn(t("survey.col.question"), max_chars=200, width="large"),
            "active": st.column_config.CheckboxColumn(t("survey.col.active"), default=True),
        },
    )
    st.button(
        t("survey.questions_save"),
        key=f"{KEY}.questions_save",
        on_click=_save_questions,
        type="primary",
        icon=":material/save:",
    )
    _show_flash("questions")


# ----------------------------------------------------------------------------- the page


def main() -> None:
    st.title(t("survey.title"))
    st.caption(t("survey.question"))
    months = _months(C.today())
    month = st.selectbox(t("survey.month"), months, index=1, format_func=lambda m: f"{m:%Y-%m}", key=f"{KEY}.month")
    results_section(month)
    u = C.user()
    if u is None or u.role != "admin":
        return
    tabs = st.tabs([t("survey.tab.draw"), t("survey.tab.answers"), t("survey.tab.import"), t("survey.tab.questions")])
    with tabs[0]:
        draw_section(month)
    with tabs[1]:
        answers_section(month)
    with tabs[2]:
        import_section(month)
    with tabs[3]:
        questions_section()


main()
