"""Accounts, login throttling, scopes, masking, the audit log and rule changes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from auth import audit, scope, throttle, users
from auth.audit import RuleError, set_rule
from auth.scope import can_see_personal, in_scope, mask_frame, mask_name, mask_phone, visible_areas
from auth.users import AuthError, LoginRefused, User
from i18n import t
from store import db

T0 = datetime(2026, 11, 24, 9, 0, 0)
PW = "correct-horse"


@pytest.fixture(autouse=True)
def fast_hash(monkeypatch):
    monkeypatch.setenv(users.FAST_HASH_ENV, "1")


# A tiny world: county C; townships T1, T2; villages V11, V12 (in T1), V21 (in T2);
# grids G111, G112 (V11), G121 (V12), G211 (V21).
AREAS = [
    ("C", "梁平区", "county", None),
    ("T1", "梁山街道", "township", "C"),
    ("T2", "礼让镇", "township", "C"),
    ("V11", "东村", "village", "T1"),
    ("V12", "西村", "village", "T1"),
    ("V21", "南村", "village", "T2"),
    ("G111", "东村一格", "grid", "V11"),
    ("G112", "东村二格", "grid", "V11"),
    ("G121", "西村一格", "grid", "V12"),
    ("G211", "南村一格", "grid", "V21"),
]


@pytest.fixture
def con(empty_db):
    c = db.connect(empty_db)
    parent = {code: p for code, _, _, p in AREAS}
    level = {code: lv for code, _, lv, _ in AREAS}
    for code, name, lv, p in AREAS:
        c.execute("INSERT INTO areas (code, name, level, parent_code) VALUES (?, ?, ?, ?)", [code, name, lv, p])
        a = code
        while a is not None:
            c.execute("INSERT INTO area_ancestors VALUES (?, ?, ?)", [code, a, level[a]])
            a = parent[a]
    c.execute(
        "INSERT INTO staff (id, name, role) VALUES ('S1', '张网格', 'grid_leader'), ('S2', '李网格', 'grid_member')"
    )
    yield c
    c.close()


def actions(con, name=None):
    return audit.search(con, action=name)


# ----------------------------------------------------------------------------- hashing


def test_hash_is_not_the_password_and_verifies():
    h = users.hash_password(PW)
    assert h != PW and PW not in h
    assert h.startswith("$argon2id$")
    assert users.verify_password(h, PW)
    assert not users.verify_password(h, PW + "x")
    assert not users.verify_password("not-a-hash", PW)


def test_default_hasher_is_secure(monkeypatch):
    monkeypatch.delenv(users.FAST_HASH_ENV)
    ph = users.hasher()
    assert ph.memory_cost >= 19 * 1024 and ph.time_cost >= 2


def test_stored_hash_is_argon2(con):
    users.add_user(con, "office1", PW, "office", ["T1"])
    stored = con.execute("SELECT password_hash FROM users WHERE name = 'office1'").fetchone()[0]
    assert stored != PW and stored.startswith("$argon2")


def test_rehash_on_login_when_parameters_change(con, monkeypatch):
    users.add_user(con, "office1", PW, "office", ["T1"])  # fast parameters
    before = con.execute("SELECT password_hash FROM users").fetchone()[0]
    from argon2 import PasswordHasher

    newer = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(users, "hasher", lambda: newer)
    assert users.authenticate(con, "office1", PW, now=T0) is not None
    after = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert after != before and "t=2" in after
    assert users.authenticate(con, "office1", PW, now=T0) is not None


# ----------------------------------------------------------------------------- accounts


def test_add_and_authenticate(con):
    u = users.add_user(con, "office1", PW, "office", ["T1"], actor="admin")
    assert u == User("office1", "office", ["T1"], None, False)
    got = users.authenticate(con, "office1", PW, now=T0)
    assert got is not None and got.role == "office" and got.areas == ["T1"] and got.scope == ["T1"]
    assert users.authenticate(con, "office1", "wrong-password", now=T0) is None
    assert users.authenticate(con, "nobody", PW, now=T0) is None


@pytest.mark.parametrize(
    "kwargs,key,fragment",
    [
        (dict(name="x1", password=PW, role="boss", areas=["T1"]), "auth.error.no_role", "角色“boss”不存在"),
        (dict(name="x1", password="short", role="office", areas=["T1"]), "password.too_short", "至少需要 8 个字符"),
        (
            dict(name="x1", password=PW, role="office", areas=["NOPE", "T1"]),
            "auth.error.no_areas",
            "区域编码 NOPE 不存在",
        ),
        (dict(name="x1", password=PW, role="office", areas=[]), "auth.error.areas_needed", "角色 office（乡镇/街道）"),
        (dict(name="x1", password=PW, role="member", areas=["G111"], staff_id="S9"), "auth.error.no_staff", "工号 S9"),
        (dict(name="has space", password=PW, role="admin", areas=[]), "auth.error.bad_name", t("auth.error.bad_name")),
        (dict(name="", password=PW, role="admin", areas=[]), "auth.error.bad_name", t("auth.error.bad_name")),
    ],
)
def test_add_user_errors_are_sentences(con, kwargs, key, fragment):
    with pytest.raises(AuthError) as e:
        users.add_user(con, **kwargs)
    assert e.value.key == key and fragment in str(e.value) and fragment in e.value.text("zh")
    assert users.list_users(con).empty
    assert actions(con, "user_add").empty


def test_user_exists_and_not_found(con):
    users.add_user(con, "office1", PW, "office", ["T1"])
    with pytest.raises(AuthError) as e:
        users.add_user(con, "office1", PW, "office", ["T1"])
    assert e.value.key == "auth.error.user_exists"
    with pytest.raises(AuthError) as e:
        users.set_password(con, "ghost", PW, actor="admin")
    assert e.value.key == "auth.error.no_user"
    with pytest.raises(AuthError) as e:
        users.disable_user(con, "ghost", actor="admin")
    assert e.value.key == "auth.error.no_user"


def test_county_wide_roles(con):
    admin = users.add_user(con, "root", PW, "admin", [])
    leader = users.add_user(con, "boss", PW, "leader", None)
    scoped_leader = users.add_user(con, "boss2", PW, "leader", "T2")
    assert admin.scope is None and leader.scope is None
    assert scoped_leader.scope == ["T2"]
    assert User("m", "member", ["G111"]).scope == ["G111"]


def test_areas_parsed_from_cli_string(con):
    u = users.add_user(con, "office2", PW, "office", "T1、T2,T1")
    assert u.areas == ["T1", "T2"]


def test_disabled_user_refused(con):
    users.add_user(con, "m1", PW, "member", ["G111"], staff_id="S2")
    users.disable_user(con, "m1", actor="admin")
    assert users.authenticate(con, "m1", PW, now=T0) is None
    with pytest.raises(LoginRefused) as e:
        users.login(con, "m1", PW, now=T0)
    assert e.value.reason == "disabled" and e.value.key == "login.error.disabled"
    with pytest.raises(AuthError) as e:
        users.require_user(con, "m1")
    assert e.value.key == "permission.disabled"
    users.enable_user(con, "m1", actor="admin")
    assert users.authenticate(con, "m1", PW, now=T0) is not None


def test_set_password(con):
    users.add_user(con, "m1", PW, "member", ["G111"])
    users.set_password(con, "m1", "new-password-1", actor="admin")
    assert users.authenticate(con, "m1", PW, now=T0) is None
    assert users.authenticate(con, "m1", "new-password-1", now=T0) is not None
    with pytest.raises(AuthError) as e:
        users.set_password(con, "m1", "1234567", actor="admin")
    assert e.value.key == "password.too_short" and e.value.params["n"] == 8


# ----------------------------------------------------------------------------- throttling


def refused(con, name, password, now, client=None) -> LoginRefused:
    with pytest.raises(LoginRefused) as e:
        users.login(con, name, password, now=now, client=client)
    return e.value


def test_a_stranger_cannot_lock_an_account(con):
    """Before: five wrong passwords from anyone locked an account for 15 minutes."""
    users.add_user(con, "boss", PW, "admin", [])
    t = T0
    for _ in range(40):  # a stranger keeps trying, as fast as allowed
        e = refused(con, "boss", "bad-password", t, client="6.6.6.6")
        t = e.retry_at if e.reason == "throttled" else t + timedelta(milliseconds=100)
    # the real administrator, elsewhere, is not held up at all: a stranger's failures slow the stranger
    assert users.login(con, "boss", PW, now=t - timedelta(seconds=1), client="10.0.0.5").name == "boss"
    assert refused(con, "boss", PW, t - timedelta(seconds=1), client="6.6.6.6").reason == "throttled"


def test_many_addresses_slow_an_account_down_for_everybody(con):
    """A distributed attack (each address guessing a little) makes every client wait — at most a minute."""
    users.add_user(con, "boss", PW, "admin", [])
    for i in range(throttle.ACCOUNT_FREE_CLIENTS):
        assert refused(con, "boss", "bad-password", T0, client=f"6.6.6.{i}").reason == "bad_credentials"
    e = refused(con, "boss", PW, T0, client="10.0.0.5")  # a fresh address waits too
    assert e.reason == "throttled" and e.retry_at == T0 + timedelta(seconds=1)
    assert users.list_users(con, now=T0).set_index("name").loc["boss", "wait_until"] == T0 + timedelta(seconds=1)
    assert users.login(con, "boss", PW, now=T0 + timedelta(seconds=1), client="10.0.0.5").name == "boss"
    t = T0 + timedelta(seconds=1)
    for i in range(40):  # however many addresses keep trying
        e = refused(con, "boss", "bad-password", t, client=f"7.7.{i}.1")
        t = e.retry_at or t
    assert (e.retry_at or t) - t <= timedelta(seconds=throttle.ACCOUNT_MAX_WAIT)
    assert (
        users.login(con, "boss", PW, now=t + timedelta(seconds=throttle.ACCOUNT_MAX_WAIT), client="10.0.0.5").name
        == "boss"
    )


def test_growing_delays_for_an_account(con):
    users.add_user(con, "gl", PW, "grid_leader", ["G111"], staff_id="S1")
    for i in range(throttle.ACCOUNT_FREE_FAILURES):
        assert refused(con, "gl", "bad-password", T0 + timedelta(seconds=i)).reason == "bad_credentials"
    last = T0 + timedelta(seconds=throttle.ACCOUNT_FREE_FAILURES - 1)
    e = refused(con, "gl", PW, last + timedelta(milliseconds=500))  # even the right password
    assert e.reason == "throttled" and e.retry_at == last + timedelta(seconds=1)
    assert e.params["seconds"] == 1 and "1 秒后再试" in str(e)
    n = len(actions(con, "login_failed"))
    refused(con, "gl", PW, last + timedelta(milliseconds=900))  # a refused wait is not logged
    assert len(actions(con, "login_failed")) == n
    # the next failure doubles the wait
    e = refused(con, "gl", "bad-password", last + timedelta(seconds=1))
    assert e.reason == "bad_credentials"
    assert refused(con, "gl", PW, last + timedelta(seconds=2)).retry_at == last + timedelta(seconds=3)
    # after the wait the right password works and clears the account's failures
    u = users.authenticate(con, "gl", PW, now=last + timedelta(seconds=3))
    assert u is not None and u.staff_id == "S1"
    assert users.list_users(con, now=last + timedelta(seconds=3))["wait_until"].isna().all()


def test_unknown_names_get_the_same_answers(con):
    """Before: only real accounts locked, so the lock message told which names exist."""
    users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    answers = {}
    for name in ("gl", "nobody"):
        seen = []
        t = T0
        for _ in range(6):
            e = refused(con, name, "bad-password", t)
            seen.append((e.reason, str(e), e.key, e.params, None if e.retry_at is None else e.retry_at - t))
            t += timedelta(seconds=1)
        answers[name] = seen
    assert answers["gl"] == answers["nobody"]
    assert {r for r, *_ in answers["gl"]} == {"bad_credentials", "throttled"}


def test_unknown_names_cost_one_password_check_too(con, monkeypatch):
    users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    calls = []
    real = users.verify_password
    monkeypatch.setattr(users, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    refused(con, "gl", "bad-password", T0)
    refused(con, "nobody", "bad-password", T0)
    refused(con, "x" * 500, "bad-password", T0)
    assert len(calls) == 3 and all(h.startswith("$argon2id$") for h in calls)


def test_an_unknown_name_is_not_written_to_the_audit_log(con):
    refused(con, "=HYPERLINK(\"http://evil\",\"x\")", "bad-password", T0, client="6.6.6.6")
    log = actions(con, "login_failed")
    assert log["user_name"].tolist() == [users.UNKNOWN_USER]
    assert "HYPERLINK" not in repr(log.to_dict()) and "6.6.6.6" in log["detail"].iloc[0]
    # nor kept in clear text in the throttling table
    assert "HYPERLINK" not in repr(con.execute("SELECT * FROM login_throttle").fetchall())


def test_throttle_per_client_address(con):
    """Before: no limit per client — one address could try any number of names."""
    users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    t = T0
    for i in range(throttle.CLIENT_FREE_FAILURES):  # a different name each time: no name waits
        assert refused(con, f"guess{i}", "bad-password", t, client="6.6.6.6").reason == "bad_credentials"
        t += timedelta(milliseconds=10)
    e = refused(con, "gl", PW, t, client="6.6.6.6")  # that address now waits, whatever the name
    assert e.reason == "throttled"
    assert users.login(con, "gl", PW, now=t, client="10.0.0.5").name == "gl"  # another address does not
    # an IPv6 client counts by its /64: changing the last bits does not escape
    for i in range(throttle.CLIENT_FREE_FAILURES):
        refused(con, f"v6guess{i}", "bad-password", t, client=f"2001:db8::{i + 1}")
    assert refused(con, "gl", PW, t, client="2001:db8::ffff").reason == "throttled"


def test_simultaneous_failures_all_count(con):
    """Sessions failing at the same moment collide in DuckDB's optimistic concurrency: each one's
    count is tried again, none is lost and nobody sees an error but "wrong password"."""
    from tests.factories import run_concurrently

    users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    answers = []

    def one(cur, i):
        try:
            users.login(cur, f"guess{i}", "bad-password", now=T0, client="6.6.6.6")
        except LoginRefused as e:
            answers.append(e.reason)

    n = throttle.CLIENT_FREE_FAILURES - 1
    assert run_concurrently(con, list(range(n)), one, threads=4) == []
    assert answers == ["bad_credentials"] * n
    assert con.execute("SELECT failures FROM login_throttle WHERE key = 'client:6.6.6.6'").fetchone()[0] == n
    assert len(actions(con, "login_failed")) == n


def test_failures_are_forgotten(con):
    users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    for i in range(8):
        e = refused(con, "gl", "bad-password", T0)
    assert e.reason == "throttled"
    later = T0 + throttle.FORGET_AFTER + timedelta(minutes=1)
    assert refused(con, "gl", "bad-password", later).reason == "bad_credentials"
    assert (
        con.execute("SELECT failures FROM login_throttle WHERE key = ?", [throttle.pair_key("gl", None)]).fetchone()[0]
        == 1
    )


def test_unlock_and_new_password_clear_the_wait(con):
    users.add_user(con, "gl", PW, "grid_leader", ["G111"])

    def attack():
        for i in range(throttle.ACCOUNT_FREE_CLIENTS + 1):
            for _ in range(throttle.ACCOUNT_FREE_FAILURES + 1):
                users.authenticate(con, "gl", "bad-password", now=T0)  # one client
            try:
                users.login(con, "gl", "bad-password", now=T0, client=f"6.6.6.{i}")  # many
            except LoginRefused:
                pass
        assert refused(con, "gl", PW, T0).reason == "throttled"
        assert refused(con, "gl", PW, T0, client="10.0.0.5").reason == "throttled"

    attack()
    assert not users.list_users(con, now=T0)["wait_until"].isna().all()
    users.unlock_user(con, "gl", actor="admin")
    assert users.authenticate(con, "gl", PW, now=T0) is not None  # the same client as the failures
    assert users.list_users(con, now=T0)["wait_until"].isna().all()
    assert actions(con, "user_unlock")["detail"].tolist() == ["gl"]
    attack()
    users.set_password(con, "gl", "another-long-password", actor="admin")
    assert users.authenticate(con, "gl", "another-long-password", now=T0) is not None
    # the addresses' own delays stay: they tried many names' worth of passwords
    assert con.execute("SELECT count(*) FROM login_throttle WHERE key LIKE 'client:%'").fetchone()[0] > 0


def test_timezone_aware_now_is_accepted(con):
    from zoneinfo import ZoneInfo

    users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    aware = datetime(2026, 11, 24, 1, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Shanghai
    for _ in range(throttle.ACCOUNT_FREE_FAILURES):
        users.authenticate(con, "gl", "bad-password", now=aware)
    waits = con.execute("SELECT wait_until FROM login_throttle WHERE wait_until IS NOT NULL").fetchall()
    assert waits == [(datetime(2026, 11, 24, 9, 0, 1),)]


@pytest.mark.parametrize(
    "peer,forwarded,trusted,expected",
    [
        ("10.0.0.5", "1.2.3.4", None, "10.0.0.5"),  # not a proxy: the header is a lie
        (None, "1.2.3.4", None, "1.2.3.4"),  # nginx on this host
        (None, "6.6.6.6, 1.2.3.4", None, "1.2.3.4"),  # the client's own header is not believed
        (None, None, None, "127.0.0.1"),
        ("10.0.0.2", "1.2.3.4, 10.0.0.3", "10.0.0.0/24", "1.2.3.4"),  # two proxies of ours
        ("10.0.0.2", "1.2.3.4", "", "10.0.0.2"),  # no proxy trusted at all
        (None, "not-an-address", None, "127.0.0.1"),
        ("::ffff:10.0.0.9", None, None, "10.0.0.9"),
    ],
)
def test_client_address(peer, forwarded, trusted, expected, monkeypatch):
    monkeypatch.delenv(throttle.TRUSTED_PROXIES_ENV, raising=False)
    assert throttle.client_address(peer, forwarded, trusted) == expected


def test_trusted_proxies_from_the_environment(monkeypatch):
    monkeypatch.setenv(throttle.TRUSTED_PROXIES_ENV, "10.1.0.0/16, junk")
    assert throttle.client_address("10.1.2.3", "1.2.3.4") == "1.2.3.4"
    assert throttle.client_address(None, "1.2.3.4") == "127.0.0.1"  # loopback no longer trusted


# ----------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    "password,key",
    [
        ("12345678", "password.weak"),
        ("password", "password.weak"),
        ("qwertyuiop", "password.weak"),
        ("lianxin-demo", "password.demo"),
        ("Lianxin-Demo", "password.demo"),
        ("zhangwei1", "password.weak"),
        ("short", "password.too_short"),
        ("x" * 129, "password.too_long"),
        ("         ", "password.blank"),
    ],
)
def test_weak_passwords_are_refused_for_real_accounts(con, password, key):
    with pytest.raises(AuthError) as e:
        users.add_user(con, "zhangwei", password, "admin", [])
    assert e.value.key == key
    assert t(key, "zh", **e.value.params) == e.value.text("zh")  # the CLI's Chinese half is the page's
    assert str(e.value) == f"{e.value.text('zh')} / {e.value.text('en')}"
    assert t(key, "en", **e.value.params) != key
    users.add_user(con, "zhangwei", PW, "admin", [])
    with pytest.raises(AuthError) as e:
        users.set_password(con, "zhangwei", password, actor="admin")
    assert e.value.key == key


def test_a_password_made_of_the_name_is_weak(con):
    with pytest.raises(AuthError) as e:
        users.add_user(con, "liangshan2026", "liangshan2026!", "office", ["T1"])
    assert e.value.key == "password.weak"


def test_demo_accounts_keep_the_demo_password(con):
    made = users.create_demo_accounts(con, "C", "T1", "G111", "S1", "S2")
    assert all(u.is_demo for u in made)
    users.set_password(con, "admin", users.DEMO_PASSWORD, actor="admin")
    assert users.authenticate(con, "admin", users.DEMO_PASSWORD, now=T0) is not None


def test_only_an_administrator_manages_accounts(con):
    users.add_user(con, "root", PW, "admin", [])
    gl = users.add_user(con, "gl", PW, "grid_leader", ["G111"])
    for call in (
        lambda: users.add_user(con, "evil", PW, "admin", [], actor=gl),
        lambda: users.set_password(con, "root", "my-own-new-password", actor=gl),
        lambda: users.disable_user(con, "root", actor=gl),
        lambda: users.unlock_user(con, "root", actor=gl),
        lambda: users.users_command(con, "add", "evil", role="admin", password=PW, actor=gl),
    ):
        with pytest.raises(AuthError) as e:
            call()
        assert e.value.key == "permission.admin_only" and "网格长" in str(e.value)
    assert users.get_user(con, "evil") is None
    assert users.authenticate(con, "root", PW, now=T0) is not None
    users.add_user(con, "office9", PW, "office", ["T1"], actor=users.get_user(con, "root"))


def test_session_valid():
    assert users.session_valid(T0, T0 + timedelta(minutes=29))
    assert users.session_valid(T0, T0 + timedelta(minutes=30))
    assert not users.session_valid(T0, T0 + timedelta(minutes=31))
    assert users.session_valid(T0, T0 + timedelta(minutes=50), max_idle_minutes=60)
    assert not users.session_valid(None, T0)
    assert not users.session_valid(T0, T0 - timedelta(minutes=1))  # clock went backwards


# ----------------------------------------------------------------------------- demo and CLI


def test_demo_accounts(con):
    assert not users.has_demo_accounts(con)
    made = users.create_demo_accounts(con, "C", "T1", "G111", "S1", "S2")
    assert [u.name for u in made] == ["admin", "leader", "office", "grid_leader", "member"]
    assert users.has_demo_accounts(con)
    for u in made:
        got = users.authenticate(con, u.name, "lianxin-demo", now=T0)
        assert got is not None and got.is_demo and got.role == u.name
    assert users.get_user(con, "grid_leader").staff_id == "S1"
    assert users.get_user(con, "member").staff_id == "S2"
    assert users.get_user(con, "admin").scope is None
    assert users.get_user(con, "office").scope == ["T1"]
    # running it again changes nothing
    users.create_demo_accounts(con, "C", "T1", "G111", "S1", "S2")
    assert len(users.list_users(con)) == 5


def test_users_command(con, monkeypatch):
    monkeypatch.setenv("LIANXIN_PASSWORD", "from-the-env")
    msg = users.users_command(con, "add", "office9", role="office", areas="T1,T2", actor="admin")
    assert "office9" in msg and "乡镇/街道" in msg
    assert users.authenticate(con, "office9", "from-the-env", now=T0).areas == ["T1", "T2"]
    users.users_command(con, "passwd", "office9", password="explicit-pass-word", actor="admin")
    assert users.authenticate(con, "office9", "explicit-pass-word", now=T0) is not None
    assert users.users_command(con, "disable", "office9", actor="admin").key == "auth.done.disabled"
    assert users.authenticate(con, "office9", "explicit-pass-word", now=T0) is None
    assert users.users_command(con, "enable", "office9", actor="admin").key == "auth.done.enabled"
    assert users.users_command(con, "unlock", "office9", actor="admin").key == "auth.done.unlocked"
    with pytest.raises(AuthError, match="--role"):
        users.users_command(con, "add", "x", actor="admin")
    with pytest.raises(AuthError) as e:
        users.users_command(con, "delete", "x", actor="admin")
    assert e.value.key == "auth.error.unknown_action"
    with pytest.raises(AuthError) as e:
        users.users_command(con, "passwd", "ghost", actor="admin")
    assert e.value.key == "auth.error.no_user"


def test_read_password(monkeypatch):
    monkeypatch.setenv("LIANXIN_PASSWORD", "env-password")
    assert users.read_password() == "env-password"
    monkeypatch.delenv("LIANXIN_PASSWORD")
    answers = iter(["typed-one", "typed-one"])
    monkeypatch.setattr(users.getpass, "getpass", lambda prompt="": next(answers))
    assert users.read_password() == "typed-one"
    answers = iter(["typed-one", "typed-two"])
    with pytest.raises(AuthError) as e:
        users.read_password()
    assert e.value.key == "auth.error.password_mismatch"


# ----------------------------------------------------------------------------- scope


def test_scope_codes():
    assert scope.scope_codes(None) is None
    assert scope.scope_codes(User("a", "admin")) is None
    assert scope.scope_codes(User("o", "office", ["T1"])) == ["T1"]


@pytest.mark.parametrize(
    "areas,role,inside,outside",
    [
        (["T1"], "office", ["T1", "V11", "V12", "G111", "G112", "G121"], ["C", "T2", "V21", "G211", "ZZ"]),
        (["V11"], "grid_leader", ["V11", "G111", "G112"], ["T1", "V12", "G121"]),
        (["G111"], "member", ["G111"], ["G112", "V11", "T1"]),
        (["G111", "V21"], "grid_leader", ["G111", "V21", "G211"], ["G112", "T2"]),
        ([], "admin", ["C", "T1", "G211", "ZZ"], []),
        (["C"], "leader", ["C", "T1", "T2", "G211"], ["ZZ"]),
    ],
)
def test_in_scope(con, areas, role, inside, outside):
    u = User("u", role, areas)
    for code in inside:
        assert in_scope(con, u, code), code
    for code in outside:
        assert not in_scope(con, u, code), code


@pytest.mark.parametrize(
    "areas,role", [(["T1"], "office"), (["V11"], "grid_leader"), (["G111", "V21"], "grid_leader"), ([], "admin")]
)
def test_in_scope_which_answers_as_in_scope_for_each_area(con, areas, role):
    """One query for many areas (a township's due list spans a hundred grids), the same answers."""
    u = User("u", role, areas)
    codes = ["C", "T1", "T2", "V11", "V12", "V21", "G111", "G112", "G121", "G211", "ZZ", ""]
    expected = {c for c in codes if in_scope(con, u, c)}
    assert scope.in_scope_which(con, u, codes + ["G111"]) == expected
    assert expected  # every user here has some area in scope
    assert scope.in_scope_which(con, u, []) == set()


def test_personal_areas_answers_as_can_see_personal_for_each_area(con):
    from auth.masking import personal_areas

    codes = ["T1", "G111", "G112", "G121", "G211", "ZZ"]
    for u in (User("a", "admin"), User("l", "leader"), User("o", "office", ["T1"]), User("g", "grid_leader", ["G111"])):
        for c in (con, None):
            assert personal_areas(u, codes, c) == {a for a in codes if can_see_personal(u, a, c)}, (u.role, c)
    assert personal_areas(User("o", "office", ["T1"]), codes, con) == {"T1", "G111", "G112", "G121"}


def test_visible_areas(con):
    office = User("o", "office", ["T1"])
    grids = visible_areas(con, office, "grid")
    assert list(grids.columns) == ["code", "name", "parent_code"]
    assert grids["code"].tolist() == ["G111", "G112", "G121"]
    assert visible_areas(con, office, "township")["code"].tolist() == ["T1"]
    assert visible_areas(con, office, "county").empty
    assert visible_areas(con, User("a", "admin"), "village")["code"].tolist() == ["V11", "V12", "V21"]
    member = User("m", "member", ["G211"])
    assert visible_areas(con, member, "grid")["code"].tolist() == ["G211"]


def test_scope_filter_in_a_query(con):
    """The $scope convention, applied to households, as every report query does."""
    con.execute(
        "INSERT INTO households (code, head_name, grid_code) VALUES "
        "('H1', '甲', 'G111'), ('H2', '乙', 'G121'), ('H3', '丙', 'G211'), ('H4', '丁', NULL)"
    )
    q = "SELECT h.code FROM households h WHERE in_scope(h.grid_code, CAST($scope AS VARCHAR[])) ORDER BY h.code"

    def run(u):
        return [r[0] for r in con.execute(q, {"scope": scope.scope_codes(u)}).fetchall()]

    assert run(User("a", "admin")) == ["H1", "H2", "H3", "H4"]
    assert run(User("o", "office", ["T1"])) == ["H1", "H2"]
    assert run(User("g", "grid_leader", ["G211"])) == ["H3"]


# ----------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138 **** 1234"),
        ("+86 13812341234", "+86 138****1234"),
        ("023-53221234", "023-****1234"),
        ("02353221234", "023****1234"),
        ("53221234", "532**234"),
        ("5322123", "532**23"),
        ("12345", "12*45"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("王小二", "王*二"),
        ("王二", "王*"),
        ("王", "王"),
        ("欧阳小明", "欧**明"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


def test_can_see_personal(con):
    admin, leader = User("a", "admin"), User("l", "leader")
    office = User("o", "office", ["T1"])
    gl = User("g", "grid_leader", ["G111"])
    member = User("m", "member", ["G111"])
    assert can_see_personal(admin, "G211", con) and can_see_personal(None, "G211", con)
    assert not can_see_personal(leader, "G111", con)
    assert not can_see_personal(leader)
    assert can_see_personal(office, "G121", con)  # a grid in its township
    assert not can_see_personal(office, "G211", con)  # another township
    assert can_see_personal(gl, "G111", con) and can_see_personal(member, "G111", con)
    assert not can_see_personal(gl, "G112", con)
    assert can_see_personal(gl, "G111") and not can_see_personal(gl, "G112")  # without a connection
    assert can_see_personal(office)  # rows already filtered to scope


def test_mask_frame(con):
    import pandas as pd

    frame = pd.DataFrame(
        {
            "household_code": ["H1", "H2", "H3"],
            "head_name": ["王小二", "李四", "赵五六"],
            "phone": ["13812341234", "13900001111", None],
            "address": ["梁山街道东村3组12号", "礼让镇南村1组2号", "幸福路18号"],
            "tags": [["低保", "残疾"], ["特困"], []],
            "lon": [107.05, 107.25, 108.5],
            "lat": [30.05, 30.05, 31.5],
            "grid_code": ["G111", "G211", None],
        }
    )
    office = mask_frame(frame, User("o", "office", ["T1"]), con)
    assert office["head_name"].tolist() == ["王小二", "李*", "赵*六"]
    assert office["phone"].tolist()[:2] == ["13812341234", "139****1111"]
    assert office["address"].tolist() == ["梁山街道东村3组12号", "礼让镇南村***", "幸福***"]
    assert office["tags"].tolist() == [["低保", "残疾"], None, None]
    assert office["lon"].tolist()[0] == 107.05 and office["lon"].isna().tolist() == [False, True, True]
    admin = mask_frame(frame, User("a", "admin"), con)
    assert admin.equals(frame)
    assert frame["head_name"].tolist() == ["王小二", "李四", "赵五六"]  # input untouched


def test_a_leader_sees_no_address_tags_or_points(con):
    """Before: a leader's lists masked names and phones but showed addresses and 低保/残疾 in full."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "household_code": ["H1"],
            "head_name": ["王小二"],
            "phone": ["13812341234"],
            "address": ["梁山街道东村3组12号"],
            "tags": ["低保、残疾"],
            "lon": [107.05],
            "lat": [30.05],
            "grid_code": ["G111"],
        }
    )
    leader = mask_frame(frame, User("l", "leader"), con).iloc[0]
    assert (leader["head_name"], leader["phone"], leader["address"]) == ("王*二", "138****1234", "梁山街道东村***")
    assert leader["tags"] is None and pd.isna(leader["lon"]) and pd.isna(leader["lat"])
    assert leader["household_code"] == "H1" and leader["grid_code"] == "G111"


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("梁山街道东村3组12号", "梁山街道东村***"),
        ("礼让镇川西村", "礼让镇***"),
        ("仁贤镇金竹社区5栋2单元", "仁贤镇金竹社区***"),
        ("幸福路18号", "幸福***"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_address(raw, masked):
    from auth.masking import mask_address

    assert mask_address(raw) == masked


# ----------------------------------------------------------------------------- audit


def test_audit_written_for_account_changes(con):
    users.add_user(con, "m1", PW, "member", ["G111"], actor="root")
    users.set_password(con, "m1", "new-password-1", actor="root")
    users.disable_user(con, "m1", actor=User("root", "admin"))
    log = audit.search(con)
    assert log["action"].tolist() == ["user_disable", "user_passwd", "user_add"]
    assert set(log["user_name"]) == {"root"}
    assert (log["detail"].str.startswith("m1")).all()
    assert PW not in " ".join(log["detail"]) and "new-password-1" not in " ".join(log["detail"])


def test_audit_record_and_search(con):
    audit.record(
        con,
        "office",
        "import",
        area="T1",
        counts={"imported": 10, "rejected": 2},
        detail="households.csv",
        now=datetime(2026, 11, 1, 8, 0),
    )
    audit.record(con, User("gl", "grid_leader", ["G111"]), "visit_add", area="G111", now=datetime(2026, 11, 20, 8, 0))
    audit.record(con, "office", "export", now=datetime(2026, 11, 24, 23, 59))
    assert len(audit.search(con)) == 3
    imp = audit.search(con, action="import")
    assert json.loads(imp["counts"].iloc[0]) == {"imported": 10, "rejected": 2}
    assert imp["area"].iloc[0] == "T1"
    assert audit.search(con, user="gl")["action"].tolist() == ["visit_add"]
    assert audit.search(con, since=date(2026, 11, 20))["action"].tolist() == ["export", "visit_add"]
    assert audit.search(con, until=date(2026, 11, 20))["action"].tolist() == ["visit_add", "import"]
    assert audit.search(con, until=datetime(2026, 11, 20, 8, 0))["action"].tolist() == ["visit_add", "import"]
    assert audit.search(con, since=date(2026, 11, 2), until=date(2026, 11, 23))["action"].tolist() == ["visit_add"]
    assert len(audit.search(con, limit=1)) == 1
    # text is stored as given
    audit.record(con, "office", "import", detail="'; DROP TABLE audit_log; --")
    assert audit.search(con, limit=1)["detail"].iloc[0] == "'; DROP TABLE audit_log; --"


def test_audit_joins_callers_transaction(con):
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            audit.record(con, "office", "import")
            raise RuntimeError("crash")
    assert audit.search(con).empty


def test_set_rule_audited(con):
    assert set_rule(con, "visit_target_days", 4, actor="root") == 4.0
    assert db.rule(con, "visit_target_days") == 4.0
    set_rule(con, "benchmark_coverage", "0.98", actor=User("root", "admin"))
    assert db.rule(con, "benchmark_coverage") == 0.98
    log = audit.search(con, action="rule_change")
    assert len(log) == 2 and set(log["user_name"]) == {"root"}
    assert log["detail"].iloc[1] == "visit_target_days: 3 → 4"
    assert json.loads(log["counts"].iloc[1]) == {"old": 3.0, "new": 4.0}


@pytest.mark.parametrize(
    "key,value,fragment",
    [
        ("visit_target_days", 8, "必须在 1 到 7 之间"),
        ("visit_target_days", 0, "必须在 1 到 7 之间"),
        ("visit_target_days", 2.5, "必须是整数"),
        ("visit_target_days", "三", "不是数字"),
        ("benchmark_coverage", 97.8, "0.978"),
        ("revisit_days", -1, "之间"),
        ("close_days", float("inf"), "不是有效数字"),
        ("no_such_rule", 1, "没有名为 no_such_rule 的规则"),
    ],
)
def test_rule_validation(con, key, value, fragment):
    with pytest.raises(RuleError) as e:
        set_rule(con, key, value, actor="root")
    assert fragment in str(e.value)
    assert audit.search(con, action="rule_change").empty
    assert db.rule(con, "visit_target_days") == 3.0


# ----------------------------------------------------------------------------- the audit log's detail lines

DETAIL_VALUES = {
    "ip": "10.0.0.2",
    "what": "due",
    "fmt": "xlsx",
    "level": "village",
    "start": date(2026, 6, 6),
    "end": date(2026, 12, 2),
    "kinds": "home,phone",
    "rows": 12,
    "week": "2026-W45",
    "month": "2026-10",
    "name": "zhangwei",
    "role": "office",
    "areas": "T1,T2",
    "staff_id": "S1",
    "demo": "demo",
    "file": "台账{1}[2].xlsx",
    "area": "V11",
    "on": "2026-12-02",
}


@pytest.mark.parametrize("kind", sorted(audit.DETAIL_LINES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_detail_line_the_app_writes_is_read_back_in_the_pages_words(kind, lang):
    """A line written from a kind's template is read back as that kind with the values written (a name
    with braces and brackets included), and worded without a placeholder left."""
    line = audit.detail_line(kind, **DETAIL_VALUES)
    read_kind, fields = audit.read_line(line)
    assert read_kind == kind
    assert fields == {f: str(DETAIL_VALUES[f]) for f in fields}
    worded = audit.detail_text(line, lang)
    assert "{" not in worded.replace("台账{1}", "")


def test_a_detail_lines_optional_parts_are_written_only_with_their_values():
    bare, with_ip = audit.detail_line("unknown_user", ip=None), audit.detail_line("unknown_user", ip="10.0.0.2")
    assert with_ip == bare + " from 10.0.0.2" and "from" not in bare
    assert audit.read_line(bare) == ("unknown_user", {"ip": None})
    assert audit.detail_text(bare, "zh") == t("audit.detail.unknown_user", "zh")
    with pytest.raises(ValueError):
        audit.detail_line("hotspots_export", level="village")  # no period, no format
    with pytest.raises(ValueError):
        audit.detail_line("no_such_kind")


def test_an_account_made_with_its_staff_member_as_a_demo_is_worded_with_both(con):
    """Such a line ("… staff_id=S1 demo") was shown raw: the reader's pattern knew only the line's first part."""
    users.add_user(con, "zhang1", "a-long-passphrase-9", "grid_leader", ["G111"], staff_id="S1", is_demo=True)
    stored = audit.search(con, action="user_add")["detail"].iloc[0]
    assert stored == "zhang1 role=grid_leader areas=G111 staff_id=S1 demo"
    head = t("audit.detail.user_add", "en", name="zhang1", role=t("role.grid_leader", "en"), areas="G111")
    assert audit.detail_text(stored, "en") == head + t("audit.detail.staff_id", "en", staff_id="S1") + t(
        "audit.detail.demo", "en"
    )


def test_a_failed_login_is_written_and_worded_by_one_template(con):
    users.add_user(con, "li1", "a-long-passphrase-9", "office", ["T1"])
    with pytest.raises(LoginRefused):
        users.login(con, "li1", "wrong-passphrase-0", client="10.0.0.9")
    with pytest.raises(LoginRefused):
        users.login(con, "nobody", "wrong-passphrase-0")
    details = list(audit.search(con, action="login_failed")["detail"])
    reason = t("audit.detail.wrong_password", "zh")
    worded = {audit.detail_text(d, "zh") for d in details}
    assert worded == {t("audit.detail.with_ip", "zh", reason=reason, ip="10.0.0.9"), t("audit.detail.unknown_user")}


def test_a_detail_lines_lists_are_worded_with_the_languages_separator():
    """English detail lines listed kinds and areas with the Chinese 顿号 (入户走访、电话 → Home visit、Phone)."""
    line = audit.detail_line("coverage_export", **DETAIL_VALUES)
    kinds = {
        lang: t("format.list_sep", lang).join([t("kind.home", lang), t("kind.phone", lang)]) for lang in ("zh", "en")
    }
    assert kinds["zh"] in audit.detail_text(line, "zh") and kinds["en"] in audit.detail_text(line, "en")
    assert "、" not in audit.detail_text(audit.detail_line("user_add", **DETAIL_VALUES), "en")
