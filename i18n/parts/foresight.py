"""Strings of issue 21.

The coverage pace (coverage page), the escalation watch-list (hotspots page) and the 民意调查
(survey page).
"""

ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ report columns
    "col.pace_per_week": ("近期每周新走访户", "New households a week"),
    "col.projected_visited": ("预计期末已走访户", "Projected households visited"),
    "col.projected": ("预计期末覆盖率", "Projected coverage"),
    "col.benchmark": ("基准", "Benchmark"),
    "col.shortfall": ("预计差距", "Projected shortfall"),
    "col.needed_per_week": ("每周需新走访户", "Needed a week"),
    "col.weeks_left": ("剩余周数", "Weeks left"),
    "col.actual": ("实际覆盖率", "Actual coverage"),
    "col.error": ("误差", "Error"),
    "col.forecast_reaches": ("预测达到基准", "Forecast to reach"),
    "col.actual_reaches": ("实际达到基准", "Reached"),
    # ------------------------------------------------------------------ coverage pace
    "pace.sentence": (
        "按近{weeks}周的进度（每周新走访 {pace} 户），到 {end} 预计覆盖率 {projected}",
        "At the pace of the last {weeks} weeks ({pace} new households a week), coverage by {end} will be {projected}",
    ),
    "pace.sentence_since": (
        "按本时段 {start} 开始以来的进度（折合每周新走访 {pace} 户），到 {end} 预计覆盖率 {projected}",
        "At the pace since the period began on {start} ({pace} new households a week), coverage by {end} "
        "will be {projected}",
    ),
    "pace.needed": (
        "；要达到基准 {benchmark}，每周需新走访 {needed} 户，比现在多 {extra} 户。",
        "; to reach the benchmark {benchmark}, {needed} new households a week are needed, {extra} more than now.",
    ),
    "pace.on_track": (
        "；要达到基准 {benchmark}，每周需新走访 {needed} 户，按现在的进度可以做到。",
        "; reaching the benchmark {benchmark} needs {needed} new households a week, which the current pace does.",
    ),
    "pace.reached": ("，已达到基准 {benchmark}。", ", already at the benchmark {benchmark}."),
    "pace.too_late": (
        "；期末已到，未达到基准 {benchmark}。",
        "; the period is over and the benchmark {benchmark} was not reached.",
    ),
    "pace.not_started": (
        "所选时段还没有开始，到 {end} 的进度无从推算",
        "The period has not begun: there is no pace to project to {end} yet",
    ),
    "pace.colour_by": ("地图颜色", "Colour the map by"),
    "pace.mode.coverage": ("覆盖率", "Coverage"),
    "pace.mode.shortfall": ("预计期末差距", "Projected shortfall"),
    "pace.legend.title": ("预计期末比基准差（百分点）", "Projected shortfall (pt below benchmark)"),
    "pace.legend.on_track": ("预计可达基准", "Projected to reach the benchmark"),
    "pace.legend.range": ("差 {low}–{high} 个百分点", "{low}–{high} pt short"),
    "pace.legend.above": ("差 {low} 个百分点以上", "More than {low} pt short"),
    "pace.points": ("{value} 个百分点", "{value} pt"),
    "pace.help.pace": (
        "最近 {weeks} 周平均每周第一次被走访到的户数",
        "Households reached for the first time in the period, per week, over the last {weeks} weeks",
    ),
    "pace.help.pace_since": (
        "本时段 {start} 开始以来平均每周第一次被走访到的户数",
        "Households reached for the first time in the period, per week, since the period began on {start}",
    ),
    "pace.help.projected": (
        "按近期进度推算的期末覆盖率：每周走访到的户占尚未走访户的比例保持不变",
        "Coverage at the period's end if each week reaches the same share of the households not yet reached as lately",
    ),
    "pace.help.shortfall": (
        "基准减去预计期末覆盖率（预计能达到基准时为 0）",
        "The benchmark minus the projected coverage (0 when projected to reach it)",
    ),
    "pace.help.needed": (
        "从今天到期末，每周平均需要新走访多少户才能达到基准",
        "New households a week needed from now to the period's end to reach the benchmark",
    ),
    # ------------------------------------------------------------------ rules (administration page)
    "admin_page.unit.weeks": ("周", "weeks"),
    "admin_page.unit.points": ("分", "points"),
    "admin_page.unit.people": ("人", "people"),
    "admin_page.unit.months": ("个月", "months"),
    "admin_page.rule.pace_weeks": (
        "覆盖进度按最近几周的新走访户推算",
        "Weeks of recent visits the coverage pace is taken from",
    ),
    "admin_page.rule.watch_min_score": (
        "风险分达到多少列入越级风险观察名单",
        "Score that puts an item on the escalation watch-list",
    ),
    "admin_page.rule.watch_w_repeat": (
        "风险分：重复信访（同一户在重复信访期限内再次信访）",
        "Score: repeat petition (same household within the repeat window)",
    ),
    "admin_page.rule.watch_w_overdue": ("风险分：逾期未答复或未办结", "Score: reply or closing overdue"),
    "admin_page.rule.watch_w_unsatisfied": ("风险分：办结时不满意", "Score: closed unsatisfied"),
    "admin_page.rule.watch_w_partly": ("风险分：办结时基本满意", "Score: closed partly satisfied"),
    "admin_page.rule.watch_w_group": ("风险分：5人及以上集体访", "Score: group petition (5 people or more)"),
    "admin_page.rule.watch_w_category": (
        "风险分：所属类别近12个月越级多",
        "Score: a category that escalated often in the last 12 months",
    ),
    "admin_page.rule.watch_category_lift": (
        "类别越级率达到全县的几倍算“越级多”",
        "How many times the county's escalation rate makes a category escalate often",
    ),
    "admin_page.rule.watch_category_min": (
        "类别近12个月至少越级几件才算“越级多”",
        "Fewest escalations in 12 months for a category to escalate often",
    ),
    "admin_page.rule.watch_w_hotspot": (
        "风险分：所在村是新出现、连续或加剧的热点",
        "Score: the village is a new, consecutive or intensifying hot spot",
    ),
    "admin_page.rule.watch_w_village_listed": (
        "村的风险分：村内每有一件信访在观察名单上",
        "Village score: per petition of the village on the watch-list",
    ),
    "admin_page.rule.watch_recent_days": (
        "办结时不满意或基本满意的信访，办结后继续观察几天",
        "Days a petition closed unsatisfied or partly satisfied stays watched",
    ),
    "admin_page.rule.watch_lead_days": (
        "命中率：越级前多少天已在观察名单上",
        "Hit rate: days before escalating an item must have been listed",
    ),
    "admin_page.rule.survey_share": (
        "民意调查每个乡镇抽样不少于常住人口的比例",
        "Survey sample: share of each township's resident population",
    ),
    "admin_page.rule.survey_min": ("民意调查每个乡镇至少抽几人", "Survey sample: fewest people per township"),
    "admin_page.rule.survey_exclude_months": (
        "近几个月已抽中调查的户不再抽取",
        "Months a surveyed household is left out of new samples",
    ),
    "admin_page.rule.survey_weight": (
        "民意调查满意率在乡镇考核得分中的权重（三维考核）",
        "Weight of survey satisfaction in the township score",
    ),
    # ------------------------------------------------------------------ escalation watch-list
    "col.score": ("风险分", "Score"),
    "col.reasons": ("原因（分值）", "Reasons (points)"),
    "col.township_name": ("乡镇/街道", "Township"),
    "col.pattern": ("热点模式", "Hot spot pattern"),
    "col.petitions_listed": ("名单上的信访件", "Petitions on the list"),
    "col.escalated_on": ("越级日期", "Escalated on"),
    "col.level_reached": ("到达层级", "Level reached"),
    "col.checked_on": ("提前核对日", "Checked on"),
    "col.listed": ("信访件在名单上", "Petition listed"),
    "col.village_listed": ("所在村在名单上", "Village listed"),
    "col.hit": ("命中", "Hit"),
    "watch.tab": ("越级风险观察", "Escalation watch-list"),
    "watch.caption": (
        "可能越级到市、省、京的信访件和村（社区）：按加权分列出，每项后面写明原因和分值，没有黑箱。"
        "权重和门槛是规则，管理员可在「管理 › 规则」中修改。",
        "Petitions and villages at risk of escalating to the city, the province or Beijing, listed by a "
        "weighted score with the reasons and points beside each — no black box. The weights and the "
        "threshold are rules an administrator can change under Administration › Rules.",
    ),
    "watch.as_of": (
        "截至 {date}，分数达到 {min_score} 分列入名单",
        "As of {date}; a score of {min_score} or more is listed",
    ),
    "watch.metric.petitions": ("名单上的信访件", "Petitions on the list"),
    "watch.metric.petitions_help": (
        "在观察中的信访共 {watched} 件（未办结，或办结时不满意、基本满意不久）",
        "{watched} petitions are watched at all (open, or closed unsatisfied or partly satisfied lately)",
    ),
    "watch.metric.villages": ("名单上的村（社区）", "Villages on the list"),
    "watch.metric.hit_rate": ("命中率（近12个月）", "Hit rate (last 12 months)"),
    "watch.metric.hit_help": (
        "近12个月越级的 {n} 件信访中，{hits} 件在越级前 {days} 天已在名单上：{direct} 件本身在名单上，其余通过所在村",
        "Of the {n} petitions that escalated in the last 12 months, {hits} "
        "were on "
        "the list {days} days before: {direct} themselves, the others through their village",
    ),
    "watch.metric.length": ("当时名单平均长度", "Mean list length then"),
    "watch.metric.length_value": ("{petitions} 件 · {villages} 村", "{petitions} petitions · {villages} villages"),
    "watch.metric.length_help": (
        "核对那些日子，名单上平均 {petitions} 件信访、{villages} 个村；当时在观察中的信访平均 {watched} 件",
        "On the days checked the list held {petitions} petitions and {villages} villages on "
        "average, of {watched} petitions watched",
    ),
    "watch.hit_none": (
        "近12个月没有注明越级日期的越级信访，命中率无从计算",
        "No dated escalation in the last 12 months: there is no hit rate to measure",
    ),
    "watch.undated": (
        "另有 {n} 件越级信访没有越级日期，未计入命中率",
        "{n} more escalated petitions have no date and are not in the hit rate",
    ),
    "watch.petitions_title": ("信访件", "Petitions"),
    "watch.villages_title": ("村（社区）", "Villages"),
    "watch.empty_petitions": ("没有信访件达到名单分数", "No petition reaches the list's score"),
    "watch.empty_villages": ("没有村（社区）达到名单分数", "No village reaches the list's score"),
    "watch.hits_title": (
        "命中情况：近12个月每件越级信访在越级前 {days} 天是否已在名单上",
        "Each escalation of the last 12 months: was it on the list {days} days before?",
    ),
    "watch.weights_title": ("当前的分值规则", "The scoring rules now"),
    "watch.reason.repeat": (
        "重复信访（同一户{days}天内再次信访）+{weight}",
        "repeat petition (same household within {days} days) +{weight}",
    ),
    "watch.reason.overdue": ("逾期 {days} 天 +{weight}", "overdue {days} days +{weight}"),
    "watch.reason.unsatisfied": ("办结不满意 +{weight}", "closed unsatisfied +{weight}"),
    "watch.reason.partly": ("办结基本满意 +{weight}", "closed partly satisfied +{weight}"),
    "watch.reason.group": ("集体访 {people} 人 +{weight}", "group of {people} +{weight}"),
    "watch.reason.category": (
        "{category}类近12个月越级率 {rate}（全县 {county_rate}）+{weight}",
        "{category}: {rate} escalated in 12 months (county {county_rate}) +{weight}",
    ),
    "watch.reason.hotspot": ("所在村为{pattern} +{weight}", "village is a {pattern} +{weight}"),
    "watch.reason.listed": ("{n} 件信访在名单上（每件 +{weight}）", "{n} petitions on the list (+{weight} each)"),
    "watch.reason_sep": ("；", "; "),
    "col.watch.kind": ("类型", "Kind"),
    "col.watch.id": ("编号/编码", "ID / code"),
    "col.watch.name": ("村（社区）", "Village"),
    # ------------------------------------------------------------------ 民意调查 (survey page)
    "nav.survey": ("民意调查", "Satisfaction survey"),
    "col.sampled": ("抽样户数", "Sampled"),
    "col.recorded": ("已录入户数", "Recorded"),
    "col.reached": ("联系上户数", "Reached"),
    "col.response_rate": ("应答率", "Response rate"),
    "col.answered": ("总体题作答户数", "Answered (overall question)"),
    "col.satisfied": ("满意户数", "Satisfied"),
    "col.ci_low": ("95 % 区间下限", "95 % interval, low"),
    "col.ci_high": ("95 % 区间上限", "95 % interval, high"),
    "col.residents": ("常住人口", "Residents"),
    "col.eligible": ("可抽户数", "Households that may be drawn"),
    "col.sample_size": ("样本户数", "Sample size"),
    "col.survey_satisfaction": ("民意调查满意率", "Survey satisfaction"),
    "survey.title": ("民意调查", "Satisfaction survey"),
    "survey.question": (
        "三维考核的群众满意度：每月按乡镇（街道）分层随机抽取不少于常住人口 2 % 的群众（不足 20 人的抽 "
        "20 人），"
        "电话、入户或座谈询问；满意率在乡镇考核得分中占 23 %。",
        "The public's satisfaction for the 三维考核: each month a random sample of at least 2 % of "
        "each "
        "township's residents (at least 20), asked by phone, at home or in a meeting; it weighs 23 % "
        "of a township's score.",
    ),
    "survey.month": ("调查月份", "Survey month"),
    "survey.results_title": ("{month} 调查结果", "Results for {month}"),
    "survey.not_drawn": ("{month} 还没有抽样", "{month} has not been drawn yet"),
    "survey.metric.sampled": ("抽样户数", "Households sampled"),
    "survey.metric.response_rate": ("应答率", "Response rate"),
    "survey.metric.response_help": (
        "联系上 {reached} 户 / 抽样 {sampled} 户（未联系上和尚未录入的不算应答）",
        "{reached} reached of {sampled} sampled (not reached and not yet recorded do not count)",
    ),
    "survey.metric.satisfaction": ("全县满意率", "County satisfaction"),
    "survey.metric.satisfaction_help": (
        "总体题答“满意”的户 / 作答的 {n} 户；95 % Wilson 区间 {low} – {high}（基本满意算作答，不算满意）",
        "Households answering 满意 to the overall question / the {n} that answered "
        "it; 95 % Wilson interval {low} – {high} (基本满意 is an answer, not "
        "satisfied)",
    ),
    "survey.metric.benchmark": ("满意率基准", "Benchmark"),
    "survey.metric.benchmark_help": (
        "重庆 2008–2011 年群众满意率 96.5 %，可在「管理 › 规则」中修改",
        "Chongqing 2008–2011 satisfaction, 96.5 %; editable under Administration › Rules",
    ),
    "survey.results_caption": (
        "满意率按第 1 题（总体满意度）计算；区间是 95 % Wilson 区间，样本少时区间宽，排名请看区间是否重叠",
        "Satisfaction is read from question 1 (overall); the interval is the 95 % Wilson "
        "interval — wide for small samples: compare townships by whether their intervals "
        "overlap",
    ),
    "survey.tab.draw": ("抽样与调查表", "Sample and call sheets"),
    "survey.tab.answers": ("录入回答", "Record answers"),
    "survey.tab.import": ("导入调查表", "Import a call sheet"),
    "survey.tab.questions": ("问卷", "Questionnaire"),
    "survey.draw_caption": (
        "各乡镇样本 = 常住人口 × 2 %（不少于 20 人，不超过可抽户数）；近 6 个月抽中过的户不再抽取；"
        "同一月份、同一随机种子抽出同一样本",
        "Each township's sample = residents × 2 % (at least "
        "20, at most the households that may be drawn); households drawn in the last 6 months are "
        "left out; the same month and seed give the same sample",
    ),
    "survey.plan": (
        "{month} 还没有抽样；按现在的台账将抽取 {n} 户",
        "{month} has not been drawn; the register now gives a sample of {n} households",
    ),
    "survey.already_drawn": (
        "{month} 已抽样：{n} 户，随机种子 {seed}",
        "{month} is drawn: {n} households, seed {seed}",
    ),
    "survey.seed": ("随机种子", "Random seed"),
    "survey.seed_help": (
        "默认是月份本身（如 202612）；记下种子，任何人都能重抽出同一样本",
        "By default the month itself (e.g. 202612); with the seed anyone can draw the same sample again",
    ),
    "survey.draw": ("抽样", "Draw the sample"),
    "survey.draw_again": ("重新抽样", "Draw again"),
    "survey.drawn": ("{month} 已抽样：{n} 户（随机种子 {seed}）", "{month} drawn: {n} households (seed {seed})"),
    "survey.download": ("下载电话调查表 XLSX", "Download the call sheets (XLSX)"),
    "survey.township": ("乡镇/街道", "Township"),
    "survey.col.position": ("序号", "No."),
    "survey.col.method": ("调查方式", "Asked by"),
    "survey.col.answered_on": ("调查日期", "Asked on"),
    "survey.col.problem": ("问题", "Problem"),
    "survey.col.question_id": ("编号", "ID"),
    "survey.col.question": ("问题", "Question"),
    "survey.col.active": ("启用", "Active"),
    "survey.answers_caption": (
        "每题从下拉框选择：满意、基本满意、不满意、未联系上；填好后点“保存”。每次保存都记入审计日志",
        "Choose each answer: 满意, 基本满意, 不满意 or 未联系上, then Save. Every save is audited",
    ),
    "survey.save": ("保存", "Save"),
    "survey.saved": (
        "已保存：{households} 户，{answers} 个回答有变化",
        "Saved: {households} households, {answers} answers changed",
    ),
    "survey.import_caption": (
        "导入填好的电话调查表（下载的 XLSX），回答记入 {month}；有问题的行会列出行号和列，其余照常导入",
        "Import a filled call sheet (the downloaded XLSX) into {month}; rows with problems are "
        "listed by row and column, the others are imported",
    ),
    "survey.upload": ("选择填好的调查表", "Choose the filled call sheet"),
    "survey.import": ("导入", "Import"),
    "survey.questions_caption": (
        "第 1 个启用的问题是总体满意度，乡镇满意率按它计算；已有回答的问题删除后会改为停用",
        "The first active question is the overall one the townships' satisfaction is read "
        "from; a question with answers is deactivated instead of deleted",
    ),
    "survey.questions_save": ("保存问卷", "Save the questionnaire"),
    "survey.questions_saved": ("问卷已保存", "Questionnaire saved"),
    "survey.draw_locked": (
        "这个月已经录入了回答，样本不能再改",
        "This month already has answers: its sample can no longer change",
    ),
}
