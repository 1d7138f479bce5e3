"""Nobody sees outside their scope: role × report × area on the tiny world, through the functions
and through the command line; password hashing and throttling; an audit entry for every kind of
write; and names such as ``<script>alert(1)</script>`` kept as data and escaped on maps.

The expected scopes are derived here from tests/factories.py (not from the code under test):

    admin        everything (scope None)
    leader       the county 500100
    office       township T1: V11, V12, G111, G112, G121; H01 H02 H04 H05 H06 H07
    grid_leader  grid G111: H01 H02
    member       grid G211: H08 H09
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics import reports
from auth import audit, users
from i18n import t
from store import db
from tests import clirun
from tests import factories as F
from vocabulary.areas import LEVELS

ROOT = Path(__file__).resolve().parents[1]
#: with days=1 every active household is due on this day (the last visits are on 11-22 and 11-23)
AS_OF = dt.date(2026, 11, 24)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
XSS = "<script>alert(1)</script>"

# ----------------------------------------------------------------------------- the expected world

PARENT = {code: parent for rows in F.AREAS.values() for code, _n, parent, _b in rows}
LEVEL_OF = {code: level for level, rows in F.AREAS.items() for code, *_ in rows}
NAME_OF = {code: name for rows in F.AREAS.values() for code, name, *_ in rows}
#: grid of each active household inside the county (by its point; H03 moved, H10 outside)
HOUSEHOLD_GRID = {
    "H01": F.G111,
    "H02": F.G111,
    "H04": F.G112,
    "H05": F.G112,
    "H06": F.G121,
    "H07": F.G121,
    "H08": F.G211,
    "H09": F.G211,
}
HOUSEHOLD_NAME = {h[0]: h[1] for h in F.HOUSEHOLDS}
STAFF_GRIDS = {"S1": {F.G111}, "S2": {F.G112, F.G121}, "S3": {F.G211}}
USER_AREAS = {"admin": None, "leader": [F.COUNTY], "office": [F.T1], "grid_leader": [F.G111], "member": [F.G211]}
USERS = list(USER_AREAS)


def ancestors(code: str) -> list[str]:
    out = []
    while code is not None:
        out.append(code)
        code = PARENT[code]
    return out


def visible(user: str, code: str) -> bool:
    areas = USER_AREAS[user]
    return areas is None or any(a in areas for a in ancestors(code))


def allowed_areas(user: str, level: str) -> set[str]:
    return {c for c, lv in LEVEL_OF.items() if lv == level and visible(user, c)}


def allowed_households(user: str) -> set[str]:
    return {h for h, g in HOUSEHOLD_GRID.items() if visible(user, g)}


def forbidden(user: str) -> tuple[set[str], set[str]]:
    """(area codes, household codes and names) the user must never see."""
    codes = {c for c in LEVEL_OF if not visible(user, c)}
    hh = {h for h in HOUSEHOLD_GRID if h not in allowed_households(user)}
    names = {HOUSEHOLD_NAME[h] for h in hh}
    return codes, hh | names


def test_the_expectations_match_the_brief():
    assert allowed_areas("office", "village") == {F.V11, F.V12}
    assert allowed_households("office") == {"H01", "H02", "H04", "H05", "H06", "H07"}
    codes, other = forbidden("office")
    assert {F.T2, F.V21, F.G211, F.G212} <= codes and {"H08", "H09"} <= other
    assert allowed_households("grid_leader") == {"H01", "H02"}
    assert allowed_areas("grid_leader", "village") == set()  # a village is above a grid: not in scope


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def con(tiny_db_ro):
    c = db.connect(tiny_db_ro)
    yield c
    c.close()


@pytest.fixture(scope="module")
def cli_db(tiny_db_ro, tmp_path_factory):
    """A copy of the tiny world for the command line (a second process cannot open a file in use)."""
    return F.copy_db(tiny_db_ro, tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="module")
def accounts(con):
    return {name: users.require_user(con, name) for name in USERS}


def assert_no_leak(frame: pd.DataFrame, user: str) -> None:
    codes, other = forbidden(user)
    text = frame.to_csv(index=False)
    cells = {str(v) for v in frame.astype(str).to_numpy().ravel()}
    for grid_cell in frame.get("grid_code", pd.Series(dtype=str)).dropna():
        cells |= set(str(grid_cell).split("、"))
    leaked = sorted((codes | other) & cells)
    assert leaked == [], f"{user} sees {leaked}:\n{text}"


# ----------------------------------------------------------------------------- scopes of the accounts


@pytest.mark.parametrize("user", USERS)
def test_account_scope_is_its_areas(accounts, user):
    assert accounts[user].scope == USER_AREAS[user]


# ----------------------------------------------------------------------------- reports × role × level


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("user", USERS)
def test_coverage_lists_exactly_the_areas_in_scope(con, accounts, user, level):
    df = reports.coverage(con, level, *YEAR, scope=accounts[user].scope)
    assert set(df["code"]) == allowed_areas(user, level)
    assert_no_leak(df, user)


@pytest.mark.parametrize("user", USERS)
def test_coverage_counts_only_households_in_scope(con, accounts, user):
    df = reports.coverage(con, "grid", *YEAR, scope=accounts[user].scope)
    assert int(df["households"].sum()) == len(allowed_households(user))


@pytest.mark.parametrize("level", ["township", "village", "grid"])
@pytest.mark.parametrize("user", USERS)
def test_hotspots_list_exactly_the_areas_in_scope(con, accounts, user, level):
    df = reports.hotspots(con, level, *YEAR, scope=accounts[user].scope)
    assert set(df["code"]) == allowed_areas(user, level)
    assert_no_leak(df, user)


@pytest.mark.parametrize("user", USERS)
def test_quotas_list_only_staff_of_grids_in_scope(con, accounts, user):
    df = reports.quotas(con, "2026-W47", scope=accounts[user].scope)
    expected = {s for s, grids in STAFF_GRIDS.items() if any(visible(user, g) for g in grids)}
    assert set(df["staff_id"]) == expected
    for cell in df["grid_code"]:
        assert all(visible(user, g) for g in str(cell).split("、")), (user, cell)
    assert_no_leak(df, user)


ALL_AREAS = sorted(LEVEL_OF)


@pytest.mark.parametrize("area", ALL_AREAS)
@pytest.mark.parametrize("user", USERS)
def test_unvisited_shows_only_households_in_scope(con, accounts, user, area):
    # days=1 on AS_OF: every active household is due, so the list is as long as it gets
    df = reports.unvisited(con, area, AS_OF, days=1, scope=accounts[user].scope)
    got = set(df["household_code"])
    assert got <= allowed_households(user), (user, area, got)
    in_area = {h for h, g in HOUSEHOLD_GRID.items() if area in ancestors(g)}
    assert got == in_area & allowed_households(user)
    assert all(visible(user, g) for g in df["grid_code"])
    assert_no_leak(df, user)


@pytest.mark.parametrize(
    "user,area",
    [
        ("office", F.T2),
        ("office", F.V21),
        ("office", F.G211),
        ("office", F.G212),
        ("grid_leader", F.G112),
        ("grid_leader", F.V12),
        ("grid_leader", F.T2),
        ("member", F.T1),
        ("member", F.G111),
    ],
)
def test_unvisited_of_an_area_outside_scope_is_empty(con, accounts, user, area):
    df = reports.unvisited(con, area, AS_OF, days=1, scope=accounts[user].scope)
    assert df.empty


def test_grid_leader_sees_only_g111_and_its_households(con, accounts):
    sc = accounts["grid_leader"].scope
    frames = [reports.coverage(con, lv, *YEAR, scope=sc) for lv in LEVELS]
    frames += [reports.hotspots(con, lv, *YEAR, scope=sc) for lv in ("township", "village", "grid")]
    frames += [reports.unvisited(con, a, AS_OF, days=1, scope=sc) for a in ALL_AREAS]
    frames += [reports.quotas(con, "2026-W47", scope=sc)]
    codes = set().union(*(set(f["code"]) for f in frames if "code" in f))
    households = set().union(*(set(f["household_code"]) for f in frames if "household_code" in f))
    assert codes == {F.G111}
    assert households == {"H01", "H02"}
    assert set(frames[-1]["staff_id"]) == {"S1"}


def test_office_never_sees_township_two(con, accounts):
    sc = accounts["office"].scope
    frames = [reports.coverage(con, lv, *YEAR, scope=sc) for lv in LEVELS]
    frames += [reports.hotspots(con, lv, *YEAR, scope=sc) for lv in ("township", "village", "grid")]
    frames += [reports.unvisited(con, a, AS_OF, days=1, scope=sc) for a in ALL_AREAS]
    frames += [reports.quotas(con, "2026-W47", scope=sc)]
    text = "\n".join(f.to_csv(index=False) for f in frames)
    for bad in (F.T2, F.V21, F.G211, F.G212, "H08", "H09", "丙村", "二镇", "吴九", "郑十", "网格员丙"):
        assert bad not in text


def test_unassigned_household_is_seen_only_without_scope(con, accounts):
    # H10 lies outside every grid: it belongs to no area, so no scoped list can show it
    for user in USERS:
        for area in ALL_AREAS:
            df = reports.unvisited(con, area, AS_OF, days=1, scope=accounts[user].scope)
            assert "H10" not in set(df["household_code"])


# ----------------------------------------------------------------------------- the command line


def cli(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    return clirun.run(
        [sys.executable, "manage.py", "--db", str(db_path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LIANXIN_FAST_HASH": "1", "PYTHONIOENCODING": "utf-8"},
    )


def run_main(capfd, db_path: Path, *args: str) -> tuple[int, str, str]:
    """``manage.main`` in this process (the same code path, without a 10-second interpreter start)."""
    import manage

    code = manage.main(["--db", str(db_path), *args])
    out, err = capfd.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def inproc_db(tiny_db_ro, tmp_path_factory):
    """Another copy for in-process runs (that connection stays open; the subprocess copy must not be it)."""
    return F.copy_db(tiny_db_ro, tmp_path_factory.mktemp("inproc"))


def csv_rows(out: str) -> pd.DataFrame:
    import io

    return pd.read_csv(io.StringIO(out.lstrip("\ufeff")), dtype=str)


def test_cli_office_coverage_by_village_lists_v11_and_v12(cli_db):
    r = cli(
        cli_db,
        "--as",
        "office",
        "report",
        "coverage",
        "--level",
        "village",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "csv",
    )
    assert r.returncode == 0, r.stderr
    df = csv_rows(r.stdout)
    assert df["code"].tolist() == [F.V11, F.V12]
    assert "Traceback" not in r.stderr


def test_cli_grid_leader_unvisited_outside_scope_is_refused(cli_db):
    """An area outside the user's scope: exit 1 with one sentence, no rows, no traceback."""
    r = cli(
        cli_db,
        "--as",
        "grid_leader",
        "report",
        "unvisited",
        "--area",
        F.T2,
        "--as-of",
        "2026-11-24",
        "--days",
        "1",
        "--format",
        "csv",
    )
    assert "Traceback" not in r.stderr
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and r.stdout.strip() == ""
    assert F.T2 in r.stderr


