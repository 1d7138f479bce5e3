"""What analytics/ says when a request cannot be done.

Petitions, grids, the survey, the calendar, pace, the monthly report and the household record.

Worded through :class:`i18n.Message` (``raise PetitionError(key=…, **params)``): the command line prints
``中文 / English``, a page the sentence in its own language. A key ending in ``.cli`` is the command
line's wording of the same sentence (it names the flag to fix); the page's never names a flag.
"""

ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ reports
    "report.error.kinds": (
        "走访方式 {kinds} 无效，可用：{allowed}",
        "unknown visit kind {kinds} (accepted: {allowed})",
    ),
    # ------------------------------------------------------------------ who is responsible for a grid
    "grid.reassigned": ("网格 {grid} 自 {date} 起：{changes}", "grid {grid} from {date}: {changes}"),
    "grid.reassigned.added": ("新增 {staff}", "added {staff}"),
    "grid.reassigned.ended": ("结束 {staff}", "ended {staff}"),
    "grid.reassigned.part_sep": ("；", "; "),
    "grid.error.no_area": ("没有编码为 {area} 的区域，请检查区域编码", "no area with code {area}: check the code"),
    "grid.error.role": (
        "只有县级管理员和乡镇/街道账号可以调整网格责任人",
        "only admin and office accounts may reassign grids",
    ),
    "grid.error.no_grid": ("没有编码为 {grid} 的网格，请检查网格编码", "no grid with code {grid}: check the code"),
    "grid.error.outside": ("网格 {grid} 不在您的负责范围内", "grid {grid} is outside your areas"),
    "grid.error.no_staff": (
        "没有工号为 {staff_id} 的人员，请先导入网格人员",
        "no staff with id {staff_id}: import the staff first",
    ),
    "grid.error.inactive": (
        "{name}（{staff_id}）已停用，不能安排负责网格",
        "{name} ({staff_id}) is inactive and cannot be made responsible for a grid",
    ),
    "grid.error.not_leader": (
        "{name}（{staff_id}）的职务不是网格长，不能任网格长；请先在人员表中改职务",
        "{name} ({staff_id}) is not a grid leader: change their role in the staff table first",
    ),
    "grid.error.is_leader": (
        "{name}（{staff_id}）是网格长，请在“网格长”一栏选择",
        "{name} ({staff_id}) is a grid leader: choose them as leader",
    ),
    "grid.error.add_and_remove": (
        "{staff} 既要加入又要移出，请只选一项",
        "{staff}: both added and removed, choose one",
    ),
    "grid.error.before_last_change": (
        "生效日期 {effective} 早于网格 {grid} 最近一次调整的日期 {last}，请选择 {last} 或之后的日期",
        "the effective date {effective} is before grid {grid}'s last change ({last}): choose {last} or later",
    ),
    "grid.error.not_responsible": (
        "{staff} 现在不负责网格 {grid}，无需移出",
        "{staff}: not responsible for grid {grid} now, nothing to remove",
    ),
    "grid.error.no_change": ("网格 {grid} 的责任人没有变化，无需调整", "nothing to change for grid {grid}"),
    # ------------------------------------------------------------------ the survey (民意调查)
    "survey.error.question_empty": (
        "第 {n} 个问题没有内容，请填写或删除这一行",
        "question {n} has no text: write it or delete the row",
    ),
    "survey.error.question_long": ("第 {n} 个问题超过 200 字，请缩短", "question {n} is longer than 200 characters"),
    "survey.error.no_active_question": (
        "问卷至少要有一个启用的问题",
        "the questionnaire needs at least one active question",
    ),
    "survey.error.seed": ("随机种子应为非负整数", "the random seed must be a non-negative whole number"),
    "survey.error.seed.cli": ("随机种子应为非负整数", "--seed must be a non-negative whole number"),
    "survey.error.has_answers": (
        "{month} 的样本已经录入了 {answers} 条回答，不能重新抽样",
        "the {month} sample already has {answers} answers; it cannot be drawn again",
    ),
    "survey.error.no_households": (
        "没有可抽取的住户：请先导入乡镇边界和住户",
        "no households to draw from: import townships and households first",
    ),
    "survey.error.all_drawn": (
        "所有住户在前 {months} 个月都已抽中过，本月无户可抽（可在规则 survey_exclude_months 中缩短）",
        "every household was drawn in the {months} months before: none is left this month "
        "(the rule survey_exclude_months can be shortened)",
    ),
    "survey.error.not_drawn": ("{month} 还没有抽样：请先抽样", "{month} has not been drawn yet: draw it first"),
    "survey.error.not_drawn_import": (
        "{month} 还没有抽样，无法导入回答",
        "{month} has not been drawn: no answers to import",
    ),
    "survey.error.answer": (
        "“{value}”不是可用的答案（满意、基本满意、不满意、未联系上）",
        "unknown answer “{value}” (满意、基本满意、不满意、未联系上)",
    ),
    "survey.error.method": (
        "“{value}”不是可用的调查方式（电话、入户、座谈）",
        "unknown way of asking “{value}” (电话、入户、座谈)",
    ),
    "survey.error.not_in_sample": ("户 {code} 不在 {month} 的样本中", "household {code} is not in the {month} sample"),
    "survey.error.no_question_number": ("没有第 Q{q} 题", "no question Q{q}"),
    "survey.error.no_question": ("问卷中没有 Q{q}", "no question Q{q} in the questionnaire"),
    "survey.error.date_range": (
        "调查日期 {date} 应在 {start} 到 {end} 之间",
        "the date {date} is outside the survey month ({start} to {end})",
    ),
    "survey.error.date_format": (
        "调查日期 {date} 无法识别，应为 2026-12-05",
        "the date {date} must look like 2026-12-05",
    ),
    "survey.error.not_xlsx": ("请导入调查表 .xlsx 文件", "the returned call sheet must be an .xlsx file"),
    "survey.error.no_call_sheet": (
        "找不到调查表（表头应有“户编号”和 Q1 等问题列）",
        "no call sheet in the file (a header with 户编号 and question columns Q1 …)",
    ),
    # ------------------------------------------------------------------ one household's record
    "household.error.no_household": ("没有户编号为 {code} 的户，请检查户编号", "no household with code {code}"),
    "household.error.outside_user": (
        "户 {code} 不在用户 {name} 的负责范围内",
        "household {code} is outside {name}'s areas",
    ),
    # ------------------------------------------------------------------ the working-day calendar
    "calendar.error.negative": ("工作日数不能为负数（{n}）", "the number of working days must not be negative ({n})"),
    "calendar.error.too_far": ("日历中没有足够的工作日", "the calendar has no working days that far"),
    "calendar.error.no_date": ("请填写日期", "enter a date"),
    # ------------------------------------------------------------------ the monthly report, pace
    "monthly.error.month_format": ("月份 {month} 的格式应为 2026-10", "the month {month} must look like 2026-10"),
    "monthly.error.month_format.cli": ("月份 {month} 的格式应为 2026-10", "--month must look like 2026-10 ({month})"),
    "monthly.error.not_started": (
        "{month} 还没有开始（今天是 {today}）",
        "{month} has not started yet (today is {today})",
    ),
    "pace.error.weeks": ("进度周数应为正整数", "the pace window must be at least one week"),
    "pace.error.backtest_dates": ("回测要求 起始日 ≤ 预测日 < 目标日", "the backtest needs from ≤ made_on < target"),
    # ------------------------------------------------------------------ petitions and visit issues
    "petition.error.status": ("状态 {status} 无效，可用：{allowed}", "unknown status {status} (accepted: {allowed})"),
    "petition.error.no_date": ("请填写办理日期", "enter the date"),
    "petition.error.date_before_received": (
        "办理日期 {date} 早于受理日期 {received}，请改正",
        "the date {date} is before the petition was received ({received})",
    ),
    "petition.error.date_future": (
        "办理日期 {date} 晚于今天 {today}，不能填写将来的日期",
        "the date {date} is in the future (today is {today})",
    ),
    "petition.error.satisfaction": (
        "满意度 {satisfaction} 无效，可用：满意、基本满意、不满意",
        "unknown satisfaction {satisfaction} (satisfied, partly satisfied, unsatisfied)",
    ),
    "petition.error.satisfaction_not_closing": ("满意度在办结时记录", "satisfaction is recorded when closing"),
    "petition.error.no_petition": ("没有编号为 {id} 的信访件", "no petition {id}"),
    "petition.error.backwards": (
        "信访件 {id} 已是“{status}”状态，不能改为“{new_status}”",
        "petition {id} is already “{status}”: the status can only move forward, not to “{new_status}”",
    ),
    "petition.error.no_reply_text": ("答复时请填写答复内容", "enter the reply"),
    "petition.error.close_without_reply": (
        "还没有答复，不能办结：请先答复或同时填写答复内容",
        "a petition cannot be closed without a reply: reply first, or give the reply with the closing",
    ),
    "petition.error.closed_before_reply": (
        "办结日期 {date} 早于答复日期 {replied}，请改正",
        "the closing date {date} is before the reply ({replied})",
    ),
    "petition.error.no_issue": ("没有编号为 {id} 的走访问题", "no visit issue {id}"),
    "petition.error.issue_backwards": (
        "走访问题 {id} 已是“{status}”状态，不能改为“{new_status}”",
        "visit issue {id} is already “{status}”: the status can only move forward, not to “{new_status}”",
    ),
    "petition.error.no_outcome": ("办结时请写明处理结果", "enter what was done"),
    "petition.error.one_location": (
        "请只选择一种定位方式：户编号、坐标或所属村",
        "give exactly one of household, point or village",
    ),
    "petition.error.no_household": ("没有户编号为 {code} 的住户", "no household {code}"),
    "petition.error.no_point": ("请填写经度和纬度", "enter both longitude and latitude"),
    "petition.error.point_range": (
        "坐标 {lon}, {lat} 超出范围，请检查经纬度",
        "the coordinates {lon}, {lat} are out of range: check them",
    ),
    "petition.error.no_village": ("没有编码为 {code} 的村/社区", "no village {code}"),
}
