"""Strings of the coverage page (pages/coverage.py): "Which grids are behind on visits, and who lives there?"."""

ENTRIES: dict[str, tuple[str, str]] = {
    "coverage_page.metric_benchmark": ("基准覆盖率", "Benchmark"),
    "coverage_page.benchmark_help": (
        "重庆 2008–2011 年入户覆盖率，可在「管理 › 规则」中修改",
        "Chongqing 2008–2011 home-visit coverage; editable under Administration › Rules",
    ),
    "coverage_page.kinds_empty": (
        "至少选一种走访方式；现按入户走访计算",
        "Choose at least one visit kind; counting home visits for now",
    ),
    "coverage_page.period_caption": (
        "{area} · {start} 至 {end} · 计入：{kinds}",
        "{area} · {start} to {end} · counting: {kinds}",
    ),
    "coverage_page.map_title": ("各{level}覆盖率地图", "Coverage map by {level}"),
    "coverage_page.table_title": ("各{level}覆盖率", "Coverage by {level}"),
    "coverage_page.table_hint": (
        "点击表头排序；选中一行可进入该区域",
        "Click a header to sort; select a row to open that area",
    ),
    "coverage_page.grid_hint": (
        "已到网格一级：下方是这个网格的待走访户",
        "This is a grid: its households due for a visit are listed below",
    ),
    "coverage_page.trend": ("近12个月", "Last 12 months"),
    "coverage_page.trend_help": ("每月覆盖率（%），从 {start} 到 {end}", "Coverage per month (%), {start} to {end}"),
    "coverage_page.due_title": (
        "待走访户（截至 {date}，{days} 天内未入户）",
        "Households due (no home visit in the {days} days up to {date})",
    ),
    "coverage_page.due_caption": (
        "从未走访的排在最前，其余按最近走访日期从早到晚",
        "Never-visited first, then the longest since the last visit",
    ),
    "coverage_page.due_count": ("共 {n} 户", "{n} households"),
    "coverage_page.due_range": ("第 {start}–{end} 户，共 {n} 户", "Households {start}–{end} of {n}"),
    "coverage_page.due_range_one": ("第 {start} 户，共 {n} 户", "Household {start} of {n}"),
    "coverage_page.due_page": ("页码（共 {pages} 页）", "Page (of {pages})"),
    "coverage_page.due_page_help": (
        "每页 {size} 户，最久未走访的在前；导出的文件包含全部 {n} 户",
        "{size} households a page, the longest due first; the export holds all {n}",
    ),
    "coverage_page.points_capped": (
        "地图上只标出最久未走访的 {n} 户",
        "The map marks only the {n} longest-due households",
    ),
    "coverage_page.points_layer": ("待走访户", "Households due"),
    "coverage_page.no_rows": ("这个区域下面还没有可显示的区域", "There are no areas to show inside this area"),
    "coverage_page.no_geometry": ("这些区域没有边界，无法画在地图上", "These areas have no boundaries to draw"),
    "coverage_page.export_table_csv": ("导出覆盖率 CSV", "Export coverage CSV"),
    "coverage_page.export_table_xlsx": ("导出覆盖率 XLSX", "Export coverage XLSX"),
    "coverage_page.export_due_csv": ("导出待走访户 CSV", "Export households due CSV"),
    "coverage_page.export_due_xlsx": ("导出待走访户 XLSX", "Export households due XLSX"),
    "coverage_page.sheet_coverage": ("走访覆盖率", "Coverage"),
    "coverage_page.sheet_due": ("待走访户", "Households due"),
    "coverage_page.file_coverage": ("走访覆盖率", "coverage"),
    "coverage_page.file_due": ("待走访户", "households-due"),
    "coverage_page.col_trend": ("近12个月", "Last 12 months"),
}
