"""Local accounts: roles scoped to areas, argon2 password hashing, password strength, logins.

Roles
-----
``admin`` 县级管理员 · ``leader`` 县领导 · ``office`` 乡镇/街道 · ``grid_leader`` 网格长 ·
``member`` 网格员. ``admin`` and ``leader`` may have no areas (the whole county); every other
role needs at least one existing area code.

Every change to an account is written to the audit log in the same transaction, and only an
administrator may make one (a :class:`User` of another role as ``actor`` is refused). Errors a
person can fix are raised as :class:`AuthError` with a catalog key (i18n/parts/auth_messages.py,
security.py): ``str(e)`` is the command line's ``中文 / English``, ``e.text(lang)`` a page's.
Failed logins are throttled by auth/throttle.py.
"""

from __future__ import annotations

import getpass
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Iterable

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from i18n.message import Message, WordedError
from store import db
from vocabulary.roles import COUNTY_WIDE_ROLES, ROLES  # noqa: F401  (re-exported)

from . import audit, throttle

#: the roles' Chinese names, from the catalog (``role.*``)
ROLE_NAMES_ZH: dict[str, str] = {role: Message(f"role.{role}").text("zh") for role in ROLES}

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
#: the least zxcvbn score (0–4) a real account's password needs: 3 is "safely unguessable:
#: moderate protection from an offline slow-hash scenario" (zxcvbn's own scale)
MIN_PASSWORD_SCORE = 3
#: words an attacker of this system would try first, given to zxcvbn besides the account name
PASSWORD_CONTEXT = ("lianxin", "lianxin-demo", "demo", "连心", "连心网格", "wangge", "admin")
DEMO_PASSWORD = "lianxin-demo"
#: who an unknown name's failed login is written under in the audit log (never the text typed)
UNKNOWN_USER = "?"
PASSWORD_ENV = "LIANXIN_PASSWORD"
#: set to 1 (tests only) for cheap argon2 parameters
FAST_HASH_ENV = "LIANXIN_FAST_HASH"

#: any name an account may already have (login, passwd, disable): no spaces or control characters
_NAME_RE = re.compile(r"^[^\s\x00-\x1f\x7f]{1,64}$")
#: the name of a new account: letters, digits, Chinese characters and _ - . @ · + (an e-mail for single
#: sign-on, a minority name as 阿依·买买提), 1–64 characters (one too, as before); no spaces, HTML or emoji
NEW_NAME_RE = re.compile("^[A-Za-z0-9_.@·+\\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]{1,64}$")
_AREA_SPLIT = re.compile(r"[,，、;；\s]+")


class AuthError(WordedError, ValueError):
    """A problem with an account a person can fix, raised with a catalog key and its parameters.

    ``str(e)`` is the command line's sentence (``中文 / English``), ``e.text(lang)`` the page's;
    ``e.key`` and ``e.params`` name the catalog entry (i18n/message.py).
    """


class LoginRefused(AuthError):
    """A refused login. ``reason`` is one of ``bad_credentials``, ``throttled``, ``disabled``.

    ``retry_at`` is set when ``reason == "throttled"`` (and ``params["seconds"]``, the wait).
    The i18n keys ``login.error.<reason>`` hold the sentence to show. Known and unknown names
    get the same answers.
    """

    def __init__(self, reason: str, retry_at: datetime | None = None, **params: Any):
        super().__init__(key=f"login.error.{reason}", **params)
        self.reason = reason
        self.retry_at = retry_at

    def __reduce__(self) -> tuple:
        return _login_refused, (self.reason, self.retry_at, self.params)


def _login_refused(reason: str, retry_at: datetime | None, params: dict[str, Any]) -> LoginRefused:
    return LoginRefused(reason, retry_at, **params)


