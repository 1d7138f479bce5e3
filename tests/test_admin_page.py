"""The administrator's page and the login form through Streamlit's AppTest, and ui/sso.py.

Each test builds its own tiny world (the app caches one connection per database path).
"""

from __future__ import annotations

import pytest

from auth import audit, users
from i18n import t
from ui import common as C
from store import db
from tests import factories as F

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

XSS = "<script>alert(1)</script>"


@pytest.fixture()
def app_db(tiny_db, monkeypatch):
    """A fresh tiny world the app opens ($LIANXIN_DB), on 2026-11-22."""
    path = tiny_db
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-22")
    monkeypatch.setenv("LIANXIN_FAST_HASH", "1")
    return path


def logged_in(name: str, password: str = F.PASSWORD) -> AppTest:
    return F.signed_in_app(name=name, password=password)  # $LIANXIN_DB, $LIANXIN_TODAY: app_db


def admin_page() -> AppTest:
    """The admin page, signed in as admin."""
    return F.signed_in_app(name="admin", page="pages/admin.py")  # $LIANXIN_DB, $LIANXIN_TODAY: app_db


def col(name: str, lang: str = "zh") -> str:
    """A column header of the page's tables: ``admin_page.col.<name>``."""
    return t(f"admin_page.col.{name}", lang)


def action(name: str) -> str:
    """An audit-log action as the page words it: ``admin_page.action.<name>``."""
    return t(f"admin_page.action.{name}")


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def frame(at: AppTest, which: str):
    """One of the page's three tables (AppTest does not expose a dataframe's key): audit, rules, users."""
    return at.dataframe[("audit", "rules", "users").index(which)].value


def read_db(path):
    """A connection to the app's database (same process: DuckDB shares the open instance)."""
    return db.connect(path)


# ----------------------------------------------------------------------------- login form


def test_wrong_password_shows_the_chinese_sentence_and_no_traceback(app_db):
    at = F.submit_login(F.new_app(), "office", "wrong-password")
    assert not at.exception
    assert texts(at.error) == [t("login.error.bad_credentials")]
    assert "user" not in at.session_state
    assert not any("Traceback" in m.value for m in at.markdown)


def test_unknown_user_gets_the_same_sentence(app_db):
    at = F.submit_login(F.new_app(), "nobody", "whatever-password")
    assert texts(at.error) == [t("login.error.bad_credentials")]


def test_wrong_passwords_make_the_next_attempt_wait_for_any_name(app_db, monkeypatch):
    """Failed logins slow the next attempt down (auth/throttle.py) — known and unknown names alike."""
    from auth import throttle

    # an account name waits 10 minutes after its second failure (the client address never does here)
    monkeypatch.setattr(
        throttle,
        "wait_seconds",
        lambda failures, free, cap: 600 if failures >= 2 and cap == throttle.ACCOUNT_MAX_WAIT else 0,
    )
    for name in ("office", "nobody"):
        at = F.new_app()
        F.submit_login(at, name, "wrong-password")
        assert texts(at.error) == [t("login.error.bad_credentials")]
        F.submit_login(at, name, "wrong-password")
        assert texts(at.error) == [t("login.error.bad_credentials")]
        F.submit_login(at, name, F.PASSWORD)  # even the right one waits
        assert not at.exception
        assert len(at.error) == 1 and F.phrase("login.error.throttled") in at.error[0].value
        assert "锁定" not in at.error[0].value  # the account lock it replaced is gone
        assert "user" not in at.session_state
    c = read_db(app_db)
    log = audit.search(c, action="login_failed")
    assert set(log["user_name"]) == {"office", users.UNKNOWN_USER}  # never the name a stranger typed


# ----------------------------------------------------------------------------- who sees the page


@pytest.mark.parametrize("name", ["leader", "office", "grid_leader", "member"])
def test_the_admin_page_is_not_in_a_non_admins_navigation(app_db, name):
    at = logged_in(name)
    with pytest.raises(ValueError) as e:  # AppTest lists the registered pages when one is missing
        at.switch_page("pages/admin.py")
    assert "admin.py'" not in str(e.value).split("Known pages:")[-1]


def test_admin_sees_the_audit_log(app_db):
    at = admin_page()
    assert texts(at.title) == [t("admin_page.title")]
    log = frame(at, "audit")
    assert list(log.columns) == [col(c) for c in ("logged_at", "user_name", "action", "area", "counts", "detail")]
    assert {action("login"), action("user_add")} <= set(log[col("action")])
    # filter: one user's entries, one action
    at.text_input(key="admin_page.audit_user").input("admin")
    at.selectbox(key="admin_page.audit_action").select("login").run()
    log = frame(at, "audit")
    assert set(log[col("user_name")]) == {"admin"} and set(log[col("action")]) == {action("login")}


