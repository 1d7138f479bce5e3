"""What the store (store/) says when the database cannot be used.

A path or URL it cannot read, a file or database in use, a PostgreSQL server it cannot reach or
that refuses, a throwaway cluster that cannot start.

Raised as :class:`store.db.StoreError` / :class:`store.db.BadTarget` with a key (i18n/message.py):
the command line prints ``中文 / English`` (the ``.cli`` variant names ``--db``), a page the
user's language. ``{where}`` is ``HOST:PORT``.
"""

ENTRIES: dict[str, tuple[str, str]] = {
    # --db / $LIANXIN_DB
    "store.error.unsupported_target": (
        "不支持的数据库地址 {target}：只能是文件路径或 postgresql://用户@主机:端口/库名",
        "the database must be a file path or a postgresql:// URL, not {target}",
    ),
    "store.error.unsupported_target.cli": (
        "不支持的数据库地址 {target}：只能是文件路径或 postgresql://用户@主机:端口/库名",
        "--db must be a file path or a postgresql:// URL, not {target}",
    ),
    "store.error.not_a_target": (
        "数据库地址 {target} 既不是文件路径也不是 postgresql:// 地址",
        "the database {target} is neither a file path nor a postgresql:// URL",
    ),
    "store.error.not_a_target.cli": (
        "数据库地址 {target} 既不是文件路径也不是 postgresql:// 地址",
        "--db {target} is neither a file path nor a postgresql:// URL",
    ),
    "store.error.bad_url": (
        "无法识别的 PostgreSQL 地址 {target}：{error}",
        "not a valid PostgreSQL URL {target}: {error}",
    ),
    "store.error.url_no_database": (
        "PostgreSQL 地址 {target} 缺少库名（…/NAME）",
        "the PostgreSQL URL {target} names no database (postgresql://USER@HOST:PORT/NAME)",
    ),
    # a DuckDB file
    "store.error.folder": ("{path} 是一个文件夹，不是数据库文件", "{path} is a folder, not a database file"),
    "store.error.file_in_use": (
        "数据库文件 {path} 正被另一个程序使用（多半是正在运行的网页应用）：请在应用的「数据导入」页导入，"
        "或改用 PostgreSQL 让命令行与应用同时工作",
        "the database file {path} is in use by another process (probably the running app): import on the app's "
        "import page, or use PostgreSQL so that the command line works while the app is up",
    ),
    "store.error.file_in_use.cli": (
        "数据库文件 {path} 正被另一个程序使用（多半是正在运行的网页应用）：请在应用的「数据导入」页导入，"
        "或改用 PostgreSQL 让命令行与应用同时工作",
        "the database file {path} is in use by another process (probably the running app): import on the app's "
        "import page, or use PostgreSQL (--db postgresql://…) so that the command line works while the app is up",
    ),
    "store.error.cannot_open": ("无法打开数据库 {path}：{error}", "cannot open the database {path}: {error}"),
    "store.error.schema_versions": (
        "两个数据库的结构版本不同（{source} 与 {target}）",
        "the schema versions differ ({source} vs {target})",
    ),
    # a PostgreSQL server
    "store.term.system_user": ("(当前系统用户)", "(the system user)"),
    "store.error.password": (
        "PostgreSQL {where} 拒绝了用户 {user} 的登录：请检查地址中的密码（或 ~/.pgpass、$PGPASSWORD）"
        "和服务器的 pg_hba.conf",
        "PostgreSQL at {where} refused user {user}: check the password (in the URL, ~/.pgpass or $PGPASSWORD) "
        "and the server's pg_hba.conf",
    ),
    "store.error.no_role": (
        "PostgreSQL {where} 上没有用户 {user}：请先创建（createuser）或在地址中换一个用户",
        "there is no PostgreSQL user {user} at {where}: create it (createuser) or put another user in the URL",
    ),
    "store.error.hba": (
        "PostgreSQL {where} 的 pg_hba.conf 不允许本机以用户 {user} 连接库 {name}：请在服务器上添加一行并重新加载",
        "PostgreSQL at {where} does not let this machine connect as {user} to {name}: add a pg_hba.conf "
        "line on the server and reload it",
    ),
    "store.error.create_denied": (
        "用户 {user} 无权在 PostgreSQL {where} 上创建数据库 {name}：请管理员先创建（createdb -O {user} -l C "
        "-T template0 {name}）或授予 CREATEDB",
        "user {user} may not create database {name} at {where}: have an administrator create it "
        "(createdb -O {user} -l C -T template0 {name}) or grant CREATEDB",
    ),
    "store.error.no_postgis": (
        "PostgreSQL {where} 上没有安装 PostGIS：请在数据库服务器上安装 postgresql-15-postgis-3",
        "PostGIS is not installed on the PostgreSQL server at {where}: install postgresql-15-postgis-3 there",
    ),
    "store.error.postgis_denied": (
        "用户 {user} 无权在 {where} 的库 {name} 中启用 PostGIS：请管理员在该库执行一次 CREATE EXTENSION postgis",
        "user {user} may not enable PostGIS in {name} at {where}: have a superuser run CREATE EXTENSION postgis "
        "in that database once",
    ),
    "store.error.lost": (
        "与 PostgreSQL {where} 的连接中断了，这次操作未写入任何数据：请确认服务器在运行后重试",
        "the connection to PostgreSQL at {where} was lost; nothing of this operation was stored: "
        "check that the server is running and try again",
    ),
    "store.error.unreachable": (
        "无法连接 PostgreSQL {where}：请检查服务器是否在运行、主机和端口是否正确、是否接受本机连接"
        "（listen_addresses、pg_hba.conf、防火墙）",
        "cannot reach PostgreSQL at {where}: check that the server is running, the host and port are right, and "
        "that it accepts connections from this machine (listen_addresses, pg_hba.conf, firewall)",
    ),
    "store.error.starting": (
        "PostgreSQL {where} 正在启动或关闭，请稍后重试",
        "PostgreSQL at {where} is starting up or shutting down: try again in a moment",
    ),
    "store.error.pool_timeout": (
        "PostgreSQL {where} 在 {seconds} 秒内没有空闲连接（服务器停止了，或同时的请求太多）：请稍后重试",
        "no connection to PostgreSQL at {where} became free within {seconds} s (the server stopped, or too many "
        "requests at once): try again shortly",
    ),
    "store.error.server": ("PostgreSQL {where} 库 {name}：{error}", "PostgreSQL at {where}, database {name}: {error}"),
    "store.error.old_server": (
        "PostgreSQL {where} 的版本是 {version}，需要 15 或更新",
        "PostgreSQL at {where} is version {version}; version 15 or newer is needed",
    ),
    "store.error.collation": (
        "库 {name}（{where}）按 {collation} 排序，列表的顺序会与约定不同：请用 C 排序规则新建它"
        "（init 会这样建：createdb -l C -T template0 {name}）",
        "database {name} at {where} sorts by {collation}, so lists would be ordered differently from the contract: "
        "create it with the C collation (as init does: createdb -l C -T template0 {name})",
    ),
    "store.error.closed": ("与 PostgreSQL {where} 的连接已关闭", "the connection to PostgreSQL at {where} was closed"),
    "store.error.database_in_use": (
        "库 {name}（{where}）正被其他程序使用，请先关闭它们（例如网页应用）",
        "database {name} at {where} is in use by other programs: close them first (the app, for one)",
    ),
    # a throwaway cluster (store/cluster.py: the tests and the benchmark)
    "store.cluster.no_initdb": (
        "找不到 {path}（apt-get install {package}）",
        "{path} not found (apt-get install {package})",
    ),
    "store.cluster.no_postgis": (
        "没有安装 PostgreSQL 15 的 PostGIS（apt-get install {package}）",
        "PostGIS for PostgreSQL 15 not installed (apt-get install {package})",
    ),
    "store.cluster.no_runuser": (
        "找不到 runuser（需要它以 postgres 用户运行 PostgreSQL）",
        "runuser not found (needed to run PostgreSQL as the postgres user)",
    ),
    "store.cluster.no_psycopg": (
        "没有安装 psycopg（pip install -r requirements.txt）",
        "psycopg not installed (pip install -r requirements.txt)",
    ),
    "store.cluster.failed": ("{program} 失败：{output}", "{program} failed: {output}"),
}
