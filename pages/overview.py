"""Overview: the county's headline figures beside their benchmarks, and a map of the townships."""
from __future__ import annotations

import streamlit as st

from analytics import overview, reports
from gis import maps
from i18n import fmt_int, fmt_pct
from ui import common as C
from ui.common import t
from ui.geo import boundaries_version, simplified_level

c = C.con()
lang = C.lang()
area = C.selected_area()
date_from, date_to = C.selected_period()
year_from, year_to = C.period_range("year", C.today())
scope = C.area_scope(area)

st.title(t("overview.title") + (f" · {area.name}" if area.code else ""))
figures = overview.headline(c, year_from, min(year_to, C.today()), scope, C.today())
if figures["grids"] == 0:
    st.info(t("empty.no_boundaries"))
    st.stop()
if figures["households"] == 0:
    st.info(t("empty.no_households"))

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("metric.households"), fmt_int(figures["households"], lang))
m2.metric(t("metric.grids"), fmt_int(figures["grids"], lang))
m3.metric(t("metric.staff"), fmt_int(figures["staff"], lang))
cov = figures["coverage"]
bench = figures["benchmark_coverage"]
m4.metric(t("metric.coverage_year"), fmt_pct(cov, lang),
          delta=None if cov is None else f"{(cov - bench) * 100:+.1f} pt",
          help=t("metric.benchmark", value=fmt_pct(bench, lang)) + " · " + t("metric.benchmark_source"))

p = figures.get("petitions") or {}
p1, p2, p3, p4 = st.columns(4)
p1.metric(t("metric.petitions_received"), fmt_int(p.get("received", 0), lang))
p2.metric(t("metric.petitions_closed"), fmt_int(p.get("closed", 0), lang))
p3.metric(t("metric.petitions_overdue"), fmt_int(p.get("overdue", 0), lang))
sat = p.get("satisfaction_rate")
p4.metric(t("metric.satisfaction"), fmt_pct(sat, lang),
          delta=None if sat is None else f"{(sat - figures['benchmark_satisfaction']) * 100:+.1f} pt",
          help=t("metric.benchmark", value=fmt_pct(figures["benchmark_satisfaction"], lang)))
solved = p.get("resolution_rate")
st.caption(t("metric.solved") + f" {fmt_pct(solved, lang)} · "
           + t("metric.benchmark", value=fmt_pct(figures["benchmark_solved"], lang))
           + (f" · {t('metric.unassigned')} {fmt_int(figures['unassigned'], lang)}" if figures["unassigned"] else ""))

# the map: the selected area's children (townships for the county), coloured by this year's coverage
level = area.child_level or "grid"
table = reports.coverage(c, level, year_from, min(year_to, C.today()), scope=scope)
geo = simplified_level(str(C.db_path()), level, boundaries_version())
geo = geo[geo["code"].isin(table["code"])].merge(table, on=["code", "name"])
if len(geo):
    classes = maps.coverage_classes()
    geo["coverage_text"] = [fmt_pct(v, lang) for v in geo["coverage"]]
    m = maps.base_map(bounds=geo.total_bounds)
    maps.choropleth_layer(m, geo, "coverage", classes.bins, classes.colors,
                          fields=["name", "households", "visited", "coverage_text"],
                          aliases=[t("col.name"), t("col.households"), t("col.visited"), t("col.coverage")])
    maps.add_legend(m, t("metric.coverage_year"), list(zip(classes.colors, classes.labels)))
    left, right = st.columns([3, 2])
    with left:
        maps.render(m, key="overview_map", height=460, returned_objects=[])
    with right:
        shown = table.rename(columns={"name": t("col.name"), "households": t("col.households"),
                                      "visited": t("col.visited"), "coverage": t("col.coverage")})
        st.dataframe(shown.drop(columns=["code"]), hide_index=True, width="stretch",
                     column_config={t("col.coverage"): st.column_config.ProgressColumn(
                         t("col.coverage"), min_value=0.0, max_value=1.0, format="percent")})