@pytest.mark.parametrize(
    "user,args,expected",
    [
        ("grid_leader", ["unvisited", "--area", F.G111, "--as-of", "2026-11-24", "--days", "1"], {"H01", "H02"}),
        ("member", ["unvisited", "--area", F.V21, "--as-of", "2026-11-24", "--days", "1"], {"H08", "H09"}),
        (
            "office",
            ["unvisited", "--area", F.COUNTY, "--as-of", "2026-11-24", "--days", "1"],
            {"H01", "H02", "H04", "H05", "H06", "H07"},
        ),
    ],
)
def test_cli_unvisited_in_scope(capfd, inproc_db, user, args, expected):
    code, out, err = run_main(capfd, inproc_db, "--as", user, "report", *args, "--format", "csv")
    assert code == 0, err
    assert set(csv_rows(out)["household_code"]) == expected


def test_cli_member_quotas_and_hotspots(capfd, inproc_db):
    code, out, err = run_main(
        capfd, inproc_db, "--as", "member", "report", "quotas", "--week", "2026-W47", "--format", "json"
    )
    assert code == 0, err
    assert {row["staff_id"] for row in json.loads(out.lstrip("\ufeff"))} == {"S3"}
    code, out, err = run_main(
        capfd,
        inproc_db,
        "--as",
        "member",
        "report",
        "hotspots",
        "--level",
        "grid",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "csv",
    )
    assert code == 0, err
    assert csv_rows(out)["code"].tolist() == [F.G211]


