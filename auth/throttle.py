"""Login throttling: growing delays per account name and per client address, kept in the database.

Failed logins are counted under three keys, for any name typed (whether or not it is an account,
so that known and unknown names behave alike):

- the name *from this client* — one stranger guessing one account: 3 free failures, then every
  failure makes this client's next attempt at this name wait 1, 2, 4 … seconds, at most 60 s;
- the client address — one stranger trying many names: 10 free, then up to 300 s;
- the name *from any client*, counting each client once — many addresses guessing one account
  (a distributed attack): 5 clients free, then up to 60 s for everybody.

No attempt is checked (nor its password hashed) before its waits are over. There is no lock a
stranger can set at will: a stranger's failures slow down that stranger; only failures from
several addresses slow an account down for everyone, and then by at most :data:`ACCOUNT_MAX_WAIT`
at a time. An administrator clears an account's delays with ``manage.py users unlock NAME``;
a key's failures are forgotten :data:`FORGET_AFTER` after its last one; a successful login clears
the account's keys (not the address's).

The state lives in the table ``login_throttle`` (migration 0007), so that several app processes
on one database share it. Names are kept only as a SHA-256 digest: a password typed into the name
field by mistake is never stored.

The client's address is the TCP peer (``st.context.ip_address``), or — when the peer is a
trusted reverse proxy (``$LIANXIN_TRUSTED_PROXIES``, default the loopback addresses) — the last
address in ``X-Forwarded-For`` that is not itself a trusted proxy (:func:`client_address`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
from datetime import datetime, timedelta
from typing import Callable, Iterable, TypeVar

import duckdb

from store import db

#: failures of one name from one client that cost nothing; each further one doubles the wait
ACCOUNT_FREE_FAILURES = 3
#: clients whose failures with one name cost nothing; each further client doubles everybody's wait
ACCOUNT_FREE_CLIENTS = 5
#: the longest wait (seconds) failures with one account name can impose
ACCOUNT_MAX_WAIT = 60
#: failures from one client address that cost nothing (an office may sit behind one address)
CLIENT_FREE_FAILURES = 10
#: the longest wait (seconds) failures from one client address can impose
CLIENT_MAX_WAIT = 300
#: a key's failures are forgotten this long after its last one
FORGET_AFTER = timedelta(hours=1)
#: comma-separated addresses or networks of the reverse proxies whose X-Forwarded-For is believed
TRUSTED_PROXIES_ENV = "LIANXIN_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = "127.0.0.1/8,::1"

T = TypeVar("T")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def wait_seconds(failures: int, free: int, cap: int) -> int:
    """How long (seconds) the next attempt waits after ``failures`` failures in a row.

    Parameters
    ----------
    failures : counted failures of one key.
    free : failures that cost nothing.
    cap : the longest wait, seconds.

    Returns
    -------
    int: 0 for the free failures, then 1, 2, 4 … seconds, never more than ``cap``.

    Examples
    --------
    >>> [wait_seconds(n, 3, 60) for n in range(1, 11)]
    [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    """
    if failures < free:
        return 0
    return int(min(cap, 2 ** min(failures - free, 62)))


def _digest(name: str) -> str:
    return hashlib.sha256((name or "").strip().encode("utf-8")).hexdigest()


def account_key(name: str) -> str:
    """The throttling key of an account name from any client (a digest: the name is never stored).

    Parameters
    ----------
    name : str
        The account name typed.

    Returns
    -------
    str
        ``user:`` and a hex digest of the name.

    Examples
    --------
    >>> account_key("admin")[:13]
    'user:8c6976e5'
    """
    return "user:" + _digest(name)


def pair_key(name: str, client: str | None) -> str:
    """The throttling key of an account name from one client (``-`` when the client is unknown).

    Parameters
    ----------
    name : str
        The account name typed.
    client : str or None
        The client's address.

    Returns
    -------
    str
        ``pair:<digest of the name>:<client>``.

    Examples
    --------
    >>> pair_key("admin", "10.0.0.7")[-9:], pair_key("admin", None)[-2:]
    (':10.0.0.7', ':-')
    """
    ck = client_key(client)
    return f"pair:{_digest(name)}:{ck.removeprefix('client:') if ck else '-'}"


def client_key(address: str | None) -> str | None:
    """The throttling key of a client address; an IPv6 client counts by its /64 network (one host's share).

    Parameters
    ----------
    address : str or None
        The client's IP address.

    Returns
    -------
    str or None
        ``client:<address>`` (IPv6: ``client:<network>/64``); None when the address is missing or
        not an IP address.

    Examples
    --------
    >>> client_key("10.0.0.7"), client_key("2001:db8::1:2:3:4"), client_key(None)
    ('client:10.0.0.7', 'client:2001:db8::/64', None)
    """
    ip = _parse(address)
    if ip is None:
        return None
    if ip.version == 6:
        return f"client:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"client:{ip}"


def _parse(text: str | None) -> Address | None:
    if not text:
        return None
    s = str(text).strip()
    if s.startswith("[") and "]" in s:  # [v6]:port
        s = s[1 : s.index("]")]
    elif s.count(":") == 1:  # v4:port
        s = s.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(s)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def trusted_proxies(spec: str | None = None) -> list[Network]:
    """The trusted reverse proxies: ``spec``, else ``$LIANXIN_TRUSTED_PROXIES``, else the loopback addresses.

    Entries that are not an address or a network are ignored.

    Parameters
    ----------
    spec : str, optional
        Addresses and networks (CIDR), separated by ``,`` or ``;``.

    Returns
    -------
    list of ipaddress.IPv4Network or IPv6Network
        A single address is a /32 (/128) network.
    """
    if spec is None:
        spec = os.environ.get(TRUSTED_PROXIES_ENV) or DEFAULT_TRUSTED_PROXIES
    out: list[Network] = []
    for part in spec.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            continue
    return out


def client_address(
    peer: str | None, forwarded_for: str | None = None, trusted: str | Iterable[Network] | None = None
) -> str:
    """The address of the client behind a login attempt.

    Parameters
    ----------
    peer : the TCP peer (``st.context.ip_address``; ``None`` means localhost there).
    forwarded_for : the ``X-Forwarded-For`` header, believed only when ``peer`` is a trusted proxy.
    trusted : the trusted proxies (a spec string or networks); default :func:`trusted_proxies`.

    Returns
    -------
    str: the nearest address, walking ``X-Forwarded-For`` from the right, that is not a trusted
    proxy (a client cannot choose it by sending its own header); the peer itself otherwise.

    Examples
    --------
    >>> client_address("10.0.0.5", "1.2.3.4")                 # not a proxy: its header is ignored
    '10.0.0.5'
    >>> client_address(None, "6.6.6.6, 1.2.3.4")              # nginx on this host: the last hop counts
    '1.2.3.4'
    >>> client_address("10.0.0.2", "1.2.3.4, 10.0.0.3", "10.0.0.0/24")
    '1.2.3.4'
    """
    nets = trusted_proxies(trusted) if trusted is None or isinstance(trusted, str) else list(trusted)
    ip = _parse(peer) if peer is not None else ipaddress.ip_address("127.0.0.1")
    if ip is None:
        return str(peer)

    def is_trusted(a: Address) -> bool:
        return any(a in n for n in nets if n.version == a.version)

    if forwarded_for and is_trusted(ip):
        for part in reversed(forwarded_for.split(",")):
            hop = _parse(part)
            if hop is None:
                break
            ip = hop
            if not is_trusted(hop):
                break
    return str(ip)


def keys(name: str, client: str | None) -> list[str]:
    """The throttling keys an attempt must wait for.

    Parameters
    ----------
    name : str
        The account name typed.
    client : str or None
        The client's address (None: unknown).

    Returns
    -------
    list of str
        Its name's from its client (:func:`pair_key`), its name's (:func:`account_key`) and, when
        the client is known, its client's (:func:`client_key`).
    """
    out = [pair_key(name, client), account_key(name)]
    ck = client_key(client)
    if ck:
        out.append(ck)
    return out


def waiting_until(con: duckdb.DuckDBPyConnection, name: str, client: str | None, now: datetime) -> datetime | None:
    """The moment before which an attempt with ``name`` from ``client`` is not checked.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store (its throttle table).
    name : str
        The account name typed.
    client : str or None
        The client's address.
    now : datetime.datetime
        The attempt's time, naive UTC.

    Returns
    -------
    datetime.datetime or None
        The latest wait of the attempt's keys (:func:`keys`) still running; None: no wait.
    """
    return db.one(con, "throttle_wait_until", keys=keys(name, client), now=now)


def _count(con: duckdb.DuckDBPyConnection, key: str, now: datetime, free: int, cap: int) -> tuple[int, datetime | None]:
    failures = int(db.one(con, "throttle_count_failure", key=key, now=now, forget_before=now - FORGET_AFTER))
    wait = wait_seconds(failures, free, cap)
    until = now + timedelta(seconds=wait) if wait else None
    db.execute(con, "throttle_set_wait", key=key, wait_until=until)
    return failures, until


def count_failure(con: duckdb.DuckDBPyConnection, name: str, client: str | None, now: datetime) -> datetime | None:
    """Count a failed login.

    The name from this client and the client count every failure; the name from any client counts
    a client's first failure only (see the module's description). Run it inside the caller's
    transaction (it joins it), and run that again when it loses a race with a concurrent login
    (:func:`retrying`): every failure must count.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    name : str
        The account name typed.
    client : str or None
        The client's address.
    now : datetime.datetime
        The failure's time, naive UTC.

    Returns
    -------
    datetime.datetime or None
        When this client's next attempt with this name may come; None: at once.
    """
    waits = []
    with db.transaction(con):
        failures, until = _count(con, pair_key(name, client), now, ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_WAIT)
        waits.append(until)
        if failures == 1:  # a client not seen failing with this name lately
            waits.append(_count(con, account_key(name), now, ACCOUNT_FREE_CLIENTS, ACCOUNT_MAX_WAIT)[1])
        ck = client_key(client)
        if ck:
            waits.append(_count(con, ck, now, CLIENT_FREE_FAILURES, CLIENT_MAX_WAIT)[1])
    return max((w for w in waits if w is not None), default=None)


def forget_old(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Remove the keys not failed for :data:`FORGET_AFTER`.

    Housekeeping, run on its own (not inside a transaction) after a failure; when a concurrent
    login collides with it, that one does it. Any other error of the store is raised.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    now : datetime.datetime
        Naive UTC.
    """
    try:
        db.execute(con, "throttle_prune", forget_before=now - FORGET_AFTER)
    except Exception as e:
        if not db.is_conflict(e):
            raise


#: how often a login's writes are tried when concurrent logins keep colliding with them
ATTEMPTS = 8


def retrying(work: Callable[[], T]) -> T:
    """Run ``work`` (one transaction), again when a concurrent writer made the store abort it.

    A write-write conflict (:func:`store.db.retrying`, up to :data:`ATTEMPTS` times), so that
    simultaneous failed logins are all counted.

    Parameters
    ----------
    work : callable()
        One transaction.

    Returns
    -------
    object
        What ``work`` returned.
    """
    return db.retrying(work, attempts=ATTEMPTS)


def clear_account(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Forget the failed logins with ``name`` from every client.

    After ``users unlock`` or a new password; a successful login clears the name and its client's
    pair only (:func:`clear_success`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    name : str
        The account name.
    """
    db.execute(con, "throttle_clear", key=account_key(name))
    db.execute(con, "throttle_clear_prefix", prefix=f"pair:{_digest(name)}:")


def clear_success(con: duckdb.DuckDBPyConnection, name: str, client: str | None) -> None:
    """Forget the failures with ``name`` after a successful login from ``client`` (not the client's own)."""
    db.execute(con, "throttle_clear", key=account_key(name))
    db.execute(con, "throttle_clear", key=pair_key(name, client))


def account_waits(con: duckdb.DuckDBPyConnection, names: Iterable[str], now: datetime) -> dict[str, datetime]:
    """The names that every client must still wait for at ``now``.

    Such a wait comes from failures from several addresses; a single client's wait is its own.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.
    names : iterable of str
        Account names.
    now : datetime.datetime
        Naive UTC.

    Returns
    -------
    dict of str to datetime.datetime
        ``{name: wait_until}`` for the names still waiting.
    """
    by_key = {account_key(n): n for n in names}
    if not by_key:
        return {}
    out = {}
    for key, _failures, _last, until in db.rows(con, "throttle_rows", keys=list(by_key)):
        if until is not None and until > now:
            out[by_key[key]] = until
    return out


def seconds_left(until: datetime, now: datetime) -> int:
    """Whole seconds from ``now`` to ``until``, at least 1.

    Parameters
    ----------
    until, now : datetime.datetime
        Both naive, in the same time zone.

    Returns
    -------
    int
        Rounded up; at least 1 even when ``until`` has passed.

    Examples
    --------
    >>> seconds_left(datetime(2026, 1, 1, 9, 0, 2, 500000), datetime(2026, 1, 1, 9, 0, 0))
    3
    """
    return max(1, math.ceil((until - now).total_seconds()))
