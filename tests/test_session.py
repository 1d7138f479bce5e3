"""Sessions that survive a reload (auth/session.py): a signed, expiring token, checked against the
database, ended by logout or by the idle window, refused when tampered with or for a disabled user."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from auth import session as S
from auth import users
from store import db
from tests import factories as F

T0 = dt.datetime(2026, 11, 26, 1, 0)  # UTC


@pytest.fixture()
def con(tiny):
    return tiny[0]


def test_a_token_is_good_for_its_user_within_the_idle_window(con):
    token = S.issue(con, "office", now=T0)
    assert F.PASSWORD not in token and "office" not in token
    assert S.verify(con, token, now=T0 + dt.timedelta(minutes=29)).name == "office"
    assert S.verify(con, token, now=T0 + dt.timedelta(minutes=31)) is None  # idle too long
    S.touch(con, token, now=T0 + dt.timedelta(minutes=25))  # … unless used
    assert S.verify(con, token, now=T0 + dt.timedelta(minutes=50)).role == "office"


def test_a_token_expires_whatever_the_activity(con):
    token = S.issue(con, "office", now=T0, lifetime_hours=1)
    S.touch(con, token, now=T0 + dt.timedelta(minutes=59))
    assert S.verify(con, token, now=T0 + dt.timedelta(minutes=61)) is None


def test_logout_ends_the_session(con):
    token = S.issue(con, "office", now=T0)
    other = S.issue(con, "office", now=T0)
    S.end(con, token, now=T0 + dt.timedelta(minutes=1))
    assert S.verify(con, token, now=T0 + dt.timedelta(minutes=2)) is None
    assert S.verify(con, other, now=T0 + dt.timedelta(minutes=2)) is not None  # another browser stays


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature changed
        lambda t: t.split(".")[0] + "." + str(int(t.split(".")[1]) + 3600) + "." + t.split(".")[2],  # expiry moved
        lambda t: "x" + t,  # another id
        lambda t: "",
        lambda t: None,
        lambda t: "a.b",
        lambda t: "a.b.c.d",
        lambda t: "'; DROP TABLE sessions; --.1.x",
    ],
)
def test_a_tampered_or_malformed_token_is_refused(con, tamper):
    token = S.issue(con, "office", now=T0)
    assert S.verify(con, tamper(token), now=T0) is None


def test_a_disabled_user_is_refused(con):
    token = S.issue(con, "office", now=T0)
    users.disable_user(con, "office")
    assert S.verify(con, token, now=T0) is None


def test_a_new_password_ends_every_session_of_that_account(con):
    token = S.issue(con, "office")
    other_user = S.issue(con, "leader")
    users.set_password(con, "office", "another-harbor-lamp-77")
    assert S.verify(con, token) is None
    assert S.verify(con, other_user).name == "leader"  # nobody else is signed out
    assert S.verify(con, S.issue(con, "office")).name == "office"  # signing in again works


def test_any_process_on_the_same_database_accepts_the_token(tiny):
    """The secret is in the database, nothing in the process: another connection checks the token."""
    con, path = tiny
    token = S.issue(con, "leader", now=T0)
    con.close()
    other = db.connect(path)
    try:
        assert S.verify(other, token, now=T0).name == "leader"
        stored = other.execute("SELECT token_hash FROM sessions").fetchall()
        assert all(token.split(".")[0] not in h for (h,) in stored)  # the id itself is not stored
    finally:
        other.close()


def test_concurrent_first_sign_ins_share_one_secret(tmp_path):
    """Sessions signing in at once on a database that has no secret yet (the load benchmark's
    first second) all get the same one; none gets a duplicate-key error."""
    for round_ in range(5):
        con = db.connect(tmp_path / f"s{round_}.duckdb")
        start = threading.Barrier(8)
        got, errors = [], []

        def sign_in():
            cur = con.cursor()
            try:
                start.wait()
                got.append(S._secret(cur))
            except Exception as e:
                errors.append(repr(e))
            finally:
                cur.close()

        threads = [threading.Thread(target=sign_in) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        assert len(got) == 8 and len(set(got)) == 1
        con.close()
