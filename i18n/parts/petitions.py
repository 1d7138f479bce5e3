"""Strings of the petitions page (信访办理) and the monthly 通报."""

ENTRIES: dict[str, tuple[str, str]] = {
    "nav.petitions": ("信访办理", "Petitions"),
    # ------------------------------------------------------------------ page
    "petitions_page.title": ("信访办理", "Petitions"),
    "petitions_page.question": (
        "哪些信访件和走访问题快到期或已逾期？答复、办结得怎么样？",
        "Which petitions and visit issues are due or overdue, and how well are they handled?",
    ),
    "petitions_page.period": (
        "{start} 至 {end} 受理的信访件和走访问题，状态截至今天",
        "Petitions and visit follow-ups received {start} to {end}, in their state today",
    ),
    "petitions_page.worklist": ("待办清单（逾期在前）", "Work list (overdue first)"),
    "petitions_page.worklist_cut": (
        "清单共 {n} 条，表中列出最紧急的 {k} 条；用上面的筛选缩小范围，或下载完整清单",
        "The list holds {n} items; the table shows the {k} most urgent. Narrow it with "
        "the filters above, or download the whole list",
    ),
    "petitions_page.worklist_download": ("下载完整待办清单（CSV）", "Download the whole work list (CSV)"),
    "picker.find": ("按编号查找", "Find by number"),
    "picker.cut": (
        "共 {n} 项，列出前 {k} 项；输入编号查找其他",
        "{n} items, the first {k} listed; type a number to find another",
    ),
    "picker.found": ("找到 {n} 项", "{n} found"),
    "picker.none": ("没有编号含“{q}”的项，请检查输入的编号", "No item's number contains “{q}”; check the number typed"),
    "petitions_page.filter_status": ("状态", "Status"),
    "petitions_page.filter_kind": ("类型", "Kind"),
    # what a picker left with nothing to offer says (Streamlit's own words are English)
    "petitions_page.pick_placeholder": (
        "没有可选的项，请改一下查找的编号",
        "Nothing to choose; change the number searched for",
    ),
    "petitions_page.overdue_count": (
        "清单中已逾期：信访件 {petitions} 件、走访问题 {issues} 件（不论何时受理，截至今天）",
        "Overdue in this list: {petitions} petitions and {issues} visit follow-ups (whenever received, as of today)",
    ),
    "petitions_page.empty_worklist": ("没有符合条件的待办事项", "Nothing to do for this selection"),
    "petitions_page.no_status_chosen": (
        "没有选择状态，清单为空：请在上面的“状态”中至少选一项",
        "No status chosen, so the list is empty: choose at least one under “Status” above",
    ),
    "petitions_page.no_kind_chosen": (
        "没有选择类型，清单为空：请在上面的“类型”中至少选一项",
        "No kind chosen, so the list is empty: choose at least one under “Kind” above",
    ),
    "petitions_page.change_all_open": (
        "这里列出本区域全部 {n} 项未办结事项（受理、办理中、已答复），不受上面清单筛选的影响",
        "Lists all {n} open items of this area (received, in progress, replied), whatever the list's filters above",
    ),
    "petitions_page.change": ("办理登记", "Record progress"),
    "petitions_page.change_item": ("事项", "Item"),
    "petitions_page.new_status": ("新状态", "New status"),
    "petitions_page.date": ("办理日期", "Date"),
    "petitions_page.reply_text": ("答复内容 / 处理结果", "Reply / what was done"),
    "petitions_page.satisfaction": ("群众满意度（办结时填写）", "Satisfaction (recorded on closing)"),
    "petitions_page.satisfaction_none": ("未评价", "Not rated"),
    "petitions_page.save": ("保存", "Save"),
    "petitions_page.pick_item": (
        "请先选择事项：按编号查找没有找到这个编号，请改一下编号或清空查找框",
        "Choose an item first: no open item has the number searched for; change the number or clear the search box",
    ),
    "petitions_page.pick_petition": (
        "请先选择信访件：按编号查找没有找到这个编号，请改一下编号或清空查找框",
        "Choose a petition first: none has the number searched for; change the number or clear the search box",
    ),
    "petitions_page.saved": ("已保存：{id} → {status}", "Saved: {id} → {status}"),
    "petitions_page.nothing_open": ("没有待办理的事项", "No open item"),
    "petitions_page.attach": ("定位信访件", "Locate a petition"),
    "petitions_page.attach_hint": (
        "无法定位的信访件不计入任何村，请补充户编号、坐标或所属村",
        "Unlocated petitions count in no village; add a household, a point or a village",
    ),
    "petitions_page.attach_petition": ("信访件", "Petition"),
    "petitions_page.attach_how": ("定位方式", "Locate by"),
    "petitions_page.attach.household": ("户编号", "Household code"),
    "petitions_page.attach.point": ("坐标（WGS-84）", "Point (WGS-84)"),
    "petitions_page.attach.village": ("所属村/社区", "Village"),
    "petitions_page.lon": ("经度", "Longitude"),
    "petitions_page.lat": ("纬度", "Latitude"),
    "petitions_page.attached": ("已定位：{id} → {area}", "Located: {id} → {area}"),
    "petitions_page.attached_outside": (
        "已保存 {id}，但该坐标不在任何村内",
        "Saved {id}, but the point lies in no village",
    ),
    "petitions_page.no_petitions": ("没有可定位的信访件", "No petition to locate"),
    "petitions_page.figures": ("分区域情况（与基准对比）", "Figures by area (beside the benchmarks)"),
    "petitions_page.figures_level": ("层级", "Level"),
    "petitions_page.benchmarks": (
        "基准：问题解决率 {solved}，群众满意率 {satisfaction}（重庆 2008–2011 年）",
        "Benchmarks: issues solved {solved}, satisfaction {satisfaction} (Chongqing 2008–2011)",
    ),
    "petitions_page.monthly": ("月度通报", "Monthly report"),
    "petitions_page.monthly_month": ("月份", "Month"),
    "petitions_page.monthly_build": ("生成月度通报", "Build the monthly report"),
    "petitions_page.monthly_working": (
        "正在生成月度通报（各乡镇、各村的覆盖率、走访达标、信访）…",
        "Building the monthly report (coverage, quotas and petitions of every township and village)…",
    ),
    "petitions_page.monthly_download": ("下载月度通报（XLSX）", "Download the monthly report (XLSX)"),
    "petitions_page.holidays": ("放假安排（管理员）", "Official holidays (administrator)"),
    "petitions_page.holiday_day": ("日期", "Date"),
    "petitions_page.holiday_workday": ("这一天上班（调休）", "A working day (make-up day)"),
    "petitions_page.holiday_name": ("名称（如 春节）", "Name (e.g. Spring Festival)"),
    "petitions_page.holiday_saved": ("已录入 {day}", "Entered {day}"),
    "petitions_page.definitions": ("口径说明", "Definitions"),
    "petitions_page.definitions_text": (
        "答复期限：受理后第 {reply} 个工作日（含法定节假日和调休）；办结期限：受理后 {close} 天。"
        "各项数字统计所选时段内受理的信访件（走访问题另计），状态截至今天：信访办结率 = 办结 / 受理；"
        "信访满意率 = 满意 / 已评价；按期办结率 = 按期办结 / 办结；信访逾期 = 超过答复或办结期限仍未答复、未办结的。"
        "走访问题是走访时登记“需要跟进办理”的事项，单独统计；只有问题解决率（合计）= "
        "（信访办结 + 走访问题办结）/（信访受理 + 走访问题）把两者合在一起，与重庆 84 % 对比。"
        "待办清单列出今天仍未办完的全部事项，不论何时受理。",
        "Reply due {reply} working days after receipt (official holidays and make-up days counted); close due "
        "{close} days after. Figures cover the petitions received in the period (visit follow-ups apart), in their "
        "state today: closed = closed / received; satisfaction = satisfied / rated; on time = closed on time / "
        "closed; overdue = past the reply or close deadline and not replied or closed. Visit follow-ups are the "
        "matters marked “needs follow-up” during visits, counted on their own; only issues solved (combined) = "
        "(closed petitions + closed follow-ups) / (petitions + follow-ups) puts them together, beside Chongqing's "
        "84 %. The work list holds everything still open today, whenever received.",
    ),
    # ------------------------------------------------------------------ values
    "petitions_page.kind.petition": ("信访件", "Petition"),
    "petitions_page.kind.visit_issue": ("走访问题", "Visit issue"),
    # ------------------------------------------------------------------ columns
    "petitions_page.col.kind": ("类型", "Kind"),
    "petitions_page.col.id": ("编号", "ID"),
    "petitions_page.col.received_on": ("受理日期", "Received"),
    "petitions_page.col.head_name": ("户主", "Head of household"),
    "petitions_page.col.village_name": ("村/社区", "Village"),
    "petitions_page.col.township_name": ("乡镇/街道", "Township"),
    "petitions_page.col.status": ("状态", "Status"),
    "petitions_page.col.reply_due": ("答复期限", "Reply due"),
    "petitions_page.col.close_due": ("办结期限", "Close due"),
    "petitions_page.col.overdue": ("逾期件数", "Overdue"),
    "petitions_page.col.overdue_flag": ("逾期", "Overdue"),
    "petitions_page.col.days_overdue": ("逾期天数", "Days overdue"),
    "petitions_page.col.text": ("答复/记录", "Reply / notes"),
    "petitions_page.col.rank": ("排名", "Rank"),
    "petitions_page.col.code": ("编码", "Code"),
    "petitions_page.col.name": ("名称", "Name"),
    "petitions_page.col.households": ("户数", "Households"),
    "petitions_page.col.visited": ("已走访户数", "Visited"),
    "petitions_page.col.coverage": ("入户覆盖率", "Home-visit coverage"),
    "petitions_page.col.staff_weeks": ("应达标人周", "Staff-weeks"),
    "petitions_page.col.staff_weeks_met": ("达标人周", "Staff-weeks met"),
    "petitions_page.col.quota_rate": ("走访达标率", "Quota attainment"),
    "petitions_page.col.received": ("受理件数", "Received"),
    "petitions_page.col.per_1000": ("每千户信访", "Per 1,000 households"),
    "petitions_page.col.closed": ("办结件数", "Closed"),
    "petitions_page.col.resolution_rate": ("办结率", "Resolution rate"),
    "petitions_page.col.closed_on_time": ("按期办结件数", "Closed on time"),
    "petitions_page.col.on_time_rate": ("按期办结率", "On-time rate"),
    "petitions_page.col.rated": ("参评件数", "Rated"),
    "petitions_page.col.satisfied": ("满意件数", "Satisfied"),
    "petitions_page.col.satisfaction_rate": ("满意率", "Satisfaction rate"),
    "petitions_page.col.repeat": ("重复信访", "Repeat petitions"),
    "petitions_page.col.group": ("集访", "Group petitions"),
    "petitions_page.col.issues": ("走访问题", "Visit issues"),
    "petitions_page.col.issues_closed": ("已解决走访问题", "Visit issues solved"),
    "petitions_page.col.solved_rate": ("问题解决率", "Issues solved"),
    "petitions_page.col.benchmark_solved": ("解决率基准", "Benchmark: solved"),
    "petitions_page.col.benchmark_satisfaction": ("满意率基准", "Benchmark: satisfaction"),
    "petitions_page.col.score": ("综合得分", "Score"),
    "petitions_page.col.mark": ("标记", "Mark"),
    "petitions_page.col.category": ("问题类别", "Category"),
    "petitions_page.col.people": ("人数", "People"),
    "petitions_page.col.definition": ("说明", "Definition"),
    # ------------------------------------------------------------------ the monthly report
    "petitions_page.report.sheet_townships": ("乡镇排名", "Townships"),
    "petitions_page.report.sheet_overdue.petition": ("逾期信访件", "Overdue petitions"),
    "petitions_page.report.sheet_overdue.visit_issue": ("逾期走访问题", "Overdue follow-ups"),
    "petitions_page.report.sheet_notes": ("口径说明", "Definitions"),
    "petitions_page.report.title_townships": (
        "{month} 网格化管理工作通报 · 乡镇排名",
        "Grid management report {month} · township ranking",
    ),
    "petitions_page.report.title_villages": (
        "{month} 网格化管理工作通报 · {township} 各村（社区）",
        "Grid management report {month} · villages of {township}",
    ),
    "petitions_page.report.title_overdue.petition": (
        "{month} 网格化管理工作通报 · 截至 {date} 逾期未答复/未办结的信访件（不论何时受理）",
        "Grid management report {month} · petitions overdue on {date} (whenever received)",
    ),
    "petitions_page.report.title_overdue.visit_issue": (
        "{month} 网格化管理工作通报 · 截至 {date} 逾期未办理/未办结的走访问题（不论何时登记）",
        "Grid management report {month} · visit follow-ups overdue on {date} (whenever raised)",
    ),
    "petitions_page.report.as_of": (
        "统计截至 {date}；走访达标按 {weeks} 计",
        "As of {date}; visit quotas over {weeks}",
    ),
    "petitions_page.report.note1": (
        "入户覆盖率：本月有入户走访的在册户 / 在册户（与「走访覆盖」页相同）",
        "Coverage: active households with a home visit in the month / active households (as on the coverage page)",
    ),
    "petitions_page.report.note2": (
        "走访达标率：达标人周 / 应达标人周，按周四落在本月且已结束的 ISO 周计，每周走访不少于规定天数为达标",
        "Quota attainment: staff-weeks met / staff-weeks, over the ended ISO weeks whose Thursday is in the month",
    ),
    "petitions_page.report.note3": (
        "信访：本月受理的信访件，状态截至统计日；按期办结率 = 按期办结 / 办结；满意率 = "
        "满意 / 参评（基本满意不计为满意）",
        "Petitions received in the month, as of the report day; on time = closed on time / "
        "closed; satisfaction = satisfied / rated",
    ),
    "petitions_page.report.note4": (
        "综合得分：民意调查满意率占 {weight}，覆盖率、走访达标率、按期办结率、"
        "满意率中有数据者的平均值占 {rest}，× 100；"
        "没有民意调查结果的（村、无人作答的乡镇）只按平均值；信访件数只列示不计分",
        "Score: survey satisfaction weighs {weight}, the mean of the available rates among "
        "coverage, quota "
        "attainment, on-time rate and petition satisfaction {rest}, × 100; without a "
        "survey result (villages, "
        "townships nobody answered) the mean alone; petition counts are shown, not scored",
    ),
    "petitions_page.report.mark.last_three": ("末三位", "bottom three"),
    "petitions_page.report.mark.last": ("末位", "last"),
    "petitions_page.report.note5": (
        "排名按综合得分从高到低，并列同名次；超过三个单位时标记末三位，否则标记末位",
        "Ranked by score, ties share a rank; the bottom three are marked when more than "
        "three are ranked, else the last",
    ),
}