def test_audit_date_range_in_the_wrong_order_is_a_sentence(app_db):
    import datetime as dt

    at = admin_page()
    at.date_input(key="admin_page.audit_since").set_value(dt.date(2026, 12, 1))
    at.date_input(key="admin_page.audit_until").set_value(dt.date(2026, 11, 1)).run()
    assert not at.exception
    assert t("admin_page.audit_order", since="2026-12-01", until="2026-11-01") in texts(at.error)


# ----------------------------------------------------------------------------- rules


def test_admin_changes_a_rule_and_it_is_audited(app_db):
    at = admin_page()
    rules = frame(at, "rules")
    assert [col(c) for c in ("key", "description", "value", "unit")] == list(rules.columns)
    row = rules[rules[col("key")] == "visit_target_days"].iloc[0]
    assert row[col("value")] == "3" and row[col("unit")] == t("admin_page.unit.days_week")
    assert row[col("description")] == t("admin_page.rule.visit_target_days")
    at.selectbox(key="admin_page.rule_key").select("visit_target_days").run()
    at.text_input(key="admin_page.rule_value.visit_target_days").input("4")
    at.button(key="admin_page.rule_save").click().run()
    assert not at.exception
    saved = t("admin_page.rule_saved", rule=t("admin_page.rule.visit_target_days"), old="3", new="4")
    assert saved in texts(at.success)
    rules = frame(at, "rules")
    assert rules.loc[rules[col("key")] == "visit_target_days", col("value")].iloc[0] == "4"
    c = read_db(app_db)
    assert db.rule(c, "visit_target_days") == 4
    entry = audit.search(c, action="rule_change").iloc[0]
    assert entry["user_name"] == "admin" and entry["detail"] == "visit_target_days: 3 → 4"


@pytest.mark.parametrize("value,key", [("9", "rule.error.range"), ("abc", "rule.error.not_a_number")])
def test_a_bad_rule_value_is_a_sentence(app_db, value, key):
    at = admin_page()
    at.selectbox(key="admin_page.rule_key").select("visit_target_days").run()
    at.text_input(key="admin_page.rule_value.visit_target_days").input(value)
    at.button(key="admin_page.rule_save").click().run()
    assert not at.exception
    assert len(at.error) == 1 and F.phrase(key) in at.error[0].value and "visit_target_days" in at.error[0].value
    c = read_db(app_db)
    assert db.rule(c, "visit_target_days") == 3
    assert audit.search(c, action="rule_change").empty


# ----------------------------------------------------------------------------- users


def _add(
    at: AppTest, name: str, role: str, areas: list[str], pw: str = "a-long-password", again: str | None = None
) -> AppTest:
    at.text_input(key="admin_page.add_name").input(name)
    at.selectbox(key="admin_page.add_role").select(role)
    ms = at.multiselect(key="admin_page.add_areas")
    for a in areas:
        ms.select(a)
    at.text_input(key="admin_page.add_password").input(pw)
    at.text_input(key="admin_page.add_confirm").input(pw if again is None else again)
    submit = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:admin_page.add_form"))
    return submit.click().run()


def test_admin_adds_a_user_with_areas_from_the_areas_table(app_db):
    at = admin_page()
    labels = at.multiselect(key="admin_page.add_areas").options
    assert any("甲村 › 第一网格" in o for o in labels)  # grids are shown with their village
    _add(at, "new_office", "office", [F.T1, F.V21])
    assert not at.exception
    areas = f"一镇（{F.T1}）、二镇 › 丙村（{F.V21}）"  # the areas table's names and codes
    assert texts(at.success) == [t("admin_page.added", name="new_office", role=t("role.office"), areas=areas)], texts(
        at.error
    )
    c = read_db(app_db)
    u = users.get_user(c, "new_office")
    assert u.role == "office" and u.areas == [F.T1, F.V21]
    assert audit.search(c, action="user_add").iloc[0]["user_name"] == "admin"
    table = frame(at, "users")
    assert "new_office" in set(table[col("name")])
    # the new account can log in and sees its areas only
    assert users.login(c, "new_office", "a-long-password").scope == [F.T1, F.V21]