@dataclass
class User:
    """A logged-in user.

    Examples
    --------
    >>> User("office", "office", ["T1"]).scope
    ['T1']
    >>> User("admin", "admin", []).scope is None
    True
    """

    name: str
    role: str
    areas: list[str] = field(default_factory=list)
    staff_id: str | None = None
    is_demo: bool = False
    #: the account is disabled (it can no longer log in; ``manage.py --as`` refuses it)
    disabled: bool = False

    @property
    def scope(self) -> list[str] | None:
        """``None`` (everything) for admin/leader without areas, else the list of area codes."""
        if self.role in COUNTY_WIDE_ROLES and not self.areas:
            return None
        return list(self.areas)

    @property
    def is_admin(self) -> bool:
        """Whether the account is a county administrator (role ``admin``)."""
        return self.role == "admin"

    @property
    def role_name(self) -> str:
        """The role in Chinese (县级管理员, 网格长 …)."""
        return ROLE_NAMES_ZH.get(self.role, self.role)


# ----------------------------------------------------------------------------- time and hashing

now_local = audit.now_local
_naive = audit.naive_local


@lru_cache(maxsize=2)
def _hasher_for(fast: bool) -> PasswordHasher:
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()  # argon2-cffi defaults: RFC 9106 low-memory profile


def hasher() -> PasswordHasher:
    """The password hasher: secure defaults, cheap ones only when ``$LIANXIN_FAST_HASH=1`` (tests).

    Returns
    -------
    argon2.PasswordHasher
    """
    return _hasher_for(os.environ.get(FAST_HASH_ENV, "") == "1")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (never equal to it).

    Parameters
    ----------
    password : str
        The password.

    Returns
    -------
    str
        The encoded argon2id hash (parameters and salt included).
    """
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash never matches.

    Parameters
    ----------
    password_hash : str
        A stored hash.
    password : str
        As typed.

    Returns
    -------
    bool
    """
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return _hasher_for(fast).hash("lianxin-no-such-user")


# ----------------------------------------------------------------------------- validation


def _check_name(name: str) -> str:
    """The name of a new account (:data:`NEW_NAME_RE`).

    The page and ``manage.py users add`` both create accounts through :func:`add_user`, which checks
    with this; accounts made before the rule keep working (login checks only :data:`_NAME_RE`).

    Parameters
    ----------
    name : str
        The name typed (surrounding spaces ignored).

    Returns
    -------
    str
        The name, stripped.

    Raises
    ------
    AuthError
        ``auth.error.bad_name``: the rule in one sentence.

    Examples
    --------
    >>> [_check_name(n) for n in ("zhang.wei", " 张伟 ", "wang@lp.gov.cn", "阿依·买买提", "gl_t1")]
    ['zhang.wei', '张伟', 'wang@lp.gov.cn', '阿依·买买提', 'gl_t1']
    >>> for bad in ("<b>x</b>", "测试😀", "has space", "", "a" * 65):
    ...     try:
    ...         _check_name(bad)
    ...     except AuthError as e:
    ...         print(e.key)
    auth.error.bad_name
    auth.error.bad_name
    auth.error.bad_name
    auth.error.bad_name
    auth.error.bad_name
    """
    name = (name or "").strip()
    if not NEW_NAME_RE.match(name):
        raise AuthError(key="auth.error.bad_name")
    return name


def _check_role(role: str | None) -> str:
    if role not in ROLES:
        given = Message("auth.term.unspecified") if not role else Message("auth.term.quoted", value=role)
        raise AuthError(key="auth.error.no_role", given=given)
    return role


_ZXCVBN_LOCK = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dictionary


def password_score(password: str, user_inputs: Iterable[str] = ()) -> int:
    """The zxcvbn strength score of ``password``: 0 (guessed at once) … 4 (very unguessable).

    Dictionary words, common passwords, names, dates, keyboard patterns and ``user_inputs``
    (e.g. the account name) count as easy to guess. zxcvbn's own lists ship in the package:
    nothing is fetched. Only the first 72 characters are judged (zxcvbn's limit).

    Parameters
    ----------
    password : str
        The password.
    user_inputs : iterable of str
        Words that make a password easy to guess here (the account name …).

    Returns
    -------
    int
        0 to 4.

    Examples
    --------
    >>> password_score("12345678"), password_score("lianxin-demo"), password_score("tiny-world-harbor-42")
    (0, 0, 4)
    """
    from zxcvbn import zxcvbn

    with _ZXCVBN_LOCK:
        return int(zxcvbn(password[:72], user_inputs=[*PASSWORD_CONTEXT, *user_inputs])["score"])


