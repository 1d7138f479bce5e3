"""tests/clirun.py: a command forked from the preloaded server is the command a real ``python manage.py``
is: the same stdout and stderr bytes, the same exit code, its own env, cwd, argv and fresh project modules."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from i18n import Message
from tests import clirun
from tests.factories import G111, write_csv

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not clirun.forked(), reason="LIANXIN_TEST_CLI=subprocess: nothing is forked")


def env(**extra: str) -> dict:
    full = {k: v for k, v in os.environ.items() if k != "LIANXIN_DB"}
    return {**full, "LIANXIN_FAST_HASH": "1", **extra}


def both(cmd: list, cwd=ROOT, **extra: str) -> subprocess.CompletedProcess:
    """Run cmd through the runner and as a real subprocess; assert the two are the same; the runner's."""
    forked = clirun.run(cmd, capture_output=True, text=True, cwd=cwd, env=env(**extra), timeout=300)
    real = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env(**extra), timeout=300)
    assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr)
    return forked


def manage(*args) -> list:
    return [sys.executable, str(ROOT / "manage.py"), *map(str, args)]


def script(folder: Path, body: str) -> Path:
    path = folder / "script.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_report_on_stdout(tiny_db):
    month = ["--from", "2026-11-01", "--to", "2026-11-30"]
    p = both(manage("--db", tiny_db, "report", "coverage", "--level", "grid", *month))
    assert p.returncode == 0 and G111 in p.stdout and p.stderr == ""


def test_a_refusal_is_exit_1_and_one_line(tiny_db, tmp_path):
    missing = tmp_path / "nope.csv"
    p = both(manage("--db", tiny_db, "import", "households", missing))
    assert p.returncode == 1
    assert p.stderr == f"{Message('ingest.error.no_file', at=f'{missing}: ')}\n"


def test_bad_usage_is_exit_2():
    p = both(manage("frobnicate"))
    assert p.returncode == 2 and "frobnicate" in p.stderr


def test_a_relative_script_in_its_cwd(tmp_path):
    p = both([sys.executable, "manage.py", "--help"], cwd=ROOT)
    assert p.returncode == 0 and "usage" in p.stdout


def test_an_uncaught_error_prints_python_s_traceback_exit_1(tmp_path):
    path = script(
        tmp_path,
        """\
        import sys
        print("before")
        def fail(x):
            return {}[x]
        fail("钥匙")
        """,
    )
    p = both([sys.executable, path])
    assert p.returncode == 1 and p.stdout == "before\n"
    assert p.stderr.startswith("Traceback (most recent call last):\n") and p.stderr.endswith("KeyError: '钥匙'\n")
    assert "clirun" not in p.stderr and "multiprocessing" not in p.stderr


@pytest.mark.parametrize("code", ["None", "0", "3", "256 + 7", "'说明'"])
def test_system_exit_codes(tmp_path, code):
    both([sys.executable, script(tmp_path, f"raise SystemExit({code})")])


def test_non_ascii_path_and_argument(tiny_db, tmp_path):
    folder = tmp_path / "表格 目录"
    folder.mkdir()
    f = write_csv(folder / "住户.csv", ["户编号", "户主", "网格编码"], [["N1", "甲", G111], ["N2", "乙", "不存在"]])
    p = both(manage("--db", tiny_db, "import", "households", f, "--strict"))  # nothing written: twice the same
    assert p.returncode == 1 and "住户.csv row 3 column 网格编码" in p.stderr and "不存在" in p.stderr
    echo = both([sys.executable, script(folder, "import sys; print(sys.argv, __file__)"), "参数", "é"])
    assert "参数" in echo.stdout and "表格 目录" in echo.stdout


def test_tz_and_today_come_from_the_env(tmp_path):
    path = script(
        tmp_path,
        """\
        import time
        from analytics import calendar
        print(time.strftime("%z"), time.tzname, calendar.today())
        """,
    )
    cmd = [sys.executable, path]
    shanghai = both(cmd, TZ="Asia/Shanghai", LIANXIN_TODAY="2026-11-20", PYTHONPATH=str(ROOT))
    utc = both(cmd, TZ="UTC", LIANXIN_TODAY="2026-11-21", PYTHONPATH=str(ROOT))
    assert shanghai.stdout.startswith("+0800") and shanghai.stdout.endswith("2026-11-20\n")
    assert utc.stdout.startswith("+0000") and utc.stdout.endswith("2026-11-21\n")


def test_nothing_of_the_project_is_imported_before_the_command(tmp_path):
    """The server imported pandas (the point) but no project module: a module-level read of an env
    variable reads each run's own env."""
    (tmp_path / "setting.py").write_text("import os\nVALUE = os.environ.get('CLIRUN_VALUE')\n", encoding="utf-8")
    path = script(
        tmp_path,
        f"""\
        import sys
        root, venv = {str(ROOT) + "/"!r}, {str(ROOT / ".venv") + "/"!r}
        files = {{n: getattr(m, "__file__", None) or "" for n, m in sys.modules.items()}}
        mine = sorted(n for n, f in files.items() if f.startswith(root) and not f.startswith(venv))
        import setting
        print(mine, "pandas" in sys.modules, setting.VALUE)
        """,
    )
    one = clirun.run([sys.executable, path], capture_output=True, text=True, env=env(CLIRUN_VALUE="一"), timeout=300)
    two = clirun.run([sys.executable, path], capture_output=True, text=True, env=env(CLIRUN_VALUE="二"), timeout=300)
    assert (one.returncode, one.stdout, one.stderr) == (0, "[] True 一\n", "")
    assert (two.returncode, two.stdout, two.stderr) == (0, "[] True 二\n", "")


@pytest.mark.parametrize("given", [{"A": "1"}, {"A": "1", "LANG": "C.UTF-8"}, {"PYTHONIOENCODING": "latin-1"}])
def test_the_env_is_exactly_the_one_given(tmp_path, given):
    """No more and no less than the env given, as a real interpreter has it (which sets LC_CTYPE when it
    coerces the C locale, PEP 538); and the streams' encoding follows it."""
    path = script(tmp_path, "import os, sys; print(dict(os.environ), os.getcwd(), sys.path[0], sys.stdout.encoding)")
    forked = clirun.run([sys.executable, path], capture_output=True, text=True, cwd=ROOT, env=given, timeout=300)
    real = subprocess.run([sys.executable, path], capture_output=True, text=True, cwd=ROOT, env=given, timeout=300)
    assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr)
    assert forked.stdout.startswith(repr(given)[:-1]) and f" {ROOT} {tmp_path} " in forked.stdout


def test_atexit_handlers_run_and_threads_are_joined(tmp_path):
    path = script(
        tmp_path,
        """\
        import atexit, sys, threading, time
        atexit.register(lambda: print("atexit"))
        threading.Thread(target=lambda: (time.sleep(0.2), print("thread"))).start()
        sys.exit(4)
        """,
    )
    p = both([sys.executable, path])
    assert (p.returncode, p.stdout) == (4, "thread\natexit\n")


def test_a_timeout_kills_the_command(tmp_path):
    path = script(tmp_path, "import sys, time; print('started', flush=True); time.sleep(60)")
    with pytest.raises(subprocess.TimeoutExpired) as e:
        clirun.run([sys.executable, path], capture_output=True, text=True, env=env(), timeout=5)
    assert e.value.output == "started\n" and e.value.timeout == 5
