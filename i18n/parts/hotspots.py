"""Strings of the petition hotspot page (pages/hotspots.py)."""

ENTRIES: dict[str, tuple[str, str]] = {
    "hotspots_page.title": ("信访热点", "Petition hotspots"),
    "hotspots_page.question": (
        "信访在哪里聚集？是否在变严重？",
        "Where are petitions clustering, and is it getting worse?",
    ),
    "hotspots_page.level": ("分析层级", "Level"),
    "hotspots_page.filters": ("筛选", "Filters"),
    "hotspots_page.categories": ("问题类别", "Categories"),
    "hotspots_page.channels": ("来源渠道", "Channels"),
    "hotspots_page.all": ("全部", "All"),
    "hotspots_page.group_only": ("只看集访", "Group petitions only"),
    "hotspots_page.group_only_help": (
        "只看5人及以上共同提出的信访件（集访）",
        "Only petitions raised by 5 or more people together (集访)",
    ),
    "hotspots_page.unresolved_only": ("只看未答复/未办结", "Unresolved only"),
    "hotspots_page.fdr": ("FDR 校正", "FDR correction"),
    "hotspots_page.fdr_help": (
        "减少误报：同时检验很多区域时，按错误发现率校正显著性阈值",
        "Fewer false alarms: corrects the significance thresholds for testing many areas at once "
        "(false discovery rate)",
    ),
    "hotspots_page.heat": ("信访点密度", "Petition density"),
    "hotspots_page.heat_help": ("在地图上叠加信访件所在位置的热力图", "Draws a heat map of where the petitions are"),
    "hotspots_page.map_mode": ("地图显示", "Map shows"),
    "hotspots_page.mode.gi": ("冷热点（Gi*）", "Hot/cold spots (Gi*)"),
    "hotspots_page.mode.rate": ("每千户信访件数", "Petitions per 1,000 households"),
    "hotspots_page.mode.emerging": ("时空热点模式（近12个月）", "Emerging patterns (last 12 months)"),
    "hotspots_page.working_emerging": (
        "正在计算近12个月的时空热点（每月每个区域的 Gi*）…",
        "Computing the last 12 months' emerging hot spots (Gi* per month and area)…",
    ),
    "hotspots_page.period": ("时段：{start} 至 {end}", "Period: {start} to {end}"),
    "hotspots_page.scope_area": ("范围：{name}", "Area: {name}"),
    # metrics
    "hotspots_page.metric.located": ("已定位", "Located"),
    "hotspots_page.metric.hot_areas": ("热点区域（{level}）", "Hot spots ({level})"),
    "hotspots_page.metric.hot_help": (
        "Gi* 热点（90 % 及以上置信度）的区域数",
        "Areas that are Gi* hot spots at 90 % confidence or more",
    ),
    "hotspots_page.metric.cold_delta": ("冷点 {n} 个", "{n} cold spots"),
    "hotspots_page.metric.cold_delta_one": ("冷点 1 个", "1 cold spot"),
    "hotspots_page.metric.located_share": ("占 {pct}", "{pct} of all"),
    "hotspots_page.metric.unlocated_filtered": ("无法定位（筛选后）", "Unlocated (filtered)"),
    "hotspots_page.metric.escalated": ("越级到市/省/京", "Escalated to city/province/Beijing"),
    "hotspots_page.metric.escalated_filtered": ("越级到市/省/京（筛选后）", "Escalated (filtered)"),
    # repeats are found among all the range's petitions: the filters do not apply to them
    "hotspots_page.metric.repeat_unfiltered": ("重复信访（未筛选）", "Repeat petitions (unfiltered)"),
    # map
    "hotspots_page.map.title": ("地图", "Map"),
    "hotspots_page.map.click_hint": (
        "点击地图上的村或 Gi* 排序表中的一行，查看该村的信访件",
        "Click a village on the map or a row of the Gi* ranking to see its petitions",
    ),
    "hotspots_page.map.no_geometry": (
        "这一层级还没有导入边界 — 去「数据导入」",
        "No boundaries for this level yet — go to “Import data”",
    ),
    "hotspots_page.map.heat_layer": ("信访点密度", "Petition density"),
    "hotspots_page.legend.emerging": ("时空热点模式", "Emerging hot spot pattern"),
    # hottest list
    "hotspots_page.hottest.title": ("最热的{levels}（按 Gi* z 值排序）", "Hottest {levels} (by Gi* z-score)"),
    # no row of the ranking is a hot spot: it is no list of hot places
    "hotspots_page.hottest.title_no_hot": (
        "Gi* z 值最高的{levels}（没有热点）",
        "Highest Gi* z-scores among {levels} (no hot spot)",
    ),
    "hotspots_page.hottest.no_hot": (
        "这份排名里没有热点：列出的{levels}信访都不显著偏多（Gi* 置信度不到 90 %），只是按 z 值从高到低排列",
        "No hot spot in this ranking: none of these {levels} has significantly many petitions (Gi* confidence "
        "below 90 %); they are only ordered by z-score",
    ),
    "hotspots_page.hottest.min_count": (
        "少于 {n} 件信访的区域不参加排名（仍保留 z 值，见完整表）",
        "Areas with fewer than {n} petitions are not ranked (their z-score stays in the full table)",
    ),
    "hotspots_page.hottest.empty": ("没有达到排名条件的区域", "No area qualifies for the ranking"),
    "hotspots_page.col.count_trend": ("月度趋势", "Monthly trend"),
    "hotspots_page.col.pattern": ("时空模式", "Pattern"),
    "hotspots_page.col.gi_label": ("冷热点", "Hot/cold spot"),
    "hotspots_page.col.gi_confidence": ("热点置信度", "Hot spot at"),
    "hotspots_page.col.village_name": ("所在村", "Village"),
    "hotspots_page.col.grid_name": ("所在网格", "Grid"),
    "hotspots_page.col.level_reached": ("到达层级", "Level reached"),
    "hotspots_page.col.previous_id": ("上次信访编号", "Previous petition"),
    "hotspots_page.col.previous_on": ("上次受理日期", "Previous received"),
    "hotspots_page.col.previous_category": ("上次类别", "Previous category"),
    "hotspots_page.col.days_between": ("间隔天数", "Days between"),
    "hotspots_page.col.monthly": ("近12个月", "Last 12 months"),
    "hotspots_page.trend.increasing": ("↑ 上升", "↑ rising"),
    "hotspots_page.trend.decreasing": ("↓ 下降", "↓ falling"),
    "hotspots_page.trend.no trend": ("→ 无明显趋势", "→ no clear trend"),
    # selected village
    "hotspots_page.selected.title": ("{name}的信访件（{n} 件）", "Petitions of {name} ({n})"),
    "hotspots_page.selected.none": (
        "在地图或列表中选择一个区域，这里会列出它的信访件",
        "Select an area on the map or in the list to see its petitions here",
    ),
    "hotspots_page.selected.clear": ("取消选择", "Clear selection"),
    # tabs
    "hotspots_page.tab.trend": ("趋势与时空模式", "Trend and patterns"),
    "hotspots_page.tab.table": ("全部区域", "All areas"),
    "hotspots_page.tab.repeats": ("重复信访", "Repeat petitions"),
    "hotspots_page.tab.escalated": ("越级信访", "Escalated petitions"),
    "hotspots_page.table.caption": (
        "Gi* 在全县所有{level}上计算，这里列出您负责范围内的；可按任一列排序",
        "Gi* is computed over every {level} of the county; your areas are listed; sort by any column",
    ),
    "hotspots_page.trend.chart": ("每月信访件数（已定位）", "Located petitions per month"),
    "hotspots_page.trend.window": (
        "近12个月：{start} 至 {end}（最后一个月截至 {end}）；每月按 Gi* 95 % 置信度判定冷热"
        "点，再对 z 值序列做 Mann–Kendall 趋势检验",
        "Last 12 months: {start} to {end} (the last month up to {end}); each month's "
        "hot/cold spots at 95 % Gi* confidence, then a Mann–Kendall test on the z-series",
    ),
    "hotspots_page.trend.county": ("全县月度趋势：{trend}", "County monthly trend: {trend}"),
    "hotspots_page.trend.patterns_title": ("各{level}的时空热点模式", "Emerging pattern of each {level}"),
    "hotspots_page.hottest.patterns_why": (
        "“冷热点”看所选时段内全部信访，“时空模式”看近12个月里每个月单独的冷热点。所以：一个村全年累计很热（z 值高），"
        "但每个月件数都不多、没有哪个月单独达到显著，或者最近一个月不热、热的月份又不到九成，就是“无模式”；"
        "一个过去从不热的村，哪怕只有一件信访，只要它和周边村在最近一个月都偏多、这个月达到显著，就是“新热点”。",
        "“Hot/cold spot” looks at all petitions of the period, the “pattern” at each of the last 12 months on its own. "
        "So a village that is hot over the whole period (a high z) but had too few petitions in every single month "
        "to be "
        "significant, or was not hot in the last month and hot in fewer than nine months in ten, has “no pattern”; a "
        "village never hot before becomes a “new hot spot” with even one petition when it and its neighbours were high "
        "enough in the last month to be significant.",
    ),
    "hotspots_page.trend.legend_title": ("模式说明", "What the patterns mean"),
    "hotspots_page.trend.no_patterns": (
        "近12个月没有区域形成冷热点模式",
        "No area shows a hot or cold spot pattern in the last 12 months",
    ),
    "hotspots_page.repeats.caption": (
        "同一户在上次信访后 {days} 天内再次信访",
        "The same household petitioning again within {days} days of its previous petition",
    ),
    "hotspots_page.repeats.empty": ("所选时段没有重复信访", "No repeat petitions in the selected period"),
    "hotspots_page.escalated.caption": (
        "到达层级为市、省或国家的信访件",
        "Petitions whose level reached is the city, the province or the nation",
    ),
    "hotspots_page.escalated.empty": ("所选时段没有越级信访", "No escalated petitions in the selected period"),
    "hotspots_page.level_reached.county": ("县", "County"),
    "hotspots_page.level_reached.city": ("市", "City"),
    "hotspots_page.level_reached.province": ("省", "Province"),
    "hotspots_page.level_reached.national": ("国家", "National"),
    # emerging patterns: name and one-line meaning
    "hotspots_page.pattern.new_hot": ("新热点", "New hot spot"),
    "hotspots_page.pattern.consecutive_hot": ("连续热点", "Consecutive hot spot"),
    "hotspots_page.pattern.intensifying_hot": ("加剧热点", "Intensifying hot spot"),
    "hotspots_page.pattern.persistent_hot": ("持续热点", "Persistent hot spot"),
    "hotspots_page.pattern.diminishing_hot": ("减弱热点", "Diminishing hot spot"),
    "hotspots_page.pattern.sporadic_hot": ("零星热点", "Sporadic hot spot"),
    "hotspots_page.pattern.oscillating_hot": ("振荡热点", "Oscillating hot spot"),
    "hotspots_page.pattern.historical_hot": ("历史热点", "Historical hot spot"),
    "hotspots_page.pattern.new_cold": ("新冷点", "New cold spot"),
    "hotspots_page.pattern.consecutive_cold": ("连续冷点", "Consecutive cold spot"),
    "hotspots_page.pattern.intensifying_cold": ("加剧冷点", "Intensifying cold spot"),
    "hotspots_page.pattern.persistent_cold": ("持续冷点", "Persistent cold spot"),
    "hotspots_page.pattern.diminishing_cold": ("减弱冷点", "Diminishing cold spot"),
    "hotspots_page.pattern.sporadic_cold": ("零星冷点", "Sporadic cold spot"),
    "hotspots_page.pattern.oscillating_cold": ("振荡冷点", "Oscillating cold spot"),
    "hotspots_page.pattern.historical_cold": ("历史冷点", "Historical cold spot"),
    "hotspots_page.pattern.none": ("无模式", "No pattern"),
    "hotspots_page.meaning.new_hot": (
        "只在最近一个月是热点，以前从来不是",
        "A hot spot in the latest month only, never before",
    ),
    "hotspots_page.meaning.consecutive_hot": (
        "最近连续几个月是热点，此前不是；热点月份不到九成",
        "Hot for an unbroken run of recent months, never before; hot in under 90 % of months",
    ),
    "hotspots_page.meaning.intensifying_hot": (
        "九成以上月份是热点（含最近一个月），而且越来越热",
        "Hot in at least 90 % of months including the latest, and getting hotter",
    ),
    "hotspots_page.meaning.persistent_hot": (
        "九成以上月份是热点，强度没有明显变化",
        "Hot in at least 90 % of months, with no clear change in intensity",
    ),
    "hotspots_page.meaning.diminishing_hot": (
        "九成以上月份是热点（含最近一个月），但在变弱",
        "Hot in at least 90 % of months including the latest, but cooling",
    ),
    "hotspots_page.meaning.sporadic_hot": (
        "最近一个月是热点，以前时有时无，从未是冷点",
        "Hot in the latest month, on and off before, never a cold spot",
    ),
    "hotspots_page.meaning.oscillating_hot": (
        "最近一个月是热点，以前曾是冷点",
        "Hot in the latest month, a cold spot in some earlier month",
    ),
    "hotspots_page.meaning.historical_hot": (
        "最近一个月不是热点，但九成以上月份曾是热点",
        "Not hot in the latest month, but hot in at least 90 % of months",
    ),
    "hotspots_page.meaning.new_cold": (
        "只在最近一个月是冷点，以前从来不是",
        "A cold spot in the latest month only, never before",
    ),
    "hotspots_page.meaning.consecutive_cold": (
        "最近连续几个月是冷点，此前不是；冷点月份不到九成",
        "Cold for an unbroken run of recent months, never before; cold in under 90 % of months",
    ),
    "hotspots_page.meaning.intensifying_cold": (
        "九成以上月份是冷点（含最近一个月），而且越来越冷",
        "Cold in at least 90 % of months including the latest, and getting colder",
    ),
    "hotspots_page.meaning.persistent_cold": (
        "九成以上月份是冷点，强度没有明显变化",
        "Cold in at least 90 % of months, with no clear change",
    ),
    "hotspots_page.meaning.diminishing_cold": (
        "九成以上月份是冷点（含最近一个月），但在回升",
        "Cold in at least 90 % of months including the latest, but warming",
    ),
    "hotspots_page.meaning.sporadic_cold": (
        "最近一个月是冷点，以前时有时无，从未是热点",
        "Cold in the latest month, on and off before, never a hot spot",
    ),
    "hotspots_page.meaning.oscillating_cold": (
        "最近一个月是冷点，以前曾是热点",
        "Cold in the latest month, a hot spot in some earlier month",
    ),
    "hotspots_page.meaning.historical_cold": (
        "最近一个月不是冷点，但九成以上月份曾是冷点",
        "Not cold in the latest month, but cold in at least 90 % of months",
    ),
    "hotspots_page.meaning.none": ("不属于以上任何模式", "None of the patterns above"),
    "hotspots_page.empty.no_areas": (
        "这个范围内没有{level} — 换一个区域，或先导入边界",
        "No {level} in this area — pick another area or import boundaries first",
    ),
}
