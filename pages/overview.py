"""Overview: the headline figures of the selected area and period beside their benchmarks, and a map of
the area's children.

Every figure is shown under its one name (ui/figures.py) and comes from the functions the other pages'
figures come from too: analytics.overview.headline (coverage: analytics.reports.coverage) and, for
petitions and visit follow-ups, analytics.petitions.summary of the work list's parts that the
petitions page shares.
"""

from __future__ import annotations

import streamlit as st

from analytics import overview, petitions, reports
from gis import maps
from i18n import PCT_FORMAT, fmt_pct
from ui import common as C
from ui import figures as F
from ui import shared
from ui.common import t
from ui.geo import boundaries_version, simplified_level
from ui.maps import coverage_legend, render

C.page_guard()  # a page runs only inside app.py, for a signed-in user (ui/common.py)

c = C.con()
lang = C.lang()
area = C.selected_area()
date_from, date_to = C.selected_period()
scope = C.area_scope(area)

st.title(t("overview.title") + (f" · {area.name}" if area.code else ""))
st.caption(t("overview.period", start=date_from.isoformat(), end=date_to.isoformat()))
with st.spinner(t("progress.working")), shared.one_version(c):  # the data's version read once for these
    today = C.today()
    # the scope's households and visits only: under its townships' version (ui/shared.py townships; None
    # for the county: the whole version), a visit saved in another township leaves these shared
    towns = shared.townships(c, None, scope)
    figures = shared.call(c, overview.headline, date_from, date_to, scope, today, with_petitions=False, towns=towns)
    # the petitions' figures from the work list's two parts, shared with the petitions page under their
    # parts of the data's version (ui/shared.py): a saved visit does not recompute the work list here;
    # cut out of the county's parts (computed at start, ui/warm.py, and once after each write)
    parts = shared.worklist_parts(c, today, scope)
    figures["petitions"] = petitions.summary(c, date_from, date_to, scope, today, every=parts)
if figures["grids"] == 0:
    st.info(t("empty.no_boundaries"))
    st.stop()
if figures["households"] == 0:
    st.info(t("empty.no_households"))

m1, m2, m3, m4 = st.columns(4)
F.metric(m1, "households", figures["households"])
F.metric(m2, "grids", figures["grids"])
F.metric(m3, "staff", figures["staff"])
F.metric(m4, "coverage", figures["coverage"], benchmark=figures["benchmark_coverage"])

p = figures["petitions"]
p1, p2, p3, p4 = st.columns(4)
F.metric(p1, "petitions_received", p["received"])
F.metric(p2, "resolution_rate", p["resolution_rate"])
F.metric(p3, "petitions_overdue", p["overdue"])
F.metric(p4, "satisfaction_rate", p["satisfaction_rate"], benchmark=p["benchmark_satisfaction"])
q1, q2, q3, q4 = st.columns(4)
F.metric(q1, "issues", p["issues"])
F.metric(q2, "issues_overdue", p["issues_overdue"])
F.metric(q3, "solved_rate", p["solved_rate"], benchmark=p["benchmark_solved"])
if figures["unassigned"]:
    F.metric(q4, "unassigned", figures["unassigned"])

# the map: the selected area's children (townships for the county), coloured by the period's coverage
level = area.child_level or "grid"
table = shared.call(c, reports.coverage, level, date_from, date_to, scope=scope, towns=towns)
geo = simplified_level(str(C.db_path()), level, boundaries_version())
geo = geo[geo["code"].isin(table["code"])].merge(table, on=["code", "name"])
if len(geo):
    classes = maps.coverage_classes(figures["benchmark_coverage"])
    geo["coverage_text"] = [fmt_pct(v, lang) for v in geo["coverage"]]
    m = maps.base_map(bounds=geo.total_bounds)
    maps.choropleth_layer(
        m,
        geo,
        "coverage",
        classes.bins,
        classes.colors,
        fields=["name", "households", "visited", "coverage_text"],
        aliases=[t("col.name"), F.label("households"), F.label("visited"), F.label("coverage")],
    )
    maps.add_legend(m, F.label("coverage"), coverage_legend(classes, lang))  # the coverage page's rows
    # the map, then its table under it at the page's whole width (beside the map, the table's coverage and
    # headers were cut off at a desk's width, and all but the bar on a phone)
    render(m, key="overview_map", height=460, returned_objects=[])
    shown = table.drop(columns=["code"]).assign(coverage=table["coverage"] * 100)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "name": st.column_config.TextColumn(t("col.name")),
            "households": st.column_config.NumberColumn(F.label("households"), format="localized"),
            "visited": st.column_config.NumberColumn(F.label("visited"), format="localized"),
            # the number alone: a bar beside it left only the bar on a phone (the map above is the colour)
            "coverage": st.column_config.NumberColumn(F.label("coverage"), format=PCT_FORMAT),
        },
    )