@pytest.mark.parametrize(
    "name,role,areas,pw,again,words",
    [
        (
            "x1",
            "office",
            [],
            "a-long-password",
            None,
            t("auth.error.areas_needed", role="office", role_name=t("role.office")),
        ),
        ("x3", "office", [F.T1], "a-long-password", "another-password", t("admin_page.password_mismatch")),
        ("office", "office", [F.T1], "a-long-password", None, t("auth.error.user_exists", name="office")),
    ],
)
def test_adding_a_bad_user_is_a_sentence(app_db, name, role, areas, pw, again, words):
    at = admin_page()
    _add(at, name, role, areas, pw, again)
    assert not at.exception
    assert len(at.error) == 1 and words in at.error[0].value, texts(at.error)
    c = read_db(app_db)
    assert len(audit.search(c, action="user_add")) == len(users.list_users(c)) == 5  # the factory's five


@pytest.mark.parametrize("name", ["<b>x</b>", XSS, "测试😀", "张 伟", "a" * 65])
def test_a_new_name_outside_the_rule_is_refused_with_the_rule(app_db, name):
    """HTML, emoji, spaces and one-letter names were accepted; now the page (and ``manage.py users add``:
    tests/test_cli.py) refuse them at creation with the rule in one sentence."""
    at = admin_page()
    _add(at, name, "grid_leader", [F.G111])
    assert not at.exception
    assert texts(at.error) == [t("auth.error.bad_name")]
    assert "汉字" in t("auth.error.bad_name") and "64" in t("auth.error.bad_name")
    c = read_db(app_db)
    assert users.get_user(c, name) is None and len(users.list_users(c)) == 5


@pytest.mark.parametrize("name", ["张伟", "zhang.wei-2", "li@lp.gov.cn", "阿依·买买提"])
def test_a_name_inside_the_rule_is_added(app_db, name):
    at = admin_page()
    _add(at, name, "grid_leader", [F.G111])
    assert not at.exception and not at.error, texts(at.error)
    assert users.get_user(read_db(app_db), name).role == "grid_leader"


def test_an_account_named_before_the_rule_keeps_working_and_is_listed_as_text(app_db, monkeypatch):
    """An account whose name the rule would now refuse (made before it) still signs in, and its name
    is listed as text."""
    c = read_db(app_db)
    with monkeypatch.context() as m:  # an account from before the rule
        m.setattr(users, "NEW_NAME_RE", users._NAME_RE)
        users.add_user(c, XSS, "a-long-password", "grid_leader", [F.G111], actor="admin")
    assert users.login(c, XSS, "a-long-password").name == XSS
    at = admin_page()
    table = frame(at, "users")
    assert XSS in set(table[col("name")])


def test_admin_resets_a_password_disables_and_enables(app_db):
    at = admin_page()
    at.selectbox(key="admin_page.manage_user").select("office").run()
    at.text_input(key="admin_page.new_password").input("brand-new-password")
    at.text_input(key="admin_page.new_confirm").input("brand-new-password")
    submit = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:admin_page.passwd_form"))
    submit.click().run()
    assert not at.exception
    assert t("admin_page.passwd_done", name="office") in texts(at.success), texts(at.error)
    c = read_db(app_db)
    assert users.login(c, "office", "brand-new-password").name == "office"

    at.button(key="admin_page.disable").click().run()
    assert t("admin_page.disabled_done", name="office") in texts(at.success)
    with pytest.raises(users.LoginRefused):
        users.login(c, "office", "brand-new-password")
    at.button(key="admin_page.enable").click().run()
    assert t("admin_page.enabled_done", name="office") in texts(at.success)
    assert users.login(c, "office", "brand-new-password").name == "office"

    actions = audit.search(c, user="admin")["action"].tolist()
    for a in ("user_passwd", "user_disable", "user_enable"):
        assert a in actions


def test_admin_clears_a_login_delay(app_db):
    from auth import throttle

    import datetime as dt

    c = read_db(app_db)
    later = audit.now_local() + dt.timedelta(minutes=10)  # their wait outlasts this test
    for i in range(throttle.ACCOUNT_FREE_CLIENTS):  # failures from several addresses
        with pytest.raises(users.LoginRefused):
            users.login(c, "office", "wrong-password", now=later, client=f"6.6.6.{i}")
    with pytest.raises(users.LoginRefused) as e:
        users.login(c, "office", F.PASSWORD, client="10.0.0.1")
    assert e.value.reason == "throttled"
    at = admin_page()
    status = frame(at, "users").set_index(col("name")).loc["office", col("status")]
    assert F.phrase("admin_page.status.waiting") in status
    at.selectbox(key="admin_page.manage_user").select("office").run()
    at.button(key="admin_page.unlock").click().run()
    assert not at.exception
    assert t("admin_page.unlocked", name="office") in texts(at.success), texts(at.error)
    assert users.login(c, "office", F.PASSWORD, client="10.0.0.1").name == "office"
    assert audit.search(c, action="user_unlock").iloc[0]["user_name"] == "admin"


