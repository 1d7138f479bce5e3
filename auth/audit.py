"""The append-only audit log, and rule changes (each one audited).

Actions written by the app: ``import``, ``visit_add``, ``visit_edit``, ``visit_delete``,
``petition_status``, ``rule_change``, ``user_add``, ``user_passwd``, ``user_disable``,
``user_enable``, ``user_unlock``, ``export``, ``login``, ``login_failed``, ``household_view`` (who
opened whose 民情档案, on the page or with ``manage.py report household``). Nothing here updates or
deletes an entry.
"""

from __future__ import annotations

import json
import math
import re
import string
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

import duckdb
import pandas as pd

from i18n.message import WordedError
from store import db

ACTIONS: tuple[str, ...] = (
    "import",
    "visit_add",
    "visit_edit",
    "visit_delete",
    "petition_status",
    "rule_change",
    "user_add",
    "user_passwd",
    "user_disable",
    "user_enable",
    "user_unlock",
    "export",
    "login",
    "login_failed",
    "household_view",
)


class RuleError(WordedError, ValueError):
    """A rule value out of range or an unknown rule, raised with a catalog key (i18n/parts/auth_messages.py).

    ``str(e)`` is the command line's sentence (``中文 / English``) saying what is allowed,
    ``e.text(lang)`` the page's.
    """


def atomic(con: duckdb.DuckDBPyConnection) -> AbstractContextManager[Any]:
    """A transaction that joins the caller's when one is open (see :func:`store.db.transaction`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    context manager
        Commits on leaving (or leaves the commit to the caller's transaction), rolls back on an
        exception.
    """
    return db.transaction(con)


try:
    from zoneinfo import ZoneInfo

    _TZ: Any = ZoneInfo("Asia/Shanghai")
except Exception:  # pragma: no cover - no tz database
    _TZ = timezone(timedelta(hours=8))


def now_local() -> datetime:
    """The current time in Asia/Shanghai.

    Returns
    -------
    datetime.datetime
        Naive (no tzinfo), in China's time: how TIMESTAMP columns store it.
    """
    return datetime.now(_TZ).replace(tzinfo=None)


def naive_local(t: datetime | None) -> datetime:
    """``t`` as a naive Asia/Shanghai datetime.

    Parameters
    ----------
    t : datetime.datetime or None
        An aware time (converted), a naive one (taken as China's time already) or None (now).

    Returns
    -------
    datetime.datetime
        Naive, in China's time.
    """
    if t is None:
        return now_local()
    if t.tzinfo is not None:
        return t.astimezone(_TZ).replace(tzinfo=None)
    return t


