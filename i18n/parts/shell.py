"""Strings of the app shell not in the main table."""

ENTRIES: dict[str, tuple[str, str]] = {
    "sidebar.back_to": ("返回 {name}", "Back to {name}"),
    "demo.building": (
        "首次启动：正在生成演示数据库（不到一分钟）…",
        "First start: building the demo database (under a minute)…",
    ),
    "demo.done": ("演示数据库已生成", "The demo database is ready"),
    # the demo build's steps (demo/build.py, demo/generate.py hand these keys to their progress callback)
    "demo.step.areas": ("正在生成乡镇、村、网格…", "Making the townships, villages and grids…"),
    "demo.step.prepare": ("正在准备县域轮廓…", "Preparing the county's outline…"),
    "demo.step.make_households": ("正在生成农户…", "Making the households…"),
    "demo.step.staff": ("正在生成网格员、结对帮扶…", "Making the grid staff and their pairings…"),
    "demo.step.visits": ("正在生成一年的走访记录…", "Making a year of visits…"),
    "demo.step.make_petitions": ("正在生成信访件（含聚集区）…", "Making the petitions (with their clusters)…"),
    "demo.step.generated": ("演示数据生成完成", "The demo data is made"),
    "demo.step.outline": ("读取梁平区县界（GCJ-02 → WGS-84）", "Reading Liangping's outline (GCJ-02 → WGS-84)"),
    "demo.step.voronoi": ("正在剖分网格（沃罗诺伊）…", "Cutting the grids (Voronoi)…"),
    "demo.step.merge": ("正在合并村、乡镇边界…", "Merging the villages' and townships' boundaries…"),
    "demo.step.boundaries.county": ("写入县界边界", "Writing the county's boundary"),
    "demo.step.boundaries.township": ("写入乡镇边界", "Writing the townships' boundaries"),
    "demo.step.boundaries.village": ("写入村边界", "Writing the villages' boundaries"),
    "demo.step.boundaries.grid": ("写入网格边界", "Writing the grids' boundaries"),
    "demo.step.households": ("写入住户、人员和走访记录", "Writing households, people and visits"),
    "demo.step.petitions": ("定位信访件", "Locating the petitions"),
    "demo.step.accounts": ("创建演示账号", "Making the demo accounts"),
    "demo.step.survey": ("生成民意调查", "Drawing the residents' survey"),
    "demo.step.done": ("完成", "Done"),
}