def test_admin_cannot_disable_itself(app_db):
    at = admin_page()
    at.selectbox(key="admin_page.manage_user").select("admin").run()
    at.button(key="admin_page.disable").click().run()
    assert not at.exception
    assert t("admin_page.no_self_disable") in texts(at.error)
    assert users.get_user(read_db(app_db), "admin").disabled is False


def test_the_page_in_english(app_db):
    at = F.signed_in_app(name="admin", lang="en", page="pages/admin.py")
    assert texts(at.title) == [t("admin_page.title", "en")]
    assert col("logged_at", "en") in frame(at, "audit").columns


# ----------------------------------------------------------------------------- single sign-on (ui/sso.py)


def test_sso_is_off_without_a_secrets_file():
    import streamlit as st

    from ui import sso

    if st.secrets.load_if_toml_exists():
        pytest.skip("this machine has a secrets.toml")
    assert sso.sso_configured() is False


@pytest.mark.parametrize(
    "auth,expected",
    [
        (None, False),
        ({}, False),
        ({"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s"}, False),
        (
            {
                "redirect_uri": "https://x/oauth2callback",
                "cookie_secret": "s",
                "client_id": "c",
                "client_secret": "k",
                "server_metadata_url": "https://sso/.well-known/openid-configuration",
            },
            True,
        ),
        (
            {
                "redirect_uri": "https://x/oauth2callback",
                "cookie_secret": "s",
                "unit": {
                    "client_id": "c",
                    "client_secret": "k",
                    "server_metadata_url": "https://sso/.well-known/openid-configuration",
                },
            },
            True,
        ),
    ],
)
def test_sso_configured_reads_the_auth_section(monkeypatch, auth, expected):
    from ui import sso

    monkeypatch.setattr(sso, "_secrets", lambda: None if auth is None else {"auth": auth})
    assert sso.sso_configured() is expected
    if expected and "unit" in auth:
        assert sso.provider_name() == "unit"


def test_sso_configured_survives_a_broken_secrets_object(monkeypatch):
    from ui import sso

    class Broken(dict):
        def __contains__(self, k):
            raise RuntimeError("boom")

    monkeypatch.setattr(sso, "_secrets", lambda: Broken())
    assert sso.sso_configured() is False


def test_sso_user_maps_the_email_to_the_local_account(tiny):
    from ui import sso

    c, _ = tiny
    users.add_user(c, "wang@lp.gov.cn", "a-long-password", "office", [F.T1], actor="admin")
    assert sso.sso_user(c, claims={"is_logged_in": False}) is None
    u = sso.sso_user(c, claims={"is_logged_in": True, "email": "wang@lp.gov.cn", "email_verified": True})
    assert u.name == "wang@lp.gov.cn" and u.scope == [F.T1]
    entry = audit.search(c, action="login").iloc[0]
    assert entry["user_name"] == "wang@lp.gov.cn" and entry["detail"] == "sso"


@pytest.mark.parametrize(
    "claims,words",
    [
        (
            {"is_logged_in": True, "email": "stranger@example.com"},
            t("admin_page.sso.error.no_account", email="stranger@example.com"),
        ),
        ({"is_logged_in": True}, t("admin_page.sso.error.no_email")),
        (
            {"is_logged_in": True, "email": "wang@lp.gov.cn", "email_verified": False},
            t("admin_page.sso.error.unverified", email="wang@lp.gov.cn"),
        ),
    ],
)
def test_sso_refuses_unknown_emails_with_a_sentence(tiny, claims, words):
    from ui import sso

    c, _ = tiny
    users.add_user(c, "wang@lp.gov.cn", "a-long-password", "office", [F.T1], actor="admin")
    with pytest.raises(sso.SSORefused) as e:
        sso.sso_user(c, claims=claims)
    assert words in str(e.value)
    assert audit.search(c, action="login_failed").iloc[0]["detail"].startswith("sso")