def _json_default(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return str(v)


def record(
    con: duckdb.DuckDBPyConnection,
    user: Any,
    action: str,
    area: str | None = None,
    counts: dict | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> None:
    """Append one audit entry.

    Parameters
    ----------
    user : who did it: a user name or a :class:`auth.users.User`.
    action : what (see :data:`ACTIONS`).
    area : the area code concerned, if any.
    counts : numbers worth keeping (e.g. ``{"imported": 10, "rejected": 2}``), stored as JSON.
    detail : free text (file name, rule change, account name …).
    now : the time to log (default: now in Asia/Shanghai).

    Raises
    ------
    ValueError
        ``action`` is empty.

    Examples
    --------
    >>> from store import db
    >>> con = db.connect(":memory:")
    >>> record(con, "admin", "import", counts={"imported": 3})
    >>> search(con, action="import")["counts"].iloc[0]
    '{"imported": 3}'
    """
    name = getattr(user, "name", None) or (str(user) if user is not None else "")
    if not name:
        name = "?"
    if not action:
        raise ValueError("audit action must not be empty")
    payload = (
        json.dumps(counts, ensure_ascii=False, sort_keys=True, default=_json_default) if counts is not None else None
    )
    t = naive_local(now)
    db.execute(
        con, "audit_insert", logged_at=t, user_name=name, action=action, area=area, counts=payload, detail=detail
    )


def _start(d: date | datetime | None) -> datetime | None:
    if d is None:
        return None
    if isinstance(d, datetime):
        return naive_local(d)
    return datetime.combine(d, time.min)


def _end_exclusive(d: date | datetime | None) -> datetime | None:
    if d is None:
        return None
    if isinstance(d, datetime):
        return naive_local(d) + timedelta(microseconds=1)
    return datetime.combine(d + timedelta(days=1), time.min)


def search(
    con: duckdb.DuckDBPyConnection,
    user: Any = None,
    action: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Audit entries, newest first.

    Parameters
    ----------
    user : only this user's entries (name or User).
    action : only this action.
    since, until : inclusive bounds; a date ``until`` includes that whole day.
    limit : at most this many rows.

    Returns
    -------
    DataFrame with columns id, logged_at, user_name, action, area, counts (JSON text), detail.
    """
    name = getattr(user, "name", None) or (str(user) if user is not None else None)
    return db.df(
        con,
        "audit_search",
        user_name=name,
        action=action,
        since=_start(since),
        until=_end_exclusive(until),
        limit=int(limit),
    )


# ----------------------------------------------------------------------------- rules

#: allowed range per rule: (minimum, maximum, integer only, what it is in Chinese)
RULE_RANGES: dict[str, tuple[float, float, bool, str]] = {
    "visit_target_days": (1, 7, True, "每周走访天数"),
    "revisit_days": (1, 730, True, "入户走访周期（天）"),
    "reply_working_days": (1, 60, True, "答复期限（工作日）"),
    "close_days": (1, 365, True, "办结期限（天）"),
    "hotspot_min_count": (0, 1000, True, "热点排名最少件数"),
    "benchmark_coverage": (0, 1, False, "入户覆盖率基准"),
    "benchmark_solved": (0, 1, False, "问题解决率基准"),
    "benchmark_satisfaction": (0, 1, False, "群众满意率基准"),
    "pairing_quota_rank1": (0, 50, True, "结穷亲户数（一级）"),
    "pairing_quota_rank2": (0, 50, True, "结穷亲户数（二级）"),
    "pairing_quota_rank3": (0, 50, True, "结穷亲户数（三级）"),
    "pairing_quota_rank4": (0, 50, True, "结穷亲户数（四级）"),
    "pairing_quota_rank5": (0, 50, True, "结穷亲户数（五级）"),
    "households_per_staff_max": (1, 10000, True, "每人负责户数上限"),
    "walk_stops": (1, 100, True, "每日走访计划户数"),
    "pace_weeks": (1, 52, True, "覆盖进度按最近几周推算"),
    "watch_min_score": (0, 100, False, "列入观察名单的最低风险分"),
    "watch_w_repeat": (0, 100, False, "风险分：重复信访"),
    "watch_w_overdue": (0, 100, False, "风险分：逾期"),
    "watch_w_unsatisfied": (0, 100, False, "风险分：办结不满意"),
    "watch_w_partly": (0, 100, False, "风险分：办结基本满意"),
    "watch_w_group": (0, 100, False, "风险分：集体访"),
    "watch_w_category": (0, 100, False, "风险分：类别越级多"),
    "watch_category_lift": (1, 100, False, "类别越级率倍数"),
    "watch_category_min": (1, 10000, True, "类别最少越级件数"),
    "watch_w_hotspot": (0, 100, False, "风险分：热点村"),
    "watch_w_village_listed": (0, 100, False, "村的风险分：每件在名单上的信访"),
    "watch_recent_days": (0, 730, True, "办结后继续观察的天数"),
    "watch_lead_days": (1, 365, True, "命中率提前天数"),
    "survey_share": (0, 1, False, "民意调查抽样比例"),
    "survey_min": (1, 10000, True, "每个乡镇最少抽样人数"),
    "survey_exclude_months": (0, 24, True, "近几个月调查过的户不再抽取"),
    "survey_weight": (0, 1, False, "民意调查在乡镇考核中的权重"),
}


_DATE = r"\d{4}-\d{2}-\d{2}"
#: The app's own detail lines: each kind's one template, from which :func:`detail_line` writes a line
#: and :func:`detail_text` reads it back to word it in the page's language. A part in ``[…]`` is
#: written only when every field in it has a value.
DETAIL_LINES: dict[str, str] = {
    "from": "from {ip}",
    "wrong_password": "wrong password[ from {ip}]",
    "unknown_user": "unknown user name[ from {ip}]",
    "disabled": "disabled[ from {ip}]",
    "sso": "sso",
    "sso_no_email": "sso: no e-mail",
    "sso_unverified": "sso: e-mail not verified",
    "sso_no_account": "sso: no local account",
    "sso_disabled": "sso: disabled",
    "coverage_export": "coverage_page {what} {fmt}: level={level} {start}..{end} kinds={kinds} rows={rows}",
    "hotspots_export": "hotspots {level} {start}..{end} {fmt}",
    "quotas_export": "quotas {week} {fmt}",
    "monthly_export": "monthly {month} {fmt}",
    "audit_export": "audit log {fmt}",
    "user_add": "{name} role={role} areas={areas}[ staff_id={staff_id}][ {demo}]",
    "worklist_export": "petitions worklist ({rows} rows)",
    "import_errors_export": "import errors csv {file}",
    "survey_export": "survey call sheets {month}",
    "directory_export": "resp_page directory {fmt}: area={area} on={on} rows={rows}",
}
#: What each field of a detail line holds, to read it back.
_FIELDS: dict[str, str] = {
    "ip": r"\S+",
    "what": "coverage|due",
    "fmt": "csv|xlsx",
    "level": r"\w+",
    "start": _DATE,
    "end": _DATE,
    "kinds": r"[\w,]*",
    "rows": r"\d+",
    "week": r"\d{4}-W\d{2}",
    "month": r"\d{4}-\d{2}",
    "name": r"\S+",
    "role": r"\w+",
    "areas": r"\S+",
    "staff_id": r"\S+",
    "demo": "demo",
    "file": ".+",
    "area": r"\S+",
    "on": r"\S+",
}
_OPTIONAL = re.compile(r"(\[[^\]]*\])")


def _pieces(template: str) -> list[tuple[str, bool]]:
    """A template's parts in order, each with whether it is optional (written in ``[…]``).

    Returns
    -------
    list of (str, bool)
        Each part's text (without its brackets) and whether it is optional.
    """
    out = []
    for part in _OPTIONAL.split(template):
        if part:
            optional = part.startswith("[")
            out.append((part[1:-1] if optional else part, optional))
    return out


def _fields(piece: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(piece) if f]


def detail_line(kind: str, **values: Any) -> str:
    """The audit log's detail line of one of the app's own kinds, from its template (:data:`DETAIL_LINES`).

    Parameters
    ----------
    kind : str
        A key of :data:`DETAIL_LINES` (``hotspots_export``, ``user_add`` …).
    **values
        The template's fields (dates as :class:`datetime.date`, written ISO); an optional part's field
        may be None or "" to leave the part out.

    Returns
    -------
    str
        The line as stored, e.g. ``hotspots village 2026-01-01..2026-06-30 xlsx``.

    Raises
    ------
    ValueError
        ``kind`` is not a template's, or a field of a part that is not optional is missing.

    Examples
    --------
    >>> detail_line("wrong_password", ip="10.0.0.2")
    'wrong password from 10.0.0.2'
    >>> detail_line("user_add", name="zhangwei", role="office", areas="500155001000", staff_id=None, demo="")
    'zhangwei role=office areas=500155001000'
    """
    if kind not in DETAIL_LINES:
        raise ValueError(f"no audit detail line of kind {kind!r}")
    out = []
    for piece, optional in _pieces(DETAIL_LINES[kind]):
        names = _fields(piece)
        if optional and any(values.get(n) in (None, "") for n in names):
            continue
        missing = [n for n in names if n not in values]
        if missing:
            raise ValueError(f"audit detail line {kind!r} needs {', '.join(missing)}")
        out.append(piece.format(**{n: values[n] for n in names}))
    return "".join(out)


def _pattern(template: str) -> re.Pattern[str]:
    """The regular expression reading a template's lines back.

    Returns
    -------
    re.Pattern
        Each field a named group matching :data:`_FIELDS`' pattern; an optional part may be absent.
    """
    out = []
    for piece, optional in _pieces(template):
        part = "".join(
            re.escape(literal) + (f"(?P<{field}>{_FIELDS[field]})" if field else "")
            for literal, field, _, _ in string.Formatter().parse(piece)
        )
        out.append(f"(?:{part})?" if optional else part)
    return re.compile("".join(out))


_PATTERNS = {kind: _pattern(template) for kind, template in DETAIL_LINES.items()}


def _word(key: str, fallback: str, lang: str) -> str:
    from i18n.catalog import CATALOG

    from i18n import normalize_lang

    return CATALOG[normalize_lang(lang)].get(key, fallback)


def detail_text(detail: Any, lang: str = "zh", areas: Mapping[str, str] | None = None) -> Any:
    """An audit entry's detail as the page shows it: the app's own words in ``lang``, data as stored.

    The log keeps what was written ("from 127.0.0.1", "coverage_page due xlsx: level=…"); the page
    words the app's own lines through the catalog (``audit.detail.*``), each read back by the template
    that wrote it (:data:`DETAIL_LINES`, :func:`detail_line`). Anything else (names, codes, lines of
    other kinds) is shown as it is.

    Parameters
    ----------
    detail : str or None
        The stored detail.
    lang : str, optional
        ``zh`` (default) or ``en``.
    areas : mapping of str to str, optional
        A label for each area code (``甲村 › 第一网格（code）``): an account's areas and an export's area
        are shown by it; a code without one, or without the mapping, as stored.

    Returns
    -------
    str or None
        The detail to show (None stays None).

    Examples
    --------
    >>> detail_text("from 127.0.0.1")
    '来自 127.0.0.1'
    >>> detail_text("wrong password from 10.0.0.2", "zh")
    '密码错误，来自 10.0.0.2'
    >>> detail_text("coverage_page due xlsx: level=village 2026-06-06..2026-12-02 kinds=home rows=12")
    '走访覆盖待走访户名单（XLSX）：村/社区，2026-06-06 至 2026-12-02，入户走访，12 行'
    >>> detail_text("zhangwei role=office areas=500155001000", "en")
    'zhangwei, role Township / street office, areas 500155001000'
    >>> detail_text("zhangwei role=office areas=500155001000", "en", {"500155001000": "一镇（500155001000）"})
    'zhangwei, role Township / street office, areas 一镇（500155001000）'
    >>> detail_text("LPX000001")
    'LPX000001'
    """
    read = read_line(detail) if isinstance(detail, str) else None
    return _worded(*read, lang, areas or {}) if read is not None else detail


def read_line(detail: str) -> tuple[str, dict[str, str | None]] | None:
    """Which of the app's own kinds of detail line ``detail`` is, and its fields (the reverse of :func:`detail_line`).

    Parameters
    ----------
    detail : str
        A stored detail.

    Returns
    -------
    tuple of (str, dict) or None
        The kind (a key of :data:`DETAIL_LINES`) and each field's text (None for an optional part left
        out), or None for a line of no template (data: names, codes …).

    Examples
    --------
    >>> read_line("quotas 2026-W45 xlsx")
    ('quotas_export', {'week': '2026-W45', 'fmt': 'xlsx'})
    >>> read_line("LPX000001") is None
    True
    """
    for kind, pattern in _PATTERNS.items():
        m = pattern.fullmatch(detail)
        if m is not None:
            return kind, m.groupdict()
    return None


def _worded(kind: str, g: dict[str, Any], lang: str, areas: Mapping[str, str]) -> str:
    """A line of ``kind`` read back (its fields ``g``) in the page's words, areas by ``areas``' labels.

    Returns
    -------
    str
        The catalog's wording of the line in ``lang``.
    """
    from i18n import fmt_list, fmt_month, fmt_week, t

    fmt = (g.get("fmt") or "").upper()

    def month() -> str:
        year, number = g["month"].split("-")
        return fmt_month(int(year), int(number), lang)

    if kind == "from":
        return t("audit.detail.from", lang, ip=g["ip"])
    if kind in ("wrong_password", "unknown_user", "disabled"):
        reason = t(f"audit.detail.{kind}", lang)
        return t("audit.detail.with_ip", lang, reason=reason, ip=g["ip"]) if g["ip"] else reason
    if kind.startswith("sso"):
        return t(f"audit.detail.{kind}", lang)
    if kind == "quotas_export":
        year, week = g["week"].split("-W")
        return t("audit.detail.quotas_export", lang, fmt=fmt, week=fmt_week(int(year), int(week), lang))
    if kind == "monthly_export":
        return t("audit.detail.monthly_export", lang, fmt=fmt, month=month())
    if kind == "audit_export":
        return t("audit.detail.audit_export", lang, fmt=fmt)
    if kind == "user_add":
        codes = g["areas"].split(",")
        named = (
            fmt_list((areas.get(c, c) for c in codes), lang) if g["areas"] != "*" else t("admin_page.areas_all", lang)
        )
        role = _word(f"role.{g['role']}", g["role"], lang)
        text = t("audit.detail.user_add", lang, name=g["name"], role=role, areas=named)
        if g["staff_id"]:
            text += t("audit.detail.staff_id", lang, staff_id=g["staff_id"])
        return text + (t("audit.detail.demo", lang) if g["demo"] else "")
    if kind == "worklist_export":
        return t("audit.detail.worklist_export", lang, rows=g["rows"])
    if kind == "import_errors_export":
        return t("audit.detail.import_errors_export", lang, file=g["file"])
    if kind == "survey_export":
        return t("audit.detail.survey_export", lang, month=month())
    if kind == "directory_export":
        area = areas.get(g["area"], g["area"])
        return t("audit.detail.directory_export", lang, fmt=fmt, area=area, on=g["on"], rows=g["rows"])
    level = _word(f"level.{g['level']}", g["level"], lang)
    if kind == "hotspots_export":
        return t("audit.detail.hotspots_export", lang, fmt=fmt, level=level, start=g["start"], end=g["end"])
    kinds = fmt_list((_word(f"kind.{k}", k, lang) for k in g["kinds"].split(",") if k), lang)
    return t(
        "audit.detail.coverage_export",
        lang,
        what=t(f"audit.detail.what.{g['what']}", lang),
        fmt=fmt,
        level=level,
        start=g["start"],
        end=g["end"],
        kinds=kinds,
        rows=g["rows"],
    )


def _fmt(v: float) -> str:
    return f"{v:g}"


def validate_rule(key: str, value: Any) -> float:
    """Check a rule's new value.

    Parameters
    ----------
    key : str
        The rule (rules table).
    value : str or number
        What was entered; a string may carry thousands separators (``,`` or ``，``).

    Returns
    -------
    float
        The value, when allowed for ``key`` (RULE_RANGES; a rule without a range only must not be
        negative).

    Raises
    ------
    RuleError
        Not a number, not finite, not an integer where one is needed, or out of range; the
        message says what is allowed.
    """
    try:
        v = float(str(value).strip().replace("，", "").replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise RuleError(key="rule.error.not_a_number", rule=key, value=value) from None
    if not math.isfinite(v):
        raise RuleError(key="rule.error.not_finite", rule=key, value=value)
    rng = RULE_RANGES.get(key)
    if rng is None:
        if v < 0:
            raise RuleError(key="rule.error.negative", rule=key)
        return v
    lo, hi, integer, label = rng
    said = dict(rule=key, label=label, lo=_fmt(lo), hi=_fmt(hi))
    if integer and v != int(v):
        raise RuleError(key="rule.error.integer", **said)
    if not lo <= v <= hi:
        if integer or hi != 1:
            raise RuleError(key="rule.error.range", value=_fmt(v), **said)
        raise RuleError(key="rule.error.share_percent" if v > 1 else "rule.error.share", value=_fmt(v), **said)
    return v


def set_rule(con: duckdb.DuckDBPyConnection, key: str, value: Any, actor: Any = "admin") -> float:
    """Change a rule (audited as ``rule_change`` in the same transaction).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    key : str
        The rule.
    value : str or number
        The new value (see :func:`validate_rule`).
    actor : str or User, default "admin"
        Who changes it (for the audit log).

    Returns
    -------
    float
        The new value.

    Raises
    ------
    RuleError
        An unknown rule, or a value :func:`validate_rule` refuses.

    Examples
    --------
    >>> from store import db
    >>> con = db.connect(":memory:")
    >>> set_rule(con, "visit_target_days", 4, actor="admin")
    4.0
    """
    old = db.one(con, "rule_value", key=key)
    if old is None:
        known = "、".join(db.df(con, "rules_all")["key"].tolist())
        raise RuleError(key="rule.error.unknown", rule=key, known=known)
    v = validate_rule(key, value)
    with atomic(con):
        db.execute(con, "rule_set", key=key, value=v)
        record(
            con,
            actor,
            "rule_change",
            counts={"old": float(old), "new": v},
            detail=f"{key}: {_fmt(float(old))} → {_fmt(v)}",
        )
    return v
