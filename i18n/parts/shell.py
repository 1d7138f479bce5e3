"""Strings of the app shell not in the main table."""

ENTRIES: dict[str, tuple[str, str]] = {
    "sidebar.back_to": ("返回 {name}", "Back to {name}"),
    "demo.building": (
        "首次启动：正在生成演示数据库（不到一分钟）…",
        "First start: building the demo database (under a minute)…",
    ),
    "demo.done": ("演示数据库已生成", "The demo database is ready"),
}