def test_sso_refuses_a_disabled_account(tiny):
    from ui import sso

    c, _ = tiny
    users.add_user(c, "li@lp.gov.cn", "a-long-password", "grid_leader", [F.G111], actor="admin")
    users.disable_user(c, "li@lp.gov.cn", actor="admin")
    with pytest.raises(sso.SSORefused) as e:
        sso.sso_user(c, claims={"is_logged_in": True, "email": "li@lp.gov.cn"})
    assert t("admin_page.sso.error.disabled", name="li@lp.gov.cn") in str(e.value)


def test_a_leader_without_areas_and_one_scoped_to_the_county_read_the_same(app_db):
    """New leader accounts showed 全县 and the demo leader (scoped to the county's code) 梁平区（500155）:
    both are the whole county and the list writes both 全县."""
    c = read_db(app_db)
    users.add_user(c, "new_leader", "a-long-password", "leader", [], actor="admin")
    at = admin_page()
    table = frame(at, "users").set_index(col("name"))
    assert table.loc["leader", col("areas")] == table.loc["new_leader", col("areas")] == t("admin_page.areas_all")
    assert table.loc["office", col("areas")] == f"一镇（{F.T1}）"


def test_the_audit_details_in_the_apps_own_words_are_shown_in_the_pages_language(app_db):
    """ "from 127.0.0.1" and "coverage_page due xlsx: level=…" were shown raw on a Chinese page: the page
    words the app's own detail lines through the catalog; the log keeps them as written, data stays as is."""
    c = read_db(app_db)
    stored = {
        "login": "from 127.0.0.1",
        "login_failed": "wrong password from 127.0.0.1",
        "export": "coverage_page due xlsx: level=village 2026-06-06..2026-12-02 kinds=home rows=12",
        "user_add": "zhangwei role=leader areas=*",
        "household_view": "LPX000001",
    }
    for act, detail in stored.items():
        audit.record(c, "office", act, detail=detail)
    at = admin_page()
    details = set(frame(at, "audit")[col("detail")])
    assert t("audit.detail.from", ip="127.0.0.1") in details
    reason = t("audit.detail.wrong_password")
    assert t("audit.detail.with_ip", reason=reason, ip="127.0.0.1") in details
    assert (
        t(
            "audit.detail.coverage_export",
            what=t("audit.detail.what.due"),
            fmt="XLSX",
            level=t("level.village"),
            start="2026-06-06",
            end="2026-12-02",
            kinds=t("kind.home"),
            rows="12",
        )
        in details
    )
    everywhere = t("admin_page.areas_all")
    assert t("audit.detail.user_add", name="zhangwei", role=t("role.leader"), areas=everywhere) in details
    assert "LPX000001" in details  # data: as stored
    assert not {v for k, v in stored.items() if k != "household_view"} & details
    assert set(stored.values()) <= set(audit.search(c)["detail"])  # the log keeps what was written


def test_the_any_action_filter_is_a_code_the_language_switch_rewords(app_db):
    """The filter's "全部" stayed on an English page: the language switch resends only a choice that is a
    code (ui.common.keep_choices; tests/test_keep_choices.py), and "any action" was None."""
    at = admin_page()
    box = at.selectbox(key="admin_page.audit_action")
    assert box.value == "" and C._is_choice(box.value)
    assert box.proto.options[0] == t("admin_page.audit_any", "zh")
    assert {action("login"), action("user_add")} <= set(frame(at, "audit")[col("action")])  # no filter on


def test_the_audit_log_names_the_areas_and_wraps_a_long_detail(app_db):
    """An account's areas were codes in the audit table (the stored line keeps them), and a long detail
    was cut at desk width: the page shows each area's name beside its code, and wraps long details."""
    c = read_db(app_db)
    audit.record(c, "admin", "user_add", detail=f"zhangwei role=office areas={F.T1},{F.V21}")
    audit.record(c, "office", "export", area=F.V11, detail="quotas 2026-W45 xlsx")
    at = admin_page()
    table = frame(at, "audit")
    assert f"一镇 › 甲村（{F.V11}）" in set(table[col("area")])  # an action's area: its name too
    areas = f"一镇（{F.T1}）、二镇 › 丙村（{F.V21}）"  # as the users' table writes them
    assert t("audit.detail.user_add", name="zhangwei", role=t("role.office"), areas=areas) in set(table[col("detail")])
    assert audit.search(c, action="user_add").iloc[0]["detail"].endswith(f"areas={F.T1},{F.V21}")  # kept as written
    assert at.dataframe[0].proto.row_height > 64  # that detail is longer than a line: rows high enough to wrap
