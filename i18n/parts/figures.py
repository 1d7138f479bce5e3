"""The names of the figures shown on more than one page (and in the 通报), one name each.

A figure is shown under ``figure.<key>`` wherever it appears, with ``figure.<key>.help`` (its
definition, CONTRACT.md §4 or README "Choices") as the help text, so the same number never
carries two names and two numbers never carry the same name. The keys are those of
:func:`analytics.overview.headline` and :func:`analytics.petitions.summary`.
"""

ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ households and visits
    "figure.households": ("在册户数", "Active households"),
    "figure.households.help": (
        "所选区域各网格内的在册户（迁出、注销不计）",
        "Active households in the grids of the area (moved and closed ones do not count)",
    ),
    "figure.visited": ("已入户走访户数", "Households visited at home"),
    "figure.visited.help": (
        "所选时段内至少有一次入户走访的在册户",
        "Active households with at least one home visit in the period",
    ),
    "figure.visited_kinds": ("已走访户数（{kinds}）", "Households visited ({kinds})"),
    "figure.coverage": ("入户覆盖率", "Home-visit coverage"),
    "figure.coverage.help": (
        "已入户走访户数 / 在册户数，所选时段",
        "Households visited at home / active households, over the period",
    ),
    "figure.coverage_kinds": ("走访覆盖率（{kinds}）", "Visit coverage ({kinds})"),
    "figure.due": ("待走访户", "Households due"),
    "figure.due.help": (
        "截至 {date}，{days} 天内没有入户走访的在册户（从未走访的也算）",
        "Active households with no home visit in the {days} days up to {date} (never-visited ones included)",
    ),
    "figure.grids": ("网格数", "Grids"),
    "figure.staff": ("网格工作人员", "Grid staff"),
    "figure.staff.help": ("目前负责至少一个网格的人员", "People currently responsible for at least one grid"),
    "figure.unassigned": ("未分配网格的户数", "Households without a grid"),
    # ------------------------------------------------------------------ petitions (信访件)
    "figure.petitions_received": ("信访受理", "Petitions received"),
    "figure.petitions_received.help": (
        "所选时段内受理的信访件（含无法定位到村的，县级范围才计入）",
        "Petitions received in the period (unlocated ones count county-wide only)",
    ),
    "figure.petitions_received_filtered": ("信访受理（筛选后）", "Petitions received (filtered)"),
    "figure.petitions_overdue_filtered": ("信访逾期（筛选后）", "Petitions overdue (filtered)"),
    "figure.petitions_closed": ("信访办结", "Petitions closed"),
    "figure.petitions_closed.help": (
        "所选时段内受理、截至今天已办结的信访件",
        "Petitions received in the period and closed by today",
    ),
    "figure.petitions_overdue": ("信访逾期", "Petitions overdue"),
    "figure.petitions_overdue.help": (
        "所选时段内受理、截至今天超过答复期限未答复或超过办结期限未办结的信访件（走访问题另计）",
        "Petitions received in the period that are past their reply or close deadline today "
        "(visit follow-ups are counted apart)",
    ),
    "figure.resolution_rate": ("信访办结率", "Petitions closed (share)"),
    "figure.resolution_rate.help": ("信访办结 / 信访受理", "Petitions closed / petitions received"),
    "figure.on_time_rate": ("按期办结率", "On-time rate"),
    "figure.on_time_rate.help": (
        "在办结期限内办结的 / 已办结的信访件",
        "Petitions closed by their close deadline / petitions closed",
    ),
    "figure.satisfaction_rate": ("信访满意率", "Petitioner satisfaction"),
    "figure.satisfaction_rate.help": (
        "满意 / 已评价（基本满意算已评价、不算满意）",
        "Satisfied / rated (partly satisfied is rated, not satisfied)",
    ),
    "figure.petitions_unlocated": ("无法定位的信访件", "Petitions without a location"),
    "figure.petitions_unlocated.help": (
        "没有户编号、坐标或村编码，无法落到村的信访件：计数但不上图",
        "No household, point or village code: counted, not mapped",
    ),
    "figure.petitions_repeat": ("重复信访", "Repeat petitions"),
    "figure.petitions_repeat.help": (
        "同一户在 {days} 天内再次信访",
        "The same household petitioning again within {days} days",
    ),
    "figure.petitions_group": ("集访", "Group petitions"),
    # ------------------------------------------------------------------ visit follow-ups (走访问题)
    "figure.issues": ("走访问题", "Visit follow-ups"),
    "figure.issues.help": (
        "所选时段内走访时登记为“需要跟进办理”的问题（与信访件分开统计）",
        "Issues marked “needs follow-up” during visits in the period (counted apart from petitions)",
    ),
    "figure.issues_closed": ("走访问题办结", "Follow-ups closed"),
    "figure.issues_overdue": ("走访问题逾期", "Follow-ups overdue"),
    "figure.issues_overdue.help": (
        "所选时段内登记、截至今天超过期限未办理或未办结的走访问题",
        "Follow-ups raised in the period that are past their deadline today",
    ),
    "figure.solved_rate": ("问题解决率（合计）", "Issues solved"),
    "figure.solved_rate.help": (
        "信访件和走访问题合计：（信访办结 + 走访问题办结）/（信访受理 + 走访问题），与重庆 84 % 对比",
        "Combined: petitions and visit follow-ups together, (closed petitions + closed follow-ups) / "
        "(petitions + follow-ups), beside Chongqing's 84 %",
    ),
    # ------------------------------------------------------------------ how figures are written
    "figure.points": ("{delta} 个百分点", "{delta} pt"),
    "figure.vs_benchmark": ("比基准 {delta}", "{delta} vs benchmark"),
    "figure.period": ("{start} 至 {end}", "{start} to {end}"),
}