def test_cli_unknown_user_is_one_sentence(capfd, inproc_db):
    code, out, err = run_main(capfd, inproc_db, "--as", "nobody", "report", "quotas", "--week", "2026-W47")
    assert code == 1
    assert "nobody" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and "internal error" not in err


def test_cli_disabled_user_is_refused(capfd, tiny):
    c, path = tiny
    users.disable_user(c, "office", actor="admin")
    c.close()
    capfd.readouterr()
    code, out, err = run_main(capfd, path, "--as", "office", "report", "quotas", "--week", "2026-W47")
    assert code == 1
    assert t("cli.error.user_disabled", user="office") in err and "internal error" not in err


# ----------------------------------------------------------------------------- --as carries the role into every command


def _one_sentence(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["users", "add", "evil", "--role", "admin"],
        ["users", "passwd", "admin"],
        ["users", "disable", "admin"],
        ["users", "enable", "office"],
        ["users", "unlock", "admin"],
    ],
)
@pytest.mark.parametrize("user", ["leader", "office", "grid_leader", "member"])
def test_cli_only_an_administrator_manages_accounts(capfd, inproc_db, monkeypatch, user, args):
    """Before: `--as grid_leader users add evil --role admin` created an administrator (exit 0)."""
    monkeypatch.setenv("LIANXIN_PASSWORD", "evil-but-strong-password-9")
    c = db.connect(inproc_db)
    before_log, before_hash = (
        len(audit.search(c)),
        c.execute("SELECT password_hash FROM users WHERE name = 'admin'").fetchone()[0],
    )
    code, out, err = run_main(capfd, inproc_db, "--as", user, *args)
    assert code == 1 and out == ""
    line = _one_sentence(err)
    assert user in line and "users" in line
    assert users.get_user(c, "evil") is None
    assert c.execute("SELECT password_hash FROM users WHERE name = 'admin'").fetchone()[0] == before_hash
    assert len(audit.search(c)) == before_log


