#!/usr/bin/env python3
"""连心网格 command line (CONTRACT.md §3).

    python manage.py [--db PATH] [--as USER] COMMAND …

Exit status: 0 success, 1 bad input (nothing written), 2 bad usage. Errors are one line each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from i18n import Message, WordedError  # noqa: E402  (the catalog: a few dicts)
from vocabulary.areas import LEVELS  # noqa: E402  (tiny modules: --help stays fast)
from vocabulary.roles import ROLES  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd

    from auth.users import User

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
COORDS = ("wgs84", "gcj02", "bd09")


class UsageError(WordedError):
    """Bad usage (exit 2): the sentence says how the command is written."""


class BadInput(WordedError):
    """Bad input (exit 1, nothing written): the sentence says what to fix."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors stay one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Refuse the command line.

        Parameters
        ----------
        message : str
            argparse's sentence (it is English: argparse words it).

        Raises
        ------
        UsageError
            Always: ``manage.py: <message>``, printed as one line by :func:`main` (exit 2).
        """
        raise UsageError(f"{self.prog}: {message}")


def _date(s: str) -> dt.date:
    from ingest.values import parse_date

    try:
        return parse_date(s)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{s!r}: {e}") from None


def _code(s: str) -> str:
    """A code typed on the command line, folded like every typed code (Ｇ００ in a Chinese IME's full-width mode).

    Returns
    -------
    str
    """
    from ingest.normalize import normalize_value

    return normalize_value(s)


def build_parser() -> Parser:
    """The command line of CONTRACT.md §3: every command, its options and their help.

    Returns
    -------
    Parser
        The parser; ``parse_args`` raises :class:`UsageError` instead of exiting.
    """
    p = Parser(prog="manage.py", description="连心网格 command line")
    p.add_argument(
        "--db", help="database file or postgresql://USER@HOST:PORT/NAME (default $LIANXIN_DB, then data/demo.duckdb)"
    )
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="run as this user: their role (what they may run), scope and masking",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    sub.add_parser("init", help="create an empty database")

    d = sub.add_parser("demo", help="build the demo database (real county outline, generated data)")
    d.add_argument("--households", type=int, default=60_000)
    d.add_argument("--seed", type=int, default=0)

    imp = sub.add_parser("import", help="import a file")
    isub = imp.add_subparsers(dest="what", required=True, parser_class=Parser)
    b = isub.add_parser("boundaries")
    b.add_argument("file")
    b.add_argument("--level", required=True, choices=LEVELS)
    b.add_argument("--encoding")
    b.add_argument("--coords", choices=COORDS, default="wgs84")
    b.add_argument("--strict", action="store_true")
    b.add_argument("--errors", metavar="PATH")
    for kind in ("households", "staff", "visits", "petitions"):
        t = isub.add_parser(kind)
        t.add_argument("file")
        t.add_argument("--sheet")
        t.add_argument("--coords", choices=COORDS, default="wgs84")
        t.add_argument("--strict", action="store_true")
        t.add_argument("--errors", metavar="PATH")

    rep = sub.add_parser("report", help="print or write a report")
    rsub = rep.add_subparsers(dest="report", required=True, parser_class=Parser)

    def out_opts(x: Parser) -> None:
        x.add_argument("--format", choices=("table", "csv", "json"), default=None)
        x.add_argument("--output", metavar="PATH")
        x.add_argument("--lang", choices=("en", "zh"), default="en")

    c = rsub.add_parser("coverage")
    c.add_argument("--level", required=True, choices=LEVELS)
    c.add_argument("--from", dest="date_from", required=True, type=_date)
    c.add_argument("--to", dest="date_to", required=True, type=_date)
    c.add_argument("--kinds", default="home")
    out_opts(c)
    q = rsub.add_parser("quotas")
    q.add_argument("--week", required=True)
    out_opts(q)
    u = rsub.add_parser("unvisited")
    u.add_argument("--area", required=True, type=_code)
    u.add_argument("--as-of", dest="as_of", required=True, type=_date)
    u.add_argument("--days", type=int, default=None)
    out_opts(u)
    h = rsub.add_parser("hotspots")
    h.add_argument("--level", required=True, choices=("township", "village", "grid"))
    h.add_argument("--from", dest="date_from", required=True, type=_date)
    h.add_argument("--to", dest="date_to", required=True, type=_date)
    h.add_argument("--fdr", action="store_true")
    out_opts(h)
    mo = rsub.add_parser("monthly", help="the monthly 通报 as XLSX")
    mo.add_argument("--month", required=True)
    mo.add_argument("--output", metavar="FILE.xlsx")
    pa = rsub.add_parser("pace", help="coverage projected to --to at the recent pace")
    pa.add_argument("--level", required=True, choices=LEVELS)
    pa.add_argument("--to", dest="date_to", required=True, type=_date, help="the period's end (projected to)")
    pa.add_argument("--from", dest="date_from", type=_date, default=None, help="the period's start (default 1 January)")
    pa.add_argument("--as-of", dest="as_of", type=_date, default=None, help="the day of the forecast (default today)")
    pa.add_argument("--kinds", default="home")
    pa.add_argument("--backtest", action="store_true", help="compare with the coverage reached by --to")
    out_opts(pa)
    wa = rsub.add_parser("watch", help="petitions and villages at risk of escalating, with reasons")
    out_opts(wa)
    g = rsub.add_parser("grids", help="who is responsible for each grid")
    g.add_argument("--area", required=True, type=_code)
    g.add_argument("--on", type=_date, default=None, help="responsibility on this date (default today)")
    out_opts(g)
    hh = rsub.add_parser("household", help="one household's whole record (民情档案)")
    hh.add_argument("--code", required=True, type=_code, help="the household code (户编号)")
    out_opts(hh)

    sv = sub.add_parser("survey", help="the 民意调查 of the 三维考核: draw the sample, import answers, results")
    ssub = sv.add_subparsers(dest="what", required=True, parser_class=Parser)
    sd = ssub.add_parser("draw", help="draw the month's sample and write the call sheets")
    sd.add_argument("--month", required=True)
    sd.add_argument("--output", metavar="FILE.xlsx", required=True)
    sd.add_argument("--seed", type=int, default=None, help="default: the month itself, e.g. 202612")
    si = ssub.add_parser("import", help="import the answers of a returned call sheet")
    si.add_argument("file")
    si.add_argument("--month", required=True)
    si.add_argument("--errors", metavar="PATH")
    sr = ssub.add_parser("results", help="satisfaction and response rate per township")
    sr.add_argument("--month", required=True)
    out_opts(sr)

    be = sub.add_parser("bench", help="generate a data set and time the core operations (BENCHMARKS.md)")
    be.add_argument("--scale", choices=("small", "county", "city"), default="small")
    be.add_argument("--runs", type=int, default=5)
    be.add_argument("--output", default=None, help="write the results (Markdown), e.g. BENCHMARKS.md")
    be.add_argument(
        "--no-postgres", dest="postgres", action="store_false", help="skip the PostgreSQL/PostGIS comparison"
    )
    be.add_argument(
        "--on-postgres",
        metavar="URL",
        default=None,
        help="also run the app's functions on this PostgreSQL store (postgresql://…, or 'throwaway' "
        "for a temporary cluster), loaded from the data set",
    )
    be.add_argument(
        "--stores-only",
        action="store_true",
        help="with --on-postgres: time only the app's functions on the DuckDB file and the PostgreSQL "
        "store (no pandas, PostGIS, DuckDB over PostgreSQL, import or coverage page)",
    )
    # the load benchmark (issue 16 §4, bench/load.py): browser sessions against a server it starts
    be.add_argument("--load", action="store_true", help="browser sessions doing the three journeys (bench/load.py)")
    be.add_argument("--sessions", type=int, default=20, help="--load: browser sessions (default 20)")
    be.add_argument("--duration", type=float, default=120.0, help="--load: seconds per session (default 120)")
    be.add_argument("--think", type=float, default=5.0, help="--load: mean seconds between clicks (default 5)")
    be.add_argument("--stagger", type=float, default=1.5, help="--load: seconds between session starts (default 1.5)")
    be.add_argument(
        "--pg-processes",
        dest="pg_processes",
        type=int,
        default=0,
        help="--load: N app processes on a throwaway PostgreSQL with a copy of the data (0: DuckDB)",
    )
    be.add_argument(
        "--client-nice",
        dest="client_nice",
        type=int,
        default=19,
        help="--load: the browsers' niceness, so they use what the server leaves (default 19; 0: as they come)",
    )
    be.add_argument(
        "--no-warm-up",
        dest="warm",
        action="store_false",
        help="--load: measure from the server's start (default: warm every process up first)",
    )
    be.add_argument("--label", default="", help="--load: a name for the run")
    be.add_argument("--json", dest="json_path", help="--load: also write the report as JSON")

    cp = sub.add_parser("copy-to", help="copy this DuckDB database into a new PostgreSQL database (moving to a server)")
    cp.add_argument("url", metavar="postgresql://USER@HOST:PORT/NAME")

    us = sub.add_parser("users", help="manage accounts")
    us.add_argument("action", choices=("add", "passwd", "disable", "enable", "unlock"))
    us.add_argument("name")
    us.add_argument("--role", choices=ROLES)
    us.add_argument("--areas", default="")
    us.add_argument("--staff-id", dest="staff_id")
    return p


# ----------------------------------------------------------------------------- helpers


def err(line: str) -> None:
    """Print an error on stderr as one line (a multi-line text is joined with spaces).

    Parameters
    ----------
    line : str
        The sentence, or a :class:`i18n.Message` (written with ``str``).
    """
    print(" ".join(str(line).split()) if "\n" in str(line) else line, file=sys.stderr)


_OPENED: list = []  # connections of this command, closed when it ends (manage.run)


def _connect(args: argparse.Namespace) -> Any:
    from gis.areas import refresh_stale_neighbors
    from store import db

    con = db.connect(args.db) if args.db else db.connect()
    _OPENED.append(con)
    refresh_stale_neighbors(con)  # neighbours a migration marked stale (0006)
    return con


def _shown(target: str) -> str:
    """The database as printed: a URL without its password.

    Parameters
    ----------
    target : str
        A file path or a ``postgresql://`` URL.

    Returns
    -------
    str
        ``target`` with a URL's password replaced by ``***``.

    Examples
    --------
    >>> _shown("postgresql://grid:secret@db.example:5432/lianxin")
    'postgresql://grid:***@db.example:5432/lianxin'
    """
    import re

    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", target)


def _user(con: Any, args: argparse.Namespace) -> User | None:
    """The user the command acts as.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    args : argparse.Namespace
        The parsed command line (its ``as_user``).

    Returns
    -------
    auth.users.User or None
        The ``--as USER`` account; None without ``--as`` — the local administrator.

    Raises
    ------
    BadInput
        When the ``--as`` account does not exist or is disabled.
    """
    if not args.as_user:
        return None
    from auth import users

    u = users.get_user(con, args.as_user)
    if u is None:
        raise BadInput(key="cli.error.no_user", user=args.as_user)
    if u.disabled:
        raise BadInput(key="cli.error.user_disabled", user=args.as_user)
    return u


def _permitted(con: Any, args: argparse.Namespace) -> User | None:
    """The acting user, checked: their role may run this command (auth.permissions).

    A refusal is an ``AuthError`` from :func:`auth.permissions.require_command` (one sentence,
    exit 1); an unknown or disabled ``--as`` account a :class:`BadInput` from :func:`_user`.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    args : argparse.Namespace
        The parsed command line (``as_user``, ``command``).

    Returns
    -------
    auth.users.User or None
        As :func:`_user`.
    """
    from auth.permissions import require_command

    u = _user(con, args)
    require_command(u, args.command)
    return u


def _permitted_before_open(args: argparse.Namespace) -> None:
    """The check of :func:`_permitted` for commands that must not open their database first.

    demo and bench must not create, migrate or lock it: ``--as`` is looked up read-only, in a
    database that already exists. Nothing is checked without ``--as``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``db``, ``as_user``, ``command``).

    Raises
    ------
    BadInput
        When ``--as`` is given but the database does not exist (there is no account to look up).
    """
    if not args.as_user:
        return
    from store import db

    spec = db.target(args.db)
    if not db.exists(spec):
        raise BadInput(key="cli.error.no_user_no_db", user=args.as_user, db=spec)
    con = db.connect(spec, read_only=True)
    try:
        _permitted(con, args)
    finally:
        con.close()


def _actor_name(user: User | None) -> str:
    """Whom the audit log names.

    Parameters
    ----------
    user : auth.users.User or None
        The acting user (None: the local administrator).

    Returns
    -------
    str
        The ``--as`` user's name, else ``"admin"``.
    """
    return user.name if user is not None else "admin"


def _overlaps_scope(con: Any, area: str, scope: Sequence[str]) -> bool:
    """Whether an area and a user's scope share anything (one inside the other).

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    area : str
        The area code of ``--area``.
    scope : sequence of str
        The user's area codes.

    Returns
    -------
    bool
        True when the area lies in the scope or holds one of its areas; also True for an unknown code
        (the report itself says so).
    """
    from store import db

    if db.one(con, "area_get", code=area) is None:
        return True  # an unknown code: the report itself says so
    return bool(db.one(con, "area_overlaps_scope", code=area, scope=list(scope)))


def _audit(con: Any, actor: str, action: str, area: str | None = None) -> Callable[[Any, dict], None]:
    from auth import audit

    def write(c: Any, counts: dict) -> None:
        audit.record(c, actor, action, area=area, counts=counts)

    return write


def _write_report(df: pd.DataFrame, args: argparse.Namespace, kind: str) -> None:
    from analytics import export

    labels = None
    if args.lang == "zh":
        from i18n import column_labels

        labels = column_labels(list(df.columns), "zh")
        from i18n import CATALOG  # a report may name a column its own way: col.<report>.<column>

        labels.update({c: CATALOG["zh"][f"col.{kind}.{c}"] for c in df.columns if f"col.{kind}.{c}" in CATALOG["zh"]})
    fmt = args.format or (
        "csv"
        if args.output and args.output.lower().endswith(".csv")
        else "json"
        if args.output and args.output.lower().endswith(".json")
        else "table"
    )
    if fmt == "csv":
        data = export.to_csv_bytes(df, labels)
    elif fmt == "json":
        data = export.to_json_bytes(df, labels)
    else:
        data = export.to_table_text(df, labels).encode("utf-8")
    if args.output:
        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_bytes(data)
        except OSError as e:
            raise BadInput(key="cli.error.write", path=args.output, error=e.strerror) from e
        print(f"{kind}: {len(df)} rows written to {args.output}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


# ----------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace) -> int:
    """``init``: create (or migrate) the database and print where it is and its schema version.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        :data:`EXIT_OK`.
    """
    from store import db

    con = _connect(args)
    _permitted(con, args)
    print(f"database ready: {_shown(db.target(args.db))} (schema version {db.schema_version(con)})")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """``demo``: build the demo database (real county outline, generated data), progress on stderr.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``households``, ``seed``, ``db``).

    Returns
    -------
    int
        :data:`EXIT_OK`.

    Raises
    ------
    BadInput
        When ``--households`` is below 100, or the build refuses to replace the target (in use, or not
        a demo database).
    """
    from demo.build import DemoRefused, build_demo

    if args.households < 100:
        raise BadInput(key="cli.error.households")
    _permitted_before_open(args)

    from i18n import t

    def progress(f: float, step: str) -> None:  # step: a catalog key (demo.step.*)
        print(f"[{int(f * 100):3d}%] {t(step, 'zh')} / {t(step, 'en')}", file=sys.stderr, flush=True)

    path = args.db or None
    try:
        summary = build_demo(path, households=args.households, seed=args.seed, progress=progress)
    except DemoRefused as e:
        raise BadInput(str(e)) from None
    print(summary)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """``import boundaries|households|staff|visits|petitions FILE``: check and store a file.

    Every rejected row is printed on stderr (``FILE row N column C: …``) and, with ``--errors``,
    written to a CSV file.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        :data:`EXIT_OK` when rows were stored (some may have been rejected); :data:`EXIT_BAD_INPUT`
        when ``--strict`` found an error (nothing stored) or every row was rejected.
    """
    from ingest.errors import write_errors_csv
    from ingest.tables import check_may_import

    con = _connect(args)
    user = _permitted(con, args)
    actor = _actor_name(user)
    scope = user.scope if user is not None else None
    if user is not None:  # --as: that user's role decides what may be imported, their areas which rows
        check_may_import(user.role, actor, args.what)
    if args.what == "boundaries":
        from ingest.boundaries import import_boundaries

        res = import_boundaries(
            con,
            args.file,
            args.level,
            coords=args.coords,
            encoding=args.encoding,
            strict=args.strict,
            audit=_audit(con, actor, "import", None),
        )
        errors = res.errors
        for line in res.notes():
            print(line, file=sys.stderr)
        written = res.imported + res.replaced > 0 and not (args.strict and errors)
        summary = res.summary()
    else:
        from ingest.tables import load

        table = None
        if Path(args.file).suffix.lower() == ".xls":
            # calamine lays out every sheet of an .xls when it opens it, before the cell bound can refuse
            # a far cell (~1 GB for a 6 KB file): read it as the import page does, in a child process
            # with a memory limit (ingest/isolated.py)
            from ingest.isolated import read_file

            table = read_file(args.what, Path(args.file).resolve(), sheet=args.sheet).table
        res = load(
            con,
            args.what,
            args.file,
            coords=args.coords,
            strict=args.strict,
            sheet=args.sheet,
            audit=_audit(con, actor, "import", None),
            actor=actor,
            scope=scope,
            table=table,
        )
        errors = res.errors
        written = res.ok and not (args.strict and errors)
        summary = res.summary()
        if res.unassigned_codes:
            shown = "、".join(res.unassigned_codes[:20])
            more = f" …(+{len(res.unassigned_codes) - 20})" if len(res.unassigned_codes) > 20 else ""
            print(Message("cli.note.unassigned", households=f"{shown}{more}"), file=sys.stderr)
    for e in errors:
        err(e.line())
    if args.errors and errors:
        write_errors_csv(errors, args.errors)
    if args.strict and errors:
        err(Message("cli.error.strict", rows=len({e.row for e in errors})))
        return EXIT_BAD_INPUT
    print(summary)
    if errors and not written:
        err(Message("cli.error.all_rejected"))
        return EXIT_BAD_INPUT
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """``report …``: print or write a report, scoped and masked for the ``--as`` user as the app does.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``report`` and its options).

    Returns
    -------
    int
        :data:`EXIT_OK`.

    Raises
    ------
    UsageError
        ``report monthly`` without ``--output``.
    BadInput
        When ``--area`` lies outside the ``--as`` user's scope, or the output file cannot be written.
    """
    from analytics import reports

    if args.report == "monthly" and not args.output:
        raise UsageError(key="cli.error.monthly_output", at="report monthly: ")
    from auth.masking import mask_frame
    from auth.scope import scope_codes

    con = _connect(args)
    user = _permitted(con, args)
    actor, scope = _actor_name(user), scope_codes(user)
    area = getattr(args, "area", None)
    if scope is not None and area and not _overlaps_scope(con, area, scope):
        raise BadInput(key="cli.error.area_outside", area=area, user=actor)
    if args.report == "monthly":
        from analytics.monthly import monthly_workbook

        data = monthly_workbook(con, args.month, scope=scope)
        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_bytes(data)
        except OSError as e:
            raise BadInput(key="cli.error.write", path=args.output, error=e.strerror) from e
        print(f"monthly: {args.month} written to {args.output}")
        return EXIT_OK
    if args.report == "coverage":
        kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
        df = reports.coverage(con, args.level, args.date_from, args.date_to, kinds=kinds, scope=scope)
    elif args.report == "quotas":
        df = reports.quotas(con, args.week, scope=scope)
    elif args.report == "unvisited":
        df = reports.unvisited(con, args.area, args.as_of, days=args.days, scope=scope)
    elif args.report == "hotspots":
        df = reports.hotspots(con, args.level, args.date_from, args.date_to, fdr=args.fdr, scope=scope)
    elif args.report == "pace":
        df = _pace(con, args, scope)
    elif args.report == "watch":
        df = _watch(con, args, scope)
    elif args.report == "grids":
        from analytics import grids

        df = grids.grid_directory(con, args.area, scope, on=args.on)[grids.GRID_COLUMNS]
    elif args.report == "household":
        from analytics import household

        df = household.open_record(con, args.code, user).rows()  # masked and audited for the --as user
    else:  # pragma: no cover - argparse limits the choices
        raise UsageError(f"unknown report {args.report}")
    _write_report(mask_frame(df, user, con), args, args.report)  # masked exactly as the app masks
    return EXIT_OK


def _pace(con: Any, args: argparse.Namespace, scope: list[str] | None) -> pd.DataFrame:
    """``report pace``: the coverage page's pace rows, worst projected shortfall first.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    args : argparse.Namespace
        The parsed command line (``level``, ``date_from``, ``date_to``, ``as_of``, ``kinds``,
        ``backtest``).
    scope : list of str or None
        The user's scope (None: everything).

    Returns
    -------
    DataFrame
        :func:`analytics.pace.pace` by shortfall; with ``--backtest`` the rows of
        :func:`analytics.pace.backtest` (the forecast made on ``--as-of`` against the coverage
        reached by ``--to``), its summary printed on stderr.
    """
    from analytics import pace
    from analytics.monthly import report_day

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    date_from = args.date_from or pace.default_start(args.date_to)
    as_of = args.as_of or min(report_day(), args.date_to)
    if args.backtest:
        bt = pace.backtest(con, args.level, date_from, as_of, args.date_to, kinds=kinds, scope=scope)
        if bt.mae is not None:
            print(
                Message(
                    "cli.note.backtest",
                    level=args.level,
                    start=date_from,
                    end=args.date_to,
                    made_on=as_of,
                    areas=len(bt.rows),
                    mae=f"{bt.mae * 100:.1f}",
                    bias=f"{bt.bias * 100:+.1f}",
                    within=f"{bt.within_5pts:.0%}",
                    right=f"{bt.verdict_right:.0%}",
                ),
                file=sys.stderr,
            )
        return bt.rows
    return pace.by_shortfall(pace.pace(con, args.level, date_from, args.date_to, as_of, kinds=kinds, scope=scope))


def _watch(con: Any, args: argparse.Namespace, scope: list[str] | None) -> pd.DataFrame:
    """``report watch``: the hotspots page's watch-list; how the list did on the history goes to stderr.

    Parameters
    ----------
    con : store connection
        DuckDB or PostgreSQL (``store.db``).
    args : argparse.Namespace
        The parsed command line (``lang``).
    scope : list of str or None
        The user's scope (None: everything).

    Returns
    -------
    DataFrame
        :func:`analytics.escalation.report`: petitions, then villages, reasons in words.
    """
    from analytics import escalation
    from analytics.monthly import report_day

    today = report_day()
    f = escalation.facts(con, today, scope)
    wl = escalation.watch_list(con, today, scope, f=f)
    hr = escalation.hit_rate(con, today, scope, f=f)
    if hr.share is None:
        print(Message("cli.note.hit_rate_none"), file=sys.stderr)
    else:
        print(
            Message(
                "cli.note.hit_rate",
                hits=hr.hits,
                escalated=hr.escalated,
                share=f"{hr.share:.0%}",
                lead_days=hr.lead_days,
                via_petition=hr.via_petition,
                petitions=f"{hr.mean_petitions:g}",
                villages=f"{hr.mean_villages:g}",
                watched=f"{hr.mean_watched:g}",
            ),
            file=sys.stderr,
        )
    return escalation.report(wl, args.lang)


def cmd_users(args: argparse.Namespace) -> int:
    """``users add|passwd|disable|enable|unlock NAME``: manage accounts (:func:`auth.users.users_command`).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        :data:`EXIT_OK`.
    """
    from auth import users

    con = _connect(args)
    user = _permitted(con, args)
    areas = [a.strip() for a in args.areas.split(",") if a.strip()]
    msg = users.users_command(
        con,
        args.action,
        args.name,
        role=args.role,
        areas=areas,
        staff_id=args.staff_id,
        actor=user if user is not None else "admin",
    )
    print(msg)
    return EXIT_OK


def cmd_survey(args: argparse.Namespace) -> int:
    """``survey draw|import|results`` — the survey page's functions (analytics/survey.py).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``what`` and its options).

    Returns
    -------
    int
        :data:`EXIT_OK`; rejected rows of an import are printed on stderr.

    Raises
    ------
    BadInput
        When the call sheets cannot be written, or ``results`` asks for a month with no sample drawn.
    """
    from analytics import survey
    from analytics.monthly import report_day
    from auth.scope import scope_codes

    con = _connect(args)
    user = _permitted(con, args)
    actor = user if user is not None else "admin"
    if args.what == "draw":
        d = survey.draw(con, args.month, seed=args.seed, actor=actor)
        data = survey.call_sheets(con, d.month, user, scope_codes(user))
        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_bytes(data)
        except OSError as e:
            raise BadInput(key="cli.error.write", path=args.output, error=e.strerror) from e
        from analytics import export

        sys.stdout.buffer.write(export.to_table_text(d.strata).encode("utf-8"))
        print(
            f"survey {d.month:%Y-%m}: {len(d.sample):,} households drawn in "
            f"{int((d.strata['sample_size'] > 0).sum())} townships (seed {d.seed}), "
            f"call sheets written to {args.output}"
        )
        return EXIT_OK
    if args.what == "import":
        from ingest.errors import write_errors_csv

        res = survey.import_sheet(con, args.file, args.month, actor=actor, today=report_day())
        for e in res.errors:
            err(e.line())
        if args.errors and res.errors:
            write_errors_csv(res.errors, args.errors)
        print(res.summary())
        return EXIT_OK
    df = survey.results(con, args.month, scope_codes(user))
    if df.empty:
        raise BadInput(key="cli.error.not_drawn", month=f"{survey.month_start(args.month):%Y-%m}")
    _write_report(df, args, "survey")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    """``bench``: generate a data set and time the core operations, or (``--load``) the load benchmark.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        :data:`EXIT_OK`, or the load benchmark's exit status (:func:`bench.load.run_cli`).

    Raises
    ------
    BadInput
        When ``--runs`` is below 1, or the load benchmark cannot run.
    UsageError
        ``--stores-only`` without ``--on-postgres``.
    store.db.BadTarget
        When ``--on-postgres`` is neither a ``postgresql://`` URL nor ``throwaway``.
    """
    if args.runs < 1:
        raise BadInput(key="cli.error.runs")
    _permitted_before_open(args)
    if args.load:
        from bench import load

        try:
            return load.run_cli(args)
        except load.LoadError as e:
            raise BadInput(str(e)) from None
    from bench.run import bench

    if args.stores_only and not args.on_postgres:
        raise UsageError(key="cli.error.stores_only")
    if args.on_postgres not in (None, "throwaway"):
        from store.db import POSTGRES, BadTarget, kind

        if kind(args.on_postgres) != POSTGRES:
            raise BadTarget(Message("cli.error.on_postgres", given=repr(args.on_postgres)))
    res = bench(
        args.scale,
        runs=args.runs,
        output=args.output,
        postgres=args.postgres,
        on_postgres=args.on_postgres,
        path=Path(args.db) if args.db else None,
        stores_only=args.stores_only,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(
        f"bench {args.scale}: {len(res.checks)} checks passed (all implementations agree), "
        f"peak RSS {res.peak_rss_mb:,.0f} MB" + (f", written to {args.output}" if args.output else "")
    )
    return EXIT_OK


def cmd_copy_to(args: argparse.Namespace) -> int:
    """``copy-to URL``: copy every table of the DuckDB file (``--db``) into an empty PostgreSQL database.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``db``, ``url``).

    Returns
    -------
    int
        :data:`EXIT_OK`.

    Raises
    ------
    UsageError
        When ``--db`` is not a DuckDB file or the URL not a PostgreSQL one.
    BadInput
        When the DuckDB file does not exist or the PostgreSQL database already holds data.
    """
    from store import db
    from store.transfer import copy_store

    source = db.target(args.db)
    if db.kind(source) != db.DUCKDB:
        raise UsageError(key="cli.error.copy_from", at="copy-to: ")
    if db.kind(args.url) != db.POSTGRES:
        raise UsageError(key="cli.error.copy_to", at="copy-to: ", given=repr(args.url))
    if not db.exists(source):
        raise BadInput(key="cli.error.no_db_file", path=source)
    duck = _connect(args)
    _permitted(duck, args)
    pg = db.connect(args.url)
    _OPENED.append(pg)
    _demo, _real, rows = db.execute(pg, "demo_database_state").fetchone()
    stored = db.execute(pg, "copy_target_rows").fetchone()[0]
    if rows or stored:
        raise BadInput(key="cli.error.copy_not_empty", db=_shown(args.url))
    out = copy_store(duck, pg)
    tables = {k: v for k, v in out.items() if k != "seconds"}
    print(
        f"copied {source} to {_shown(args.url)}: {len(tables)} tables, "
        f"{tables.get('households', 0):,} households, {tables.get('visits', 0):,} visits, "
        f"{tables.get('petitions', 0):,} petitions ({out['seconds']:.1f} s)"
    )
    return EXIT_OK


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "import": cmd_import,
    "report": cmd_report,
    "users": cmd_users,
    "bench": cmd_bench,
    "copy-to": cmd_copy_to,
    "survey": cmd_survey,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        :data:`EXIT_USAGE` when the command line is malformed, else the exit status of :func:`run`;
        errors are printed on stderr, one line each.
    """
    try:
        args = build_parser().parse_args(argv)
    except UsageError as e:
        err(str(e))
        return EXIT_USAGE
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command, turning every error into one line on stderr and an exit status.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`build_parser`.

    Returns
    -------
    int
        The command's exit status; :data:`EXIT_USAGE` for bad usage or a bad ``--db``,
        :data:`EXIT_BAD_INPUT` for bad input and any other error (a sentence, never a traceback,
        unless ``$LIANXIN_DEBUG`` is set), 130 when interrupted. The connections the command opened
        are closed.
    """
    from analytics.reports import ReportError
    from ingest.errors import ImportFailed
    from store.db import BadTarget, StoreError, kind, target

    try:  # --db / $LIANXIN_DB: a file path or a postgresql:// URL, anything else is bad usage
        kind(target(args.db))
    except BadTarget as e:
        err(str(e))
        return EXIT_USAGE

    known: tuple[type[BaseException], ...] = (BadInput, ImportFailed, ReportError, StoreError)
    try:
        from auth.users import AuthError

        known += (AuthError,)
    except ImportError:  # pragma: no cover
        pass
    try:
        return COMMANDS[args.command](args)
    except (UsageError, BadTarget) as e:
        err(str(e))
        return EXIT_USAGE
    except known as e:
        err(str(e))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err(Message("cli.error.interrupted"))
        return 130
    except Exception as e:  # the last line of defence: one sentence, never a traceback
        if os.environ.get("LIANXIN_DEBUG"):
            raise
        first = str(e).splitlines()[0] if str(e) else ""
        err(Message("cli.error.internal", error=type(e).__name__, first=first))
        return EXIT_BAD_INPUT
    finally:
        while _OPENED:
            try:
                _OPENED.pop().close()
            except Exception:  # closing after a lost connection: nothing left to give back
                pass


if __name__ == "__main__":
    sys.exit(main())