def check_password(password: str | None, name: str | None = None, demo: bool = False) -> str:
    """Raise :class:`AuthError` unless ``password`` is acceptable for account ``name``.

    Parameters
    ----------
    password : the new password.
    name : the account's name (a password built from it is weak).
    demo : a demo account (they all have :data:`DEMO_PASSWORD`; only the length is checked).

    Returns
    -------
    str
        ``password``, unchanged.

    Raises
    ------
    AuthError
        shorter than :data:`MIN_PASSWORD_LENGTH` or longer than :data:`MAX_PASSWORD_LENGTH`;
        all spaces; for a real account, the demo password or a zxcvbn score below
        :data:`MIN_PASSWORD_SCORE` (common passwords such as ``12345678``, words, names, dates).
    """
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(key="password.too_short", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError(key="password.too_long", n=MAX_PASSWORD_LENGTH)
    if not password.strip():
        raise AuthError(key="password.blank")
    if demo:
        return password
    if password.strip().lower() == DEMO_PASSWORD:
        raise AuthError(key="password.demo", demo=DEMO_PASSWORD)
    if password_score(password, [name] if name else []) < MIN_PASSWORD_SCORE:
        raise AuthError(key="password.weak")
    return password


def parse_areas(areas: str | Iterable[str] | None) -> list[str]:
    """Area codes from a list or a string such as ``"T1,T2"`` / ``"T1、T2"``; order kept, duplicates dropped.

    Parameters
    ----------
    areas : str or iterable of str or None
        Codes separated by ``,``, ``，``, ``、``, ``;``, ``；`` or spaces, or a list of codes.

    Returns
    -------
    list of str
        Stripped codes, empty ones dropped.
    """
    if areas is None:
        return []
    items = _AREA_SPLIT.split(areas) if isinstance(areas, str) else [str(a) for a in areas]
    return list(dict.fromkeys(a.strip() for a in items if a and a.strip()))


def _check_areas(con: duckdb.DuckDBPyConnection, role: str, areas: list[str]) -> list[str]:
    if not areas:
        if role in COUNTY_WIDE_ROLES:
            return []
        raise AuthError(key="auth.error.areas_needed", role=role, role_name=Message(f"role.{role}"))
    missing = [r[0] for r in db.rows(con, "auth_missing_areas", codes=areas)]
    if missing:
        raise AuthError(key="auth.error.no_areas", codes="、".join(missing))
    return areas


def _row_user(row: tuple) -> User:
    name, _hash, role, areas, staff_id, disabled, is_demo = row
    return User(
        name=name, role=role, areas=list(areas or []), staff_id=staff_id, is_demo=bool(is_demo), disabled=bool(disabled)
    )


def _get_row(con: duckdb.DuckDBPyConnection, name: str) -> tuple | None:
    r = db.execute(con, "auth_user_get", user_name=name).fetchone()
    return r


def _actor_name(actor: Any) -> str:
    return getattr(actor, "name", None) or str(actor)


def require_admin(actor: Any) -> None:
    """Refuse unless ``actor`` may manage accounts.

    Allowed: an administrator (a :class:`User` with role admin) or a trusted local caller named by
    a string (the command line without ``--as``, the demo builder).

    Raises
    ------
    AuthError
        ``actor`` is a :class:`User` of another role.
    """
    if isinstance(actor, User) and actor.role != "admin":
        raise AuthError(
            key="permission.admin_only", name=actor.name, role=actor.role, role_name=Message(f"role.{actor.role}")
        )


# ----------------------------------------------------------------------------- accounts


def add_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    password: str,
    role: str,
    areas: Iterable[str] | str | None = None,
    staff_id: str | None = None,
    actor: Any = "admin",
    is_demo: bool = False,
) -> User:
    """Create an account (audited as ``user_add``).

    Parameters
    ----------
    name : the login name (:data:`NEW_NAME_RE`: letters, digits, Chinese characters, _ - . @ ·; 1–64 characters).
    password : at least 8 characters, and for a real account not guessable (:func:`check_password`).
    role : one of :data:`ROLES`.
    areas : area codes (must exist in ``areas``); may be empty only for admin and leader.
    staff_id : the staff member this account belongs to (must exist in ``staff``).
    actor : who does it (a name or a :class:`User`), for the audit log.
    is_demo : a demo account (the login page then shows the demo password).

    Returns
    -------
    User

    Raises
    ------
    AuthError
        ``actor`` not an administrator, unknown role, weak password (:func:`check_password`),
        existing user, unknown area or staff member.
    """
    require_admin(actor)
    name = _check_name(name)
    role = _check_role(role)
    check_password(password, name, demo=is_demo)
    codes = _check_areas(con, role, parse_areas(areas))
    if staff_id is not None:
        staff_id = str(staff_id).strip() or None
    if staff_id is not None and not db.one(con, "auth_staff_count", staff_id=staff_id):
        raise AuthError(key="auth.error.no_staff", staff_id=staff_id)
    if _get_row(con, name) is not None:
        raise AuthError(key="auth.error.user_exists", name=name)
    pw_hash = hash_password(password)
    with audit.atomic(con):
        db.execute(
            con,
            "auth_user_insert",
            user_name=name,
            password_hash=pw_hash,
            role=role,
            areas=codes,
            staff_id=staff_id,
            is_demo=bool(is_demo),
            created_at=now_local(),
        )
        audit.record(
            con,
            _actor_name(actor),
            "user_add",
            detail=audit.detail_line(
                "user_add",
                name=name,
                role=role,
                areas=",".join(codes) or "*",
                staff_id=staff_id,
                demo="demo" if is_demo else "",
            ),
        )
    return User(name=name, role=role, areas=codes, staff_id=staff_id, is_demo=bool(is_demo))


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The account ``name`` (disabled ones too), or None.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    name : str
        The account name (surrounding spaces ignored).

    Returns
    -------
    User or None
    """
    r = _get_row(con, (name or "").strip())
    return _row_user(r) if r else None


def _existing_row(con: duckdb.DuckDBPyConnection, name: str) -> tuple:
    """The stored row of account ``name``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    name : str
        The account name (surrounding spaces ignored).

    Returns
    -------
    tuple
        The ``auth_user_get`` row.

    Raises
    ------
    AuthError
        There is no such account (the message says to check the name).
    """
    r = _get_row(con, (name or "").strip())
    if r is None:
        raise AuthError(key="auth.error.no_user", name=name)
    return r


def require_user(con: duckdb.DuckDBPyConnection, name: str) -> User:
    """The active account ``name`` (e.g. for ``manage.py --as NAME``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    name : str
        The account name.

    Returns
    -------
    User

    Raises
    ------
    AuthError
        No such account, or it is disabled.
    """  # noqa: DOC502 — "no such account" is raised by _existing_row
    r = _existing_row(con, name)
    if r[5]:
        raise AuthError(key="permission.disabled", name=name)
    return _row_user(r)


def list_users(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> pd.DataFrame:
    """Every account, without password hashes.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    now : datetime.datetime, optional
        The time the login waits are judged at (default now, Asia/Shanghai).

    Returns
    -------
    pandas.DataFrame
        ``name, role, areas, staff_id, disabled, is_demo, created_at, wait_until`` — the last:
        when the account's next login attempt may come after failed ones, else NaT.
    """
    out = db.df(con, "auth_users_all")
    waits = throttle.account_waits(con, out["name"].tolist(), _naive(now))
    out["wait_until"] = pd.to_datetime(out["name"].map(waits))
    return out


def has_demo_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database has demo accounts (the login page then shows the demo password).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    bool
    """
    return bool(db.one(con, "auth_demo_account_count"))


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, actor: Any = "admin") -> None:
    """Set a new password (audited as ``user_passwd``).

    Also clears the account's login delay and ends every session signed in with the old one
    (:func:`auth.session.end_all`).

    Raises
    ------
    AuthError
        ``actor`` not an administrator, no such account, weak password (:func:`check_password`).
    """  # noqa: DOC502 — raised by require_admin, _existing_row and check_password
    require_admin(actor)
    name = (name or "").strip()
    row = _existing_row(con, name)
    check_password(password, name, demo=bool(row[6]))
    pw_hash = hash_password(password)
    with audit.atomic(con):
        db.execute(con, "auth_user_set_password", user_name=name, password_hash=pw_hash)
        throttle.clear_account(con, name)
        from auth import session  # sessions import users: imported here, not at the top

        session.end_all(con, name)
        audit.record(con, _actor_name(actor), "user_passwd", detail=name)


