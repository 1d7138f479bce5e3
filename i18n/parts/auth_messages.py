"""What accounts, logins, permissions and rules (auth/) say to the person who can fix them.

Raised as :class:`auth.users.AuthError` / :class:`auth.audit.RuleError` with a key (i18n/message.py):
the command line prints ``中文 / English`` (the ``.cli`` variant names the flag), a page the
user's language. The password rules, ``permission.*`` and ``login.error.*`` keys live in
security.py and the catalog; this part holds the rest.
"""

ENTRIES: dict[str, tuple[str, str]] = {
    # accounts (auth/users.py)
    "auth.error.bad_name": (
        "用户名只能由字母、数字、汉字和 _ - . @ · + 组成，最多 64 个字符，不含空格，请换一个用户名",
        "a user name has at most 64 characters, only letters, digits, Chinese characters and _ - . @ · + "
        "(no spaces); choose another",
    ),
    "auth.error.no_role": (
        "角色{given}不存在，请从 admin、leader、office、grid_leader、member 中选择一个",
        "there is no role {given}; choose one of admin, leader, office, grid_leader, member",
    ),
    "auth.term.unspecified": ("（未指定）", "(none given)"),
    "auth.term.quoted": ("“{value}”", "'{value}'"),
    "auth.error.areas_needed": (
        "角色 {role}（{role_name}）必须指定负责的区域，请选择区域编码",
        "role {role} ({role_name}) needs the areas it is responsible for: choose area codes",
    ),
    "auth.error.areas_needed.cli": (
        "角色 {role}（{role_name}）必须指定负责的区域，请用 --areas 给出区域编码",
        "role {role} ({role_name}) needs the areas it is responsible for: give area codes with --areas",
    ),
    "auth.error.no_areas": (
        "区域编码 {codes} 不存在，请先导入这些区域的边界或改正编码",
        "no area with code {codes}: import these areas' boundaries first or correct the codes",
    ),
    "auth.error.no_staff": (
        "工号 {staff_id} 不在人员名单中，请先导入人员或改正工号",
        "staff id {staff_id} is not in the staff list: import the staff first or correct the id",
    ),
    "auth.error.user_exists": (
        "用户 {name} 已经存在，请换一个用户名，或用 passwd 修改它的密码",
        "user {name} already exists: choose another name, or change its password with passwd",
    ),
    "auth.error.no_user": ("用户 {name} 不存在，请检查用户名", "there is no user {name}: check the name"),
    "auth.prompt.password": ("新密码：", "new password:"),
    "auth.prompt.again": ("再输入一次：", "again:"),
    "auth.error.no_password_read": (
        "没有读到密码，请在终端里输入，或设置环境变量 LIANXIN_PASSWORD",
        "no password was read: type it in a terminal, or set the environment variable LIANXIN_PASSWORD",
    ),
    "auth.error.password_mismatch": (
        "两次输入的密码不一致，请重新运行命令",
        "the two passwords differ: run the command again",
    ),
    "auth.error.role_needed": (
        "请指定角色：admin、leader、office、grid_leader、member",
        "give the role: admin, leader, office, grid_leader, member",
    ),
    "auth.error.role_needed.cli": (
        "请用 --role 指定角色：admin、leader、office、grid_leader、member",
        "give the role with --role: admin, leader, office, grid_leader, member",
    ),
    "auth.error.unknown_action": (
        "不认识的操作“{action}”，请用 add、passwd、disable、enable 或 unlock",
        "unknown action '{action}': use add, passwd, disable, enable or unlock",
    ),
    # manage.py users … confirmations
    "auth.done.added": (
        "已添加用户 {name}（{role_name}，区域：{areas}）",
        "added user {name} ({role_name}, areas: {areas})",
    ),
    "auth.term.whole_county": ("全县", "the whole county"),
    "auth.done.passwd": ("已修改用户 {name} 的密码", "changed the password of user {name}"),
    "auth.done.disabled": ("已停用用户 {name}", "disabled user {name}"),
    "auth.done.enabled": ("已启用用户 {name}", "enabled user {name}"),
    "auth.done.unlocked": ("已解除用户 {name} 的登录等待", "cleared the login wait of user {name}"),
    # rules (auth/audit.py): {rule} is the rule's key, {label} is the rule's description in the rules table
    "rule.error.not_a_number": (
        "规则 {rule} 的值“{value}”不是数字，请输入一个数字",
        "the value '{value}' of rule {rule} is not a number: enter a number",
    ),
    "rule.error.not_finite": (
        "规则 {rule} 的值“{value}”不是有效数字，请输入一个数字",
        "the value '{value}' of rule {rule} is not a valid number: enter a number",
    ),
    "rule.error.negative": (
        "规则 {rule} 的值不能是负数，请输入 0 或更大的数",
        "rule {rule} cannot be negative: enter 0 or more",
    ),
    "rule.error.integer": (
        "{label}（{rule}）必须是整数，请输入 {lo} 到 {hi} 之间的整数",
        "{label} ({rule}) must be a whole number: enter a whole number from {lo} to {hi}",
    ),
    "rule.error.range": (
        "{label}（{rule}）必须在 {lo} 到 {hi} 之间，“{value}”超出范围，请改正",
        "{label} ({rule}) must be between {lo} and {hi}; '{value}' is out of range, correct it",
    ),
    "rule.error.share": (
        "{label}（{rule}）是 0 到 1 之间的比例，“{value}”超出范围，请改正",
        "{label} ({rule}) is a share between 0 and 1; '{value}' is out of range, correct it",
    ),
    "rule.error.share_percent": (
        "{label}（{rule}）是 0 到 1 之间的比例，例如 97.8 % 写作 0.978，“{value}”超出范围，请改正",
        "{label} ({rule}) is a share between 0 and 1 (97.8 % is written 0.978); '{value}' is out of range, correct it",
    ),
    "rule.error.unknown": (
        "没有名为 {rule} 的规则，可用的规则有：{known}",
        "there is no rule named {rule}; the rules are: {known}",
    ),
}
