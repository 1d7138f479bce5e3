"""Strings of accounts and permissions (auth/): password rules, who may do what."""

ENTRIES: dict[str, tuple[str, str]] = {
    "password.too_short": (
        "密码太短：至少需要 {n} 个字符，请换一个更长的密码",
        "The password is too short: it needs at least {n} characters",
    ),
    "password.too_long": (
        "密码太长：最多 {n} 个字符，请换一个短一些的密码",
        "The password is too long: at most {n} characters",
    ),
    "password.blank": ("密码不能全是空格，请换一个密码", "A password cannot be only spaces; choose another"),
    "password.demo": (
        "{demo} 是演示账号的公开密码，真实账号不能用它，请换一个密码",
        "{demo} is the demo accounts' public password; a real account cannot have it, choose another",
    ),
    "password.weak": (
        "密码太容易被猜到（常见密码、单词、姓名、日期或键盘顺序），请换一个更长、不常见的密码，"
        "例如三四个不相关的词加数字",
        "The password is too easy to guess (a common password, a word, a name, a date or a keyboard "
        "pattern); choose a longer, uncommon one, e.g. three or four unrelated words and a number",
    ),
    "password.rule": (
        "密码至少 8 个字符，不能是常见密码或演示密码（用 zxcvbn 检查强度）",
        "At least 8 characters, not a common password nor the demo password (strength checked with zxcvbn)",
    ),
    "permission.admin_only": (
        "用户 {name}（{role_name}）不能管理账号：只有县级管理员可以",
        "User {name} ({role_name}) may not manage accounts: only a county administrator may",
    ),
    "permission.command": (
        "用户 {name}（{role_name}）不能在命令行运行 {command}：只有 {roles} 可以",
        "User {name} ({role_name}) may not run {command} on the command line: only {roles} may",
    ),
    "permission.disabled": (
        "用户 {name} 已被停用，请联系县级管理员",
        "User {name} is disabled; contact the county administrator",
    ),
}