def unlock_user(con: duckdb.DuckDBPyConnection, name: str, actor: Any = "admin") -> None:
    """Clear the login delay that failed attempts put on account ``name`` (audited as ``user_unlock``)."""
    require_admin(actor)
    name = (name or "").strip()
    _existing_row(con, name)
    with audit.atomic(con):
        throttle.clear_account(con, name)
        audit.record(con, _actor_name(actor), "user_unlock", detail=name)


def disable_user(con: duckdb.DuckDBPyConnection, name: str, actor: Any = "admin") -> None:
    """Disable an account (audited as ``user_disable``): it can no longer log in."""
    _set_disabled(con, name, True, actor)


def enable_user(con: duckdb.DuckDBPyConnection, name: str, actor: Any = "admin") -> None:
    """Enable a disabled account again (audited as ``user_enable``)."""
    _set_disabled(con, name, False, actor)


def _set_disabled(con: duckdb.DuckDBPyConnection, name: str, disabled: bool, actor: Any) -> None:
    require_admin(actor)
    name = (name or "").strip()
    _existing_row(con, name)
    with audit.atomic(con):
        db.execute(con, "auth_user_set_disabled", user_name=name, disabled=disabled)
        audit.record(con, _actor_name(actor), "user_disable" if disabled else "user_enable", detail=name)


