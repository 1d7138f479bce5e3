"""Strings of the weekly page (pages/weekly.py) and of analytics/visits.py."""

ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ header and week
    "weekly_page.title": ("本周走访", "This week's visits"),
    "weekly_page.question": (
        "本周任务完成了吗？下一户该去谁家？",
        "Have I met this week's quota, and whom must I visit next?",
    ),
    "weekly_page.office_question": (
        "各网格工作人员每周走访达标了吗？（默认显示上一个完整的周）",
        "Has every grid worker met the weekly visit quota? (the last complete week first)",
    ),
    "weekly_page.week": ("周", "Week"),
    "weekly_page.week_range": ("{start} 至 {end}", "{start} to {end}"),
    "weekly_page.in_progress": ("（本周，进行中）", " (this week, in progress)"),
    "weekly_page.in_progress_note": (
        "本周还没有结束，数字截至 {today}",
        "This week has not ended: figures up to {today}",
    ),
    "weekly_page.no_staff": (
        "您的账号还没有对应的网格工作人员，请联系县级管理员在「管理」中设置",
        "Your account is not linked to a grid worker; ask the county administrator to link it",
    ),
    "weekly_page.not_responsible": (
        "本周您没有负责的网格，以下按您本人的入户走访统计",
        "You answer for no grid this week; the numbers count your own home visits",
    ),
    # ------------------------------------------------------------------ metrics
    "weekly_page.metric.days": ("走访天数", "Visit days"),
    "weekly_page.metric.days_value": ("{days} / {target} 天", "{days} / {target} days"),
    "weekly_page.metric.households": ("走访户数", "Households visited"),
    "weekly_page.metric.visits": ("入户 {n} 次", "{n} home visits"),
    "weekly_page.metric.quota": ("本周任务", "Weekly quota"),
    "weekly_page.met": ("已达标", "Met"),
    "weekly_page.not_met": ("未达标", "Not met"),
    "weekly_page.days_short": ("未达标，还差 {n} 天", "Not met: {n} more days needed"),
    "weekly_page.target_rule": (
        "目标：每周入户走访不少于 {target} 天（电话、院坝会、接访不计入）",
        "Target: home visits on at least {target} days a week (phone, meetings and receptions do not count)",
    ),
    "weekly_page.other_kinds": ("另有 {text}（不计入天数）", "Also {text} (not counted as visit days)"),
    # ------------------------------------------------------------------ the seven days
    "weekly_page.days_title": ("每日入户走访", "Home visits per day"),
    "weekly_page.wd.0": ("一", "Mon"),
    "weekly_page.wd.1": ("二", "Tue"),
    "weekly_page.wd.2": ("三", "Wed"),
    "weekly_page.wd.3": ("四", "Thu"),
    "weekly_page.wd.4": ("五", "Fri"),
    "weekly_page.wd.5": ("六", "Sat"),
    "weekly_page.wd.6": ("日", "Sun"),
    "weekly_page.holiday": ("休", "Off"),
    "weekly_page.makeup": ("班", "Work"),
    "weekly_page.legend": (
        "「休」法定节假日　「班」调休上班日　数字为当天入户次数",
        "“Off” official holiday · “Work” weekend made a working day (调休) · numbers are home visits that day",
    ),
    "weekly_page.holidays_in_week": (
        "本周节假日：{names}；工作日 {n} 天",
        "Holidays this week: {names}; {n} working days",
    ),
    "weekly_page.workdays": ("本周工作日 {n} 天", "{n} working days this week"),
    "weekly_page.calendar_unknown": (
        "{year} 年的放假安排尚未公布或录入，本周暂按周末计算工作日",
        "{year}'s official holidays are not known yet; working days count weekends only this week",
    ),
    # ------------------------------------------------------------------ whom next
    "weekly_page.due_title": ("下一户走访谁", "Whom to visit next"),
    "weekly_page.due_count": (
        "共 {n} 户需要入户（{days} 天内未入户），未走访过的在前，困难群体优先",
        "{n} households due (no home visit in {days} days): never visited first, vulnerable first",
    ),
    "weekly_page.office.showing": ("显示第 {start}–{end} 人，共 {n} 人", "Showing {start}–{end} of {n}"),
    "weekly_page.office.showing_one": ("显示第 {start} 人，共 {n} 人", "Showing {start} of {n}"),
    "weekly_page.due_showing": ("显示第 {start}–{end} 户，共 {n} 户", "Showing {start}–{end} of {n}"),
    "weekly_page.due_showing_one": ("显示第 {start} 户，共 {n} 户", "Showing {start} of {n}"),
    "table.page": ("页", "Page"),
    "weekly_page.nothing_due": (
        "您负责的户都已按时入户，做得好！",
        "Every household of yours has been visited in time — well done!",
    ),
    "weekly_page.no_grids": ("您当前没有负责的网格", "You answer for no grid at present"),
    "weekly_page.never": ("从未入户", "Never visited"),
    "weekly_page.days_ago": ("{n} 天前", "{n} days ago"),
    "weekly_page.col.household": ("户", "Household"),
    "weekly_page.col.last": ("最近入户", "Last home visit"),
    "weekly_page.col.flags": ("标记", "Flags"),
    "weekly_page.paired": ("结穷亲", "Paired (结穷亲)"),
    "weekly_page.map_title": ("待走访户位置", "Where the households due live"),
    "weekly_page.map_missing": ("地图组件暂不可用", "The map is not available"),
    "weekly_page.map_no_points": (
        "这些户没有坐标，无法在地图上显示",
        "These households have no coordinates to show on a map",
    ),
    # ------------------------------------------------------------------ record a visit
    "weekly_page.form_title": ("登记走访", "Record a visit"),
    "weekly_page.household": ("走访户（可输入户主、户号或地址查找）", "Household (type a name, code or address)"),
    "weekly_page.household_placeholder": ("输入户主姓名、户号或地址", "Type a name, code or address"),
    "weekly_page.kind": ("走访方式", "Kind"),
    "weekly_page.date": ("走访日期", "Date"),
    "weekly_page.note": ("民情记录", "Notes (民情)"),
    "weekly_page.note_help": ("群众反映的问题、诉求和办理情况", "What people raised and what was done"),
    "weekly_page.note_limit": (
        "最多 {n:,} 个字；更长的记录保存时会提示精简",
        "At most {n:,} characters; a longer note is refused at save, asking to shorten it",
    ),
    "weekly_page.needs_action": ("需要跟进办理", "Needs follow-up"),
    "weekly_page.submit": ("保存走访", "Save visit"),
    "weekly_page.no_households": ("您负责的网格里没有可以登记的户", "There are no households in your grids to record"),
    "weekly_page.pick_household": ("请先选择走访的户", "Choose the household first"),
    "weekly_page.saved": ("已登记：{household}，{date}，{kind}", "Saved: {household}, {date}, {kind}"),
    "weekly_page.already_recorded": (
        "已经登记过：{household} {date} 的{kind}，没有重复登记",
        "Already recorded: {household}, {date}, {kind} — not saved twice",
    ),
    "weekly_page.edited": ("已修改：{household}，{date}", "Changed: {household}, {date}"),
    "weekly_page.deleted": ("已删除：{household}，{date}", "Deleted: {household}, {date}"),
    "weekly_page.unchanged": ("没有改动", "Nothing changed"),
    # ------------------------------------------------------------------ my recent visits
    "weekly_page.recent_title": (
        "我最近的走访（{days} 天内可修改、删除）",
        "My recent visits (editable for {days} days)",
    ),
    "weekly_page.recent_none": ("最近 {days} 天没有您的走访记录", "No visits of yours in the last {days} days"),
    "weekly_page.recent_pick": ("选择一条走访", "Choose a visit"),
    "weekly_page.edit_submit": ("保存修改", "Save changes"),
    "weekly_page.delete_confirm": ("确认删除这条走访", "Yes, delete this visit"),
    "weekly_page.delete": ("删除", "Delete"),
    "weekly_page.delete_needs_confirm": ("请先勾选「确认删除这条走访」", "Tick “Yes, delete this visit” first"),
    "weekly_page.recent_shown": ("显示最近 {n} 条", "Showing the latest {n}"),
    # ------------------------------------------------------------------ township office
    "weekly_page.office.staff": ("应达标人数", "Staff with a quota"),
    "weekly_page.office.met": ("达标人数", "Met the quota"),
    "weekly_page.office.inactive": ("当周无走访", "No home visits that week"),
    "weekly_page.office.ranking": ("走访排名", "Ranking"),
    "weekly_page.office.ranking_note": (
        "按走访天数、走访户数、网格覆盖率排名；当周至少入户 {n} 次才参加排名；"
        "⚠ 为未达标（少于 {target} 天）；网格覆盖率为所负责网格近 {days} "
        "天的入户覆盖率",
        "Ranked by visit days, households visited, coverage of their grids; only "
        "workers with "
        "at least {n} home visit(s) in the week are ranked; ⚠ below target (fewer "
        "than {target} "
        "days); coverage is their grids' home-visit coverage over {days} days",
    ),
    "weekly_page.office.inactive_title": ("当周没有入户走访（不参加排名）", "No home visits that week (not ranked)"),
    "weekly_page.office.inactive_none": ("每个人当周都有入户走访", "Everyone made home visits that week"),
    "weekly_page.office.no_staff": (
        "您负责的区域里还没有网格工作人员 — 去「数据导入」导入人员",
        "No grid workers in your areas yet — import staff in “Import data”",
    ),
    "weekly_page.office.full_table": (
        "完整走访任务表（每人一行，可导出）",
        "Full quota table (one row per person, for export)",
    ),
    "weekly_page.office.status": ("状态", "Status"),
    "weekly_page.office.status_met": ("达标", "Met"),
    "weekly_page.office.status_below": ("⚠ 未达标", "⚠ Below target"),
    "weekly_page.office.coverage": ("网格覆盖率", "Grid coverage"),
    "weekly_page.secretary.title": ("村书记每周接待群众", "Village secretaries' weekly reception"),
    "weekly_page.secretary.rule": (
        "书记每周至少接待群众一次（登记为「接访」的记录）",
        "A village secretary receives the public at least once a week (visits recorded as “reception”)",
    ),
    "weekly_page.secretary.none": (
        "您负责的区域里没有登记村书记",
        "No village secretaries are registered in your areas",
    ),
    "weekly_page.secretary.receptions": ("接访次数", "Receptions"),
    "weekly_page.secretary.met_count": (
        "{met} / {n} 位书记当周已接访",
        "{met} of {n} secretaries received the public that week",
    ),
    "weekly_page.export": ("导出该周任务表（XLSX）", "Export the week's quota table (XLSX)"),
    # ------------------------------------------------------------------ errors (analytics/visits.py)
    "weekly_page.err.no_staff": (
        "您的账号没有对应的网格工作人员，不能登记走访，请联系管理员",
        "Your account is not linked to a grid worker, so it cannot record visits; contact your administrator",
    ),
    "weekly_page.err.bad_kind": (
        "走访方式“{value}”无效，请选择入户走访、电话、院坝会或接访",
        "The visit kind “{value}” is not valid; choose home visit, phone, courtyard meeting or reception",
    ),
    "weekly_page.err.bad_date": (
        "走访日期“{value}”无法识别，请按 2026-11-22 的格式填写",
        "The date “{value}” is not understood; write it like 2026-11-22",
    ),
    "weekly_page.err.future": (
        "走访日期 {date} 晚于今天（{today}），不能登记将来的走访，请改成今天或更早的日期",
        "The date {date} is after today ({today}); a visit cannot be in the future — choose today or earlier",
    ),
    "weekly_page.err.no_household": (
        "没有户编号为 {code} 的户，请从列表中选择",
        "There is no household {code}; choose one from the list",
    ),
    "weekly_page.err.inactive": (
        "户 {code} 已迁出或注销，不能再登记走访",
        "Household {code} has moved away or been closed; it cannot be visited",
    ),
    "weekly_page.err.out_of_scope": (
        "户 {code} 不在您负责的网格里，不能登记",
        "Household {code} is not in your grids; you cannot record a visit there",
    ),
    "weekly_page.err.before_created": (
        "户 {code} 在 {created} 才登记在册，走访日期不能早于这一天，请改正日期",
        "Household {code} was registered on {created}; the visit cannot be earlier — correct the date",
    ),
    "weekly_page.err.note_too_long": (
        "民情记录有 {length:,} 个字，最多 {n:,} 个字，请精简后再保存",
        "The note is {length:,} characters long, at most {n:,} are allowed; shorten it and save again",
    ),
    "weekly_page.err.no_visit": (
        "没有编号为 {id} 的走访记录，可能已被删除",
        "There is no visit {id}; it may have been deleted",
    ),
    "weekly_page.err.not_own": ("只能修改或删除您自己登记的走访", "You can only change or delete your own visits"),
    "weekly_page.err.too_old": (
        "只能修改或删除 {days} 天内的走访，更早的请联系管理员",
        "Only visits of the last {days} days can be changed or deleted; ask an administrator for older ones",
    ),
    "weekly_page.err.duplicate": (
        "这一户 {date} 的{kind}已经登记过，不能改成重复的记录",
        "This household already has a {kind} on {date}; the change would duplicate it",
    ),
}