def test_cli_an_administrator_named_with_as_manages_accounts(capfd, tiny_db, monkeypatch):
    path = tiny_db
    monkeypatch.setenv("LIANXIN_PASSWORD", "a-strong-new-password-7")
    code, out, err = run_main(
        capfd, path, "--as", "admin", "users", "add", "clerk", "--role", "office", "--areas", F.T1
    )
    assert code == 0, err
    c = db.connect(path)
    try:
        assert users.get_user(c, "clerk").areas == [F.T1]
        assert audit.search(c, action="user_add").iloc[0]["user_name"] == "admin"
    finally:
        c.close()


@pytest.mark.parametrize("args", [["init"], ["demo", "--households", "100"], ["bench", "--scale", "small"]])
def test_cli_init_demo_and_bench_are_refused_for_other_roles(cli_db, args):
    r = cli(cli_db, "--as", "office", *args)
    assert r.returncode == 1
    line = _one_sentence(r.stderr)
    assert "office" in line and args[0] in line
    c = db.connect(cli_db, read_only=True)
    try:  # the database is the tiny world still, not a demo
        assert c.execute("SELECT count(*) FROM households").fetchone()[0] == len(F.HOUSEHOLDS)
    finally:
        c.close()


def test_cli_leader_reports_are_masked_like_the_app(capfd, inproc_db):
    """Before: `--as leader report unvisited` showed full names that the app masks for leaders."""
    from auth.masking import mask_name

    code, out, err = run_main(
        capfd,
        inproc_db,
        "--as",
        "leader",
        "report",
        "unvisited",
        "--area",
        F.COUNTY,
        "--as-of",
        "2026-11-24",
        "--days",
        "1",
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = csv_rows(out)
    assert set(rows["household_code"]) == set(HOUSEHOLD_GRID)
    assert rows["head_name"].tolist() == [mask_name(HOUSEHOLD_NAME[h]) for h in rows["household_code"]]
    for h in HOUSEHOLD_GRID:
        assert HOUSEHOLD_NAME[h] not in out
    # the office sees its own households in full; the local administrator everything
    code, out, err = run_main(
        capfd,
        inproc_db,
        "--as",
        "office",
        "report",
        "unvisited",
        "--area",
        F.T1,
        "--as-of",
        "2026-11-24",
        "--days",
        "1",
        "--format",
        "csv",
    )
    rows = csv_rows(out)
    assert rows["head_name"].tolist() == [HOUSEHOLD_NAME[h] for h in rows["household_code"]]
    code, out, err = run_main(
        capfd,
        inproc_db,
        "report",
        "unvisited",
        "--area",
        F.COUNTY,
        "--as-of",
        "2026-11-24",
        "--days",
        "1",
        "--format",
        "json",
    )
    assert {r["head_name"] for r in json.loads(out)} == {HOUSEHOLD_NAME[h] for h in HOUSEHOLD_GRID}


# ----------------------------------------------------------------------------- passwords and throttling


@pytest.mark.parametrize("user", USERS)
def test_passwords_are_stored_as_argon2_hashes(con, user):
    h = con.execute("SELECT password_hash FROM users WHERE name = ?", [user]).fetchone()[0]
    assert h != F.PASSWORD and F.PASSWORD not in h
    assert h.startswith("$argon2id$")
    assert users.verify_password(h, F.PASSWORD)


def test_wrong_passwords_slow_the_account_down_but_never_lock_it(tiny):
    from auth import throttle

    c, _ = tiny
    t0 = dt.datetime(2026, 11, 22, 9, 0)
    reasons = []
    for i in range(20):  # twenty wrong passwords within 20 seconds
        with pytest.raises(users.LoginRefused) as e:
            users.login(c, "office", "wrong-password", now=t0 + dt.timedelta(seconds=i), client="6.6.6.6")
        reasons.append(e.value.reason)
    assert reasons[: throttle.ACCOUNT_FREE_FAILURES] == ["bad_credentials"] * throttle.ACCOUNT_FREE_FAILURES
    assert "throttled" in reasons and "locked" not in reasons
    with pytest.raises(users.LoginRefused) as e:  # from that address even the right password waits
        users.login(c, "office", F.PASSWORD, now=t0 + dt.timedelta(seconds=20), client="6.6.6.6")
    assert e.value.reason == "throttled"
    # the real user at another address is not held up by one stranger
    assert users.login(c, "office", F.PASSWORD, now=t0 + dt.timedelta(seconds=20), client="10.0.0.1").name == "office"
    assert len(audit.search(c, user="office", action="login_failed")) == reasons.count("bad_credentials")


def test_disabled_account_cannot_log_in(tiny):
    c, _ = tiny
    users.disable_user(c, "member", actor="admin")
    with pytest.raises(users.LoginRefused) as e:
        users.login(c, "member", F.PASSWORD)
    assert e.value.reason == "disabled"
    assert users.get_user(c, "member").disabled is True
    users.enable_user(c, "member", actor="admin")
    assert users.login(c, "member", F.PASSWORD).disabled is False


# ----------------------------------------------------------------------------- every write is audited


def test_every_kind_of_write_is_audited(tiny, tmp_path):
    import manage
    from ingest.tables import load

    c, _ = tiny
    before = int(c.execute("SELECT max(id) FROM audit_log").fetchone()[0])

    # an import, audited the way manage.py does it
    f = F.write_csv(
        tmp_path / "visits2.csv",
        ["户编号", "工号", "走访日期", "走访方式"],
        [("H06", "S2", "2026-11-20", "入户走访"), ("H99", "S2", "2026-11-20", "入户走访")],
    )
    res = load(c, "visits", f, audit=manage._audit(c, "office", "import"), actor="office")
    assert res.ok
    # a rule change
    audit.set_rule(c, "visit_target_days", 4, actor=users.get_user(c, "admin"))
    # accounts
    users.add_user(c, "newbie", "a-long-password", "grid_leader", [F.G121], actor="admin")
    users.set_password(c, "newbie", "another-long-password", actor="admin")
    users.disable_user(c, "newbie", actor="admin")
    users.enable_user(c, "newbie", actor="admin")
    users.users_command(c, "passwd", "newbie", password="third-long-password", actor="admin")

    log = c.execute(
        "SELECT user_name, action, counts, detail FROM audit_log WHERE id > ? ORDER BY id", [before]
    ).fetchall()
    by_action = {}
    for user, action, counts, detail in log:
        by_action.setdefault(action, []).append((user, counts, detail))
    assert set(by_action) == {"import", "rule_change", "user_add", "user_passwd", "user_disable", "user_enable"}
    ((imp_user, imp_counts, _),) = by_action["import"]
    assert imp_user == "office"
    counts = json.loads(imp_counts)
    assert counts.get("imported") == 1 and counts.get("rejected") == 1
    ((rule_user, rule_counts, rule_detail),) = by_action["rule_change"]
    assert rule_user == "admin" and json.loads(rule_counts) == {"old": 3.0, "new": 4.0}
    assert rule_detail == "visit_target_days: 3 → 4"
    assert by_action["user_add"][0][0] == "admin" and by_action["user_add"][0][2].startswith("newbie role=grid_leader")
    assert [d for _, _, d in by_action["user_passwd"]] == ["newbie", "newbie"]
    assert by_action["user_disable"] == [("admin", None, "newbie")]
    assert by_action["user_enable"] == [("admin", None, "newbie")]
    # and no password, hashed or not, is ever written to the log
    text = repr(log)
    assert "long-password" not in text and "$argon2" not in text


def test_a_refused_write_writes_no_audit_entry(tiny):
    c, _ = tiny
    n = len(audit.search(c))
    with pytest.raises(audit.RuleError):
        audit.set_rule(c, "visit_target_days", 9, actor="admin")
    with pytest.raises(users.AuthError):
        users.add_user(c, "xx", "short", "office", [F.T1])
    with pytest.raises(users.AuthError):
        users.add_user(c, "y", "long-enough-pw", "office", ["NO-SUCH-AREA"])
    assert len(audit.search(c)) == n
    assert db.rule(c, "visit_target_days") == 3


# ----------------------------------------------------------------------------- names are data, escaped on maps


def test_script_name_comes_back_byte_identical_from_reports(con):
    df = reports.unvisited(con, F.V11, AS_OF, days=1)
    names = dict(zip(df["household_code"], df["head_name"]))
    assert names["H05"] == XSS
    assert names["H05"].encode("utf-8") == XSS.encode("utf-8")


def test_script_name_comes_back_byte_identical_from_the_cli(cli_db):
    r = clirun.run(
        [
            sys.executable,
            "manage.py",
            "--db",
            str(cli_db),
            "report",
            "unvisited",
            "--area",
            F.V11,
            "--as-of",
            "2026-11-24",
            "--days",
            "1",
            "--format",
            "csv",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LIANXIN_FAST_HASH": "1"},
    )
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert b"H05," + XSS.encode("utf-8") + b"," in r.stdout


def assert_escaped(page: str) -> None:
    """The name never appears raw; it is there HTML-escaped (inside the GeoJSON, where JSON writes
    ``&`` as ``\\u0026``), so a tooltip's innerHTML shows the literal text and runs nothing."""
    assert XSS not in page and "<script>alert" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in page or escaped.replace("&", "\\u0026") in page


def test_script_name_is_escaped_in_map_tooltips():
    import geopandas as gpd
    import shapely

    from gis import maps

    gdf = gpd.GeoDataFrame(
        {"code": ["A1", "A2"], "name": [XSS, "甲村"], "coverage": [0.5, None]},
        geometry=[shapely.box(107.0, 30.0, 107.1, 30.1), shapely.box(107.1, 30.0, 107.2, 30.1)],
        crs="EPSG:4326",
    )
    m = maps.base_map(bounds=gdf.total_bounds)
    classes = maps.coverage_classes(0.978)
    bins, colors = getattr(classes, "bins"), getattr(classes, "colors")
    maps.choropleth_layer(
        m, gdf, "coverage", bins, colors, fields=["name", "coverage"], aliases=[t("col.name"), t("col.coverage")]
    )
    assert_escaped(m.get_root().render())


def test_script_name_is_escaped_in_point_tooltips():
    from gis import maps

    df = pd.DataFrame({"household_code": ["H05"], "head_name": [XSS], "lon": [107.06], "lat": [30.16]})
    m = maps.base_map(bounds=(107.0, 30.0, 107.2, 30.2))
    maps.point_layer(
        m,
        df,
        tooltip_fields=["head_name"],
        tooltip_aliases=["户主"],
        popup_fields=["household_code", "head_name"],
        popup_aliases=["户编号", "户主"],
    )
    assert_escaped(m.get_root().render())


@pytest.mark.parametrize("page", ["pages/coverage.py", "pages/overview.py", "pages/petitions.py", "pages/admin.py"])
def test_a_page_url_as_a_fresh_servers_first_request_asks_for_the_login(tiny_ro, monkeypatch, page):
    """Streamlit runs a file of pages/ by itself (its older multipage mode) for the first request of
    a freshly started server, until app.py's st.navigation has run once: AppTest starts every run
    that way. The page hands over to app.py, which asks for the login; no figure is drawn."""
    from streamlit.testing.v1 import AppTest

    _, path = tiny_ro
    monkeypatch.setenv("LIANXIN_DB", str(path))
    monkeypatch.setenv("LIANXIN_TODAY", "2026-11-26")
    at = AppTest.from_file(str(F.APP), default_timeout=60)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.text_input(key="login_name") is not None and at.text_input(key="login_password") is not None
    assert not at.metric and not at.dataframe