# ----------------------------------------------------------------------------- login


def login(
    con: duckdb.DuckDBPyConnection, name: str, password: str, now: datetime | None = None, client: str | None = None
) -> User:
    """Check a login and return the user, or raise :class:`LoginRefused` with the reason.

    Known and unknown names get the same answers, the same work (an unknown name's password is
    checked against a dummy hash) and the same throttling: failed attempts are counted under the
    name and under ``client`` (auth/throttle.py), and while either must wait no attempt is checked
    (``throttled``, with the seconds left). A disabled account is told so only with the right
    password. Hashes made with older parameters are rehashed.

    Audited: ``login``; ``login_failed`` under the account's name, or under :data:`UNKNOWN_USER`
    for a name that is no account (what a stranger types is never written to the log); attempts
    refused while waiting are not written (a stranger could fill the log with them).

    Parameters
    ----------
    name, password : as typed.
    now : the moment of the attempt (default now, Asia/Shanghai).
    client : the client's address (:func:`auth.throttle.client_address`); None when unknown
        (then only the name is throttled).

    Returns
    -------
    User
        The account signed in.

    Raises
    ------
    LoginRefused
        ``reason`` ``throttled`` (with the seconds left), ``bad_credentials`` or ``disabled``.
    """
    t = _naive(now)
    name = (name or "").strip()
    until = throttle.waiting_until(con, name, client, t)
    if until is not None:
        secs = throttle.seconds_left(until, t)
        raise LoginRefused("throttled", retry_at=until, seconds=secs)
    row = _get_row(con, name) if _NAME_RE.match(name) else None
    fast = os.environ.get(FAST_HASH_ENV, "") == "1"
    ok = verify_password(row[1] if row is not None else _dummy_hash(fast), password or "")
    if row is None or not ok:

        def failed() -> None:
            with audit.atomic(con):
                throttle.count_failure(con, name, client, t)
                audit.record(
                    con,
                    name if row is not None else UNKNOWN_USER,
                    "login_failed",
                    detail=audit.detail_line("wrong_password" if row is not None else "unknown_user", ip=client),
                    now=t,
                )

        throttle.retrying(failed)  # simultaneous failures all count
        throttle.forget_old(con, t)
        raise LoginRefused("bad_credentials")
    if row[5]:
        audit.record(con, name, "login_failed", detail=audit.detail_line("disabled", ip=client), now=t)
        raise LoginRefused("disabled")
    new_hash = hash_password(password) if hasher().check_needs_rehash(row[1]) else None

    def succeeded() -> None:
        with audit.atomic(con):
            throttle.clear_success(con, name, client)
            if new_hash is not None:
                db.execute(con, "auth_user_set_hash", user_name=name, password_hash=new_hash)
            detail = audit.detail_line("from", ip=client) if client else None
            audit.record(con, name, "login", detail=detail, now=t)

    throttle.retrying(succeeded)
    return _row_user(row)


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, now: datetime | None = None) -> User | None:
    """The user when ``name``/``password`` may log in now, else None (see :func:`login` for why).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    name, password : str
        As typed.
    now : datetime.datetime, optional
        The moment of the attempt (default now, Asia/Shanghai).

    Returns
    -------
    User or None
    """
    try:
        return login(con, name, password, now=now)
    except LoginRefused:
        return None


