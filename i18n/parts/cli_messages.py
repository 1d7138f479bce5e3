"""What the command line (manage.py) says when a command cannot run: usage and input it refuses.

Printed as ``中文 / English`` through :class:`i18n.Message`, like every error the layers below raise.
"""

ENTRIES: dict[str, tuple[str, str]] = {
    "cli.error.write": ("无法写入 {path}：{error}", "cannot write the output file {path}: {error}"),
    "cli.error.no_user": ("没有用户 {user}", "no such user: {user}"),
    "cli.error.user_disabled": ("用户 {user} 已停用", "user {user} is disabled"),
    "cli.error.no_user_no_db": (
        "没有用户 {user}（数据库 {db} 不存在）",
        "no such user: {user} (there is no database {db})",
    ),
    "cli.error.households": ("--households 至少为 100", "--households must be at least 100"),
    "cli.error.strict": (
        "--strict: {rows} 行有错误，未写入任何数据",
        "--strict: {rows} rows rejected, nothing written",
    ),
    "cli.error.all_rejected": ("所有行都被拒绝，未写入任何数据", "every row was rejected, nothing written"),
    "cli.error.area_outside": ("区域 {area} 不在用户 {user} 的负责范围内", "area {area} is outside {user}'s areas"),
    "cli.error.not_drawn": ("{month} 还没有抽样", "{month}: the month has not been drawn"),
    "cli.error.runs": ("--runs 至少为 1", "--runs must be at least 1"),
    "cli.error.on_postgres": (
        "--on-postgres 需要 postgresql:// 地址或 throwaway，不是 {given}",
        "--on-postgres takes a postgresql:// URL or 'throwaway', not {given}",
    ),
    "cli.error.stores_only": (
        "--stores-only 需要 --on-postgres",
        "--stores-only needs --on-postgres URL (or throwaway)",
    ),
    "cli.error.copy_from": ("--db 应是 DuckDB 文件", "copy-to copies a DuckDB file (--db FILE) into PostgreSQL"),
    "cli.error.copy_to": ("需要 postgresql:// 地址，不是 {given}", "copy-to needs a postgresql:// URL, not {given}"),
    "cli.error.no_db_file": ("没有数据库文件 {path}", "there is no database file {path}"),
    "cli.error.copy_not_empty": (
        "{db} 已有数据，不会覆盖：请指定一个新库名",
        "{db}: the PostgreSQL database already holds data and is never overwritten: name a new database",
    ),
    "cli.error.interrupted": ("已中断，数据库保持原样", "interrupted; the database is unchanged"),
    "cli.error.monthly_output": (
        "需要 --output FILE.xlsx（通报是一个工作簿）",
        "--output FILE.xlsx is required (the 通报 is a workbook)",
    ),
    "cli.error.internal": (
        "内部错误: {error}: {first}（设置 LIANXIN_DEBUG=1 可看详情）",
        "internal error: {error}: {first} (set LIANXIN_DEBUG=1 for details)",
    ),
    # notes on stderr beside a command's output
    "cli.note.unassigned": ("不在任何网格内的住户: {households}", "unassigned households: {households}"),
    "cli.note.backtest": (
        "回测 {level} {start}..{end}，{made_on} 所作预测：{areas} 个区域，"
        "平均绝对误差 {mae} 个百分点，偏差 {bias} 个百分点，"
        "误差在 5 个百分点以内 {within}，能否达到基准的判断正确 {right}",
        "backtest {level} {start}..{end} forecast on {made_on}: {areas} areas, mean absolute error "
        "{mae} points, bias {bias} points, within 5 points {within}, reach-the-benchmark verdict "
        "right {right}",
    ),
    "cli.note.hit_rate_none": (
        "命中率：近12个月没有注明越级日期的越级信访",
        "hit rate: no dated escalation in the last 12 months",
    ),
    "cli.note.hit_rate": (
        "命中率：近12个月越级的 {escalated} 件信访中有 {hits} 件（{share}）在越级前 {lead_days} 天"
        "已在观察名单上（{via_petition} 件本身在名单上，其余通过所在村）；名单当时平均有 {petitions} "
        "件信访、{villages} 个村，共观察 {watched} 项",
        "hit rate: {hits} of {escalated} petitions that escalated in the last 12 months ({share}) "
        "were on the list {lead_days} days before ({via_petition} themselves, the others through "
        "their village); the list then held {petitions} petitions and {villages} villages on "
        "average, of {watched} watched",
    ),
}
