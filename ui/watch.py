"""The escalation watch-list tab of the hotspots page.

It shows the listed petitions and villages with their reasons, the scoring rules, and how the list
did on the database's own history.

The numbers are :func:`analytics.escalation.watch_list` and :func:`analytics.escalation.hit_rate`
(what ``manage.py report watch`` prints); this module words and draws them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import escalation as E
from i18n import CATALOG, bool_label, column_labels, fmt_date, fmt_int, fmt_num, fmt_pct
from store import db
from ui import common as C
from ui.common import t

KEY = "watch"


@st.cache_data(show_spinner=False, max_entries=16)
def _computed(
    db_path: str, stamp: str, rules: tuple, today: dt.date, scope: tuple | None
) -> tuple[E.WatchList, E.HitRate]:
    """Today's list and the hit rate, once per data version, rule values, day and scope.

    Parameters
    ----------
    db_path : str
        The database (:func:`ui.common.db_path`); with ``stamp`` and ``rules`` only the cache's key.
    stamp : str
        The data's version (:func:`ui.warm.stamp`).
    rules : tuple of float
        The values of the rules table.
    today : datetime.date
        The day the list is made for.
    scope : tuple of str or None
        The user's scope (None: everything).

    Returns
    -------
    tuple of (analytics.escalation.WatchList, analytics.escalation.HitRate)
        :func:`analytics.escalation.watch_list` and :func:`analytics.escalation.hit_rate`.
    """
    con = C.con()
    sc = None if scope is None else list(scope)
    f = E.facts(con, today, sc)
    return E.watch_list(con, today, sc, f=f), E.hit_rate(con, today, sc, f=f)


def _labels(cols: list[str]) -> dict[str, str]:
    return column_labels(cols, C.lang())


def tab(stamp: str, scope: list[str] | None, today: dt.date) -> None:
    """Draw the watch-list (inside the hotspots page's tab)."""
    lang = C.lang()
    con = C.con()
    rules = tuple(db.df(con, "rules_all")["value"].tolist())
    with st.spinner(t("progress.working")):
        wl, hr = _computed(str(C.db_path()), stamp, rules, today, None if scope is None else tuple(scope))
    r = wl.rules
    st.caption(t("watch.caption"))
    st.caption(t("watch.as_of", date=today.isoformat(), min_score=f"{r.min_score:g}"))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        t("watch.metric.petitions"),
        fmt_int(len(wl.petitions), lang),
        help=t("watch.metric.petitions_help", watched=fmt_int(wl.watched, lang)),
    )
    m2.metric(t("watch.metric.villages"), fmt_int(len(wl.villages), lang))
    if hr.share is None:
        m3.metric(t("watch.metric.hit_rate"), "—")
        st.info(t("watch.hit_none"))
    else:
        m3.metric(
            t("watch.metric.hit_rate"),
            fmt_pct(hr.share, lang),
            help=t(
                "watch.metric.hit_help",
                n=fmt_int(hr.escalated, lang),
                hits=fmt_int(hr.hits, lang),
                days=hr.lead_days,
                direct=fmt_int(hr.via_petition, lang),
            ),
        )
        m4.metric(
            t("watch.metric.length"),
            t(
                "watch.metric.length_value",
                petitions=fmt_num(hr.mean_petitions, 0, lang),
                villages=fmt_num(hr.mean_villages, 0, lang),
            ),
            help=t(
                "watch.metric.length_help",
                petitions=fmt_num(hr.mean_petitions, 1, lang),
                villages=fmt_num(hr.mean_villages, 1, lang),
                watched=fmt_num(hr.mean_watched, 0, lang),
            ),
        )
    if hr.undated:
        st.caption(t("watch.undated", n=fmt_int(hr.undated, lang)))

    st.subheader(t("watch.petitions_title"))
    if wl.petitions.empty:
        st.success(t("watch.empty_petitions"))
    else:
        p = wl.petitions.copy()
        p["received_on"] = [fmt_date(d, lang) for d in p["received_on"]]
        p["status"] = C.t_each("status.{}", p["status"])
        p["reasons"] = [E.reason_text(x, lang) for x in p["reasons"]]
        cols = [
            "score",
            "id",
            "received_on",
            "village_name",
            "township_name",
            "category",
            "people",
            "status",
            "reasons",
        ]
        st.dataframe(
            p[cols].rename(columns=_labels(cols)),
            hide_index=True,
            width="stretch",
            key=f"{KEY}.petitions",
            column_config={
                _labels(["score"])["score"]: st.column_config.NumberColumn(format="%g"),
                _labels(["reasons"])["reasons"]: st.column_config.TextColumn(width="large"),
            },
        )
    st.subheader(t("watch.villages_title"))
    if wl.villages.empty:
        st.success(t("watch.empty_villages"))
    else:
        v = wl.villages.copy()
        v["pattern"] = C.t_each("hotspots_page.pattern.{}", v["pattern"])
        v["reasons"] = [E.reason_text(x, lang) for x in v["reasons"]]
        cols = ["score", "name", "township_name", "pattern", "petitions_listed", "reasons"]
        st.dataframe(
            v[cols].rename(columns=_labels(cols)),
            hide_index=True,
            width="stretch",
            key=f"{KEY}.villages",
            column_config={_labels(["score"])["score"]: st.column_config.NumberColumn(format="%g")},
        )
    with st.expander(t("watch.weights_title")):
        rules_df = db.df(con, "rules_all")
        mine = rules_df[rules_df["key"].str.startswith("watch_") | (rules_df["key"] == "repeat_days")]
        words = CATALOG[lang if lang in CATALOG else "zh"]  # a rule without a label shows its description
        st.dataframe(
            pd.DataFrame(
                {
                    t("admin_page.col.description"): [
                        words.get(f"admin_page.rule.{k}", d) for k, d in zip(mine["key"], mine["description"])
                    ],
                    t("admin_page.col.value"): [f"{x:g}" for x in mine["value"]],
                }
            ),
            hide_index=True,
            width="stretch",
            key=f"{KEY}.weights",
        )
    if len(hr.rows):
        with st.expander(t("watch.hits_title", days=hr.lead_days)):
            h = hr.rows.copy()
            for c in ("escalated_on", "checked_on"):
                h[c] = [fmt_date(d, lang) for d in h[c]]
            h["level_reached"] = C.t_each("hotspots_page.level_reached.{}", h["level_reached"])
            for c in ("listed", "village_listed", "hit"):
                h[c] = [bool_label(x, lang) for x in h[c].astype(bool)]
            cols = [
                "id",
                "escalated_on",
                "level_reached",
                "checked_on",
                "village_name",
                "score",
                "listed",
                "village_listed",
                "hit",
            ]
            st.dataframe(h[cols].rename(columns=_labels(cols)), hide_index=True, width="stretch", key=f"{KEY}.hits")