def session_valid(login_time: datetime | None, now: datetime | None = None, max_idle_minutes: float = 30) -> bool:
    """Whether a session last active at ``login_time`` is still valid at ``now``.

    Pass the time of the last activity to get an idle timeout (refresh it on every page run).

    Parameters
    ----------
    login_time : datetime.datetime or None
        The last activity (None: no session).
    now : datetime.datetime, optional
        Default now, Asia/Shanghai.
    max_idle_minutes : float, default 30
        The idle timeout, minutes.

    Returns
    -------
    bool

    Examples
    --------
    >>> t = datetime(2026, 11, 24, 9, 0)
    >>> session_valid(t, t + timedelta(minutes=29)), session_valid(t, t + timedelta(minutes=31))
    (True, False)
    """
    if login_time is None:
        return False
    a, b = _naive(login_time), _naive(now)
    return timedelta(0) <= b - a <= timedelta(minutes=max_idle_minutes)


# ----------------------------------------------------------------------------- demo and CLI


def create_demo_accounts(
    con: duckdb.DuckDBPyConnection,
    county_code: str,
    township_code: str,
    grid_code: str,
    grid_leader_staff_id: str | None = None,
    member_staff_id: str | None = None,
) -> list[User]:
    """The demo accounts ``admin``, ``leader``, ``office``, ``grid_leader``, ``member``.

    All have the password ``lianxin-demo`` and ``is_demo=True``. ``admin`` has the whole
    county (no areas), ``leader`` the county code, ``office`` the township, ``grid_leader``
    and ``member`` the grid. Existing accounts with these names are left as they are.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    county_code, township_code, grid_code : str
        The areas of ``leader``, ``office`` and the two grid accounts.
    grid_leader_staff_id, member_staff_id : str, optional
        The staff members the grid accounts are.

    Returns
    -------
    list of User
        The five accounts, in the order above (an existing one as it was).
    """
    specs = [
        ("admin", "admin", [], None),
        ("leader", "leader", [county_code], None),
        ("office", "office", [township_code], None),
        ("grid_leader", "grid_leader", [grid_code], grid_leader_staff_id),
        ("member", "member", [grid_code], member_staff_id),
    ]
    out = []
    for name, role, areas, staff in specs:
        existing = get_user(con, name)
        if existing is not None:
            out.append(existing)
            continue
        out.append(add_user(con, name, DEMO_PASSWORD, role, areas, staff_id=staff, actor="demo", is_demo=True))
    return out


