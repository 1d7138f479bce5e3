"""Errors of the reports (analytics/reports.py), worded for the pages.

A key ending in ``.cli`` is the command line's wording of the same error (it names the flag to fix).
"""

ENTRIES: dict[str, tuple[str, str]] = {
    "report.error.week_format": ("周 {week} 的格式应为 2026-W47", "week {week} must look like 2026-W47"),
    "report.error.no_such_week": ("{year} 年没有第 {week} 周", "no week {week} in {year}"),
    "report.error.level": ("层级 {level} 无效，可用：{allowed}", "level {level} must be one of {allowed}"),
    "report.error.range": (
        "起始日期 {date_from} 晚于结束日期 {date_to}",
        "the start date {date_from} is after the end date {date_to}",
    ),
    "report.error.range.cli": (
        "起始日期 {date_from} 晚于结束日期 {date_to}",
        "--from is after --to ({date_from} > {date_to})",
    ),
    "report.error.days": ("天数应为正整数", "the number of days must be a positive whole number"),
    "report.error.days.cli": ("--days 应为正整数", "--days must be a positive number"),
    "report.error.no_area": ("没有编码为 {area} 的区域", "no area with code {area}"),
}
