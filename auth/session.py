"""Sessions that survive a reload: a signed, expiring token the browser keeps in a cookie.

The token is ``<id>.<expiry>.<signature>``: a random id (128 bits), the time it expires (Unix seconds)
and the HMAC-SHA256 of both with a secret kept in the database (``meta.session_secret``, made once),
so that every app process sharing the database can check any token. It never holds the password,
nor anything about the user: the database row of the session (``sessions``, migration 0008, keyed by
the SHA-256 of the id) says who it is for, when it was last used and whether it has ended.

A token is accepted when its signature is right, it has not expired, its session has not ended
(logout), the session was used within the idle window, and its user still exists and is not
disabled. Each use moves the idle window on (:func:`touch`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from store import db

#: How long a token lives at most, in hours, however active its user (a working day).
LIFETIME_HOURS = 12
#: A session unused for this long ends (the app's idle window).
IDLE_MINUTES = 30


def utc_now() -> dt.datetime:
    """Now in UTC, without a time zone (how the sessions table stores times).

    Returns
    -------
    datetime.datetime
        Naive, UTC.
    """
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _secret(con: Any) -> bytes:
    def read_or_store() -> str:
        value = db.one(con, "session_secret")
        if value is None:  # the first sign-in ever (moves no data version); a concurrent one's conflict is retried
            db.execute(con, "session_secret_init", value=secrets.token_hex(32))
            value = db.one(con, "session_secret")
        return value

    return bytes.fromhex(db.retrying(read_or_store, attempts=20))


def _sign(secret: bytes, sid: str, expires: int) -> str:
    return hmac.new(secret, f"{sid}.{expires}".encode(), hashlib.sha256).hexdigest()


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def issue(con: Any, user_name: str, now: dt.datetime | None = None, lifetime_hours: float = LIFETIME_HOURS) -> str:
    """A new session for ``user_name`` (already authenticated) and its token for the browser.

    Parameters
    ----------
    user_name : the account signed in.
    now : UTC now (tests); default :func:`utc_now`.
    lifetime_hours : the token's life at most.

    Returns
    -------
    The token, ``<id>.<expiry>.<signature>`` (ASCII, safe in a cookie).

    Examples
    --------
    >>> con = db.connect(":memory:")
    >>> token = issue(con, "office")
    >>> len(token.split("."))
    3
    """
    now = now or utc_now()
    sid = secrets.token_urlsafe(16)
    expires_at = now + dt.timedelta(hours=lifetime_hours)
    expires = int(expires_at.replace(tzinfo=dt.timezone.utc).timestamp())
    db.execute(con, "session_prune", before=now - dt.timedelta(days=7))
    db.execute(con, "session_insert", token_hash=_hash(sid), user_name=user_name, now=now, expires_at=expires_at)
    return f"{sid}.{expires}.{_sign(_secret(con), sid, expires)}"


def _parts(token: str | None) -> tuple[str, int, str] | None:
    if not token or not isinstance(token, str) or token.count(".") != 2 or len(token) > 200:
        return None
    sid, expires, sig = token.split(".")
    if not sid or not expires.isdigit() or not sig:
        return None
    return sid, int(expires), sig


def verify(con: Any, token: str | None, now: dt.datetime | None = None, idle_minutes: float = IDLE_MINUTES) -> Any:
    """The user (:class:`auth.users.User`) a token is good for, or None.

    None when the token is missing, malformed or wrongly signed, has expired, its session has ended
    (logout) or was unused for more than ``idle_minutes``, or its user is gone or disabled.
    Checking does not count as a use: call :func:`touch` for that.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (its sessions and accounts).
    token : str or None
        The signed token from the browser.
    now : datetime.datetime, optional
        Naive UTC (default: now).
    idle_minutes : float, default IDLE_MINUTES
        How long a session may go unused, minutes.

    Returns
    -------
    User or None
    """
    from auth.users import get_user

    parts = _parts(token)
    if parts is None:
        return None
    sid, expires, sig = parts
    now = now or utc_now()
    if not hmac.compare_digest(_sign(_secret(con), sid, expires), sig):
        return None
    if expires < now.replace(tzinfo=dt.timezone.utc).timestamp():
        return None
    row = db.execute(con, "session_get", token_hash=_hash(sid)).fetchone()
    if row is None:
        return None
    user_name, expires_at, last_seen, ended_at = row
    if ended_at is not None or expires_at < now or now - last_seen > dt.timedelta(minutes=idle_minutes):
        return None
    user = get_user(con, user_name)
    if user is None or user.disabled:
        return None
    return user


def touch(con: Any, token: str | None, now: dt.datetime | None = None) -> None:
    """Record a use of the session: its idle window starts again (nothing for a bad token)."""
    parts = _parts(token)
    if parts is not None:
        db.execute(con, "session_touch", token_hash=_hash(parts[0]), now=now or utc_now())


def end(con: Any, token: str | None, now: dt.datetime | None = None) -> None:
    """End the session (logout): its token is refused from now on, by every process."""
    parts = _parts(token)
    if parts is not None:
        db.execute(con, "session_end", token_hash=_hash(parts[0]), now=now or utc_now())


def end_all(con: Any, user_name: str, now: dt.datetime | None = None) -> None:
    """End every session of ``user_name`` (its password changed).

    Each app process signs that user out at its next check (``ui.session.still_valid``, at most a
    minute later), a reload asks for the new password.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    user_name : str
        The account.
    now : datetime.datetime, optional
        When they end, naive UTC (default: now).
    """
    db.execute(con, "session_end_user", user_name=user_name, now=now or utc_now())