def read_password(prompt: str | None = None, confirm: str | None = None) -> str:
    """The password for ``manage.py users``: ``$LIANXIN_PASSWORD`` if set, else asked twice.

    Parameters
    ----------
    prompt, confirm : str, optional
        The two questions asked in the terminal (default ``auth.prompt.password`` / ``auth.prompt.again``).

    Returns
    -------
    str
        The password (not checked here: :func:`check_password`).

    Raises
    ------
    AuthError
        Nothing could be read (no terminal), or the two answers differ.
    """
    env = os.environ.get(PASSWORD_ENV)
    if env is not None:
        return env
    try:
        first = getpass.getpass(prompt or Message("auth.prompt.password") + " ")
        second = getpass.getpass(confirm or Message("auth.prompt.again") + " ")
    except (EOFError, KeyboardInterrupt):
        raise AuthError(key="auth.error.no_password_read") from None
    if first != second:
        raise AuthError(key="auth.error.password_mismatch")
    return first


def users_command(
    con: duckdb.DuckDBPyConnection,
    action: str,
    name: str,
    role: str | None = None,
    areas: str | Iterable[str] | None = None,
    password: str | None = None,
    actor: Any = "admin",
    staff_id: str | None = None,
) -> str:
    """``manage.py users add|passwd|disable|enable|unlock NAME [--role R] [--areas CODE,…]``.

    Only an administrator may run it (``actor``: see :func:`require_admin`). The password is
    read with :func:`read_password` when not given.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    action : {"add", "passwd", "disable", "enable", "unlock"}
        What to do.
    name : str
        The account.
    role : str, optional
        The new account's role (``add`` only; vocabulary.roles.ROLES).
    areas : str or iterable of str, optional
        The new account's area codes (``add``; see :func:`parse_areas`).
    password : str, optional
        The new password (``add``, ``passwd``); asked for when not given.
    actor : str or User, default "admin"
        Who runs it.
    staff_id : str, optional
        The staff member the new account is (``add``).

    Returns
    -------
    Message
        The one line to print (a ``str``: ``中文 / English``; ``.text(lang)`` for a page).

    Raises
    ------
    AuthError
        Anything wrong, with a sentence saying what to fix.
    """
    require_admin(actor)
    if action == "add":
        if not role:
            raise AuthError(key="auth.error.role_needed")
        _check_name(name)
        _check_role(role)
        _check_areas(con, role, parse_areas(areas))
        if get_user(con, name) is not None:
            raise AuthError(key="auth.error.user_exists", name=name)
        pw = password if password is not None else read_password()
        u = add_user(con, name, pw, role, areas, staff_id=staff_id, actor=actor)
        where = "、".join(u.areas) if u.areas else Message("auth.term.whole_county")
        return Message("auth.done.added", name=u.name, role_name=Message(f"role.{u.role}"), areas=where)
    if action == "passwd":
        _existing_row(con, name)
        pw = password if password is not None else read_password()
        set_password(con, name, pw, actor=actor)
        return Message("auth.done.passwd", name=name.strip())
    if action == "disable":
        disable_user(con, name, actor=actor)
        return Message("auth.done.disabled", name=name.strip())
    if action == "enable":
        enable_user(con, name, actor=actor)
        return Message("auth.done.enabled", name=name.strip())
    if action == "unlock":
        unlock_user(con, name, actor=actor)
        return Message("auth.done.unlocked", name=name.strip())
    raise AuthError(key="auth.error.unknown_action", action=action)
