"""The load benchmark (issue 16 §4): K headless Chromium sessions doing the three journeys.

They run on the real pages of a running server, which the benchmark starts and stops itself.

    python -m bench.load --scale county --sessions 20 --duration 120 [--processes 2] [--json FILE]
    python manage.py bench --load …     (the same)

The journeys, assigned in turn (session 1 an office user, 2 a grid leader, 3 a leader, 4 an office
user, …), each on its own account created for the run:

- **office** (乡镇/街道, one township): opens 走访覆盖, clicks a village on the map, then one of its
  grids, then 返回 (the sidebar's way back up), and again — every view a "coverage" page view;
- **grid leader** (网格长, their grids): the weekly page is their home; records home visits dated
  today, one household after another (longest unvisited first), each a "visit saved" view that
  ends when the page says 已登记 for that household;
- **leader** (县领导): opens 信访热点, then 信访办理, and again.

Sessions start staggered (``stagger`` seconds apart) and think ``think`` seconds (±50 %, seeded)
between clicks. Every wait is for the page's content (the heading, the breadcrumb, the message of
the saved visit) and for Streamlit's own "script not running" mark (``data-test-script-state`` on
the app's root), never a fixed sleep. A view is timed from the click (or ``goto``) to then.

Measured: per page the views, median and p95 (ms); sessions that signed in; the server's CPU time
(user + system, ``/proc/PID/stat``, of every process of the server — its children and, for
PostgreSQL, the database server's processes too — before and after the sessions) divided by the
page views; the peak of the server's memory (the sum of the processes' PSS, sampled every 0.5 s;
for one process that is its RSS less shared libraries' pages counted once); and the visits lost:
the visits a session saw confirmed that are not stored (read after the server stopped).

The data set is copied first (the run adds accounts and visits; the original stays as it was).
The browsers run on the same machine as the server: their CPU is not in the server's figure but
they compete with it for the cores, so the times are those of a busier machine than the server's
own load makes. Their CPU is reported beside the server's, per page view: every process under the
benchmark that is not the server's — Chromium's browser, renderer, GPU, utility and zygote
processes, Playwright's driver, the benchmark itself — sampled every 0.5 s while they run
(:class:`ClientCPU`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Self

import numpy as np

from store.cluster import free_port, free_ports
from i18n import CATALOG, t  # the labels the sessions look for: the pages show them through t(key)

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LIANXIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: the accounts' password (the benchmark's own accounts, on its own copy of the data set)
PASSWORD = "lianxin-load-bench-ridge-73"
JOURNEYS = ("office", "grid_leader", "leader")
#: a county's evening rush, for the cores estimate: sessions, and seconds between one person's clicks
RUSH_SESSIONS, RUSH_CLICK_EVERY_S = 300, 20
#: the app's own log of its script runs (ui/runlog.py), in the run's folder
RUN_LOG = "runs.jsonl"
#: the order of the pages in the table
PAGE_ORDER = ("login form", "sign-in", "coverage", "hotspots", "petitions", "visit saved")

_IDLE_JS = """() => { const a = document.querySelector('[data-testid="stApp"]');
    return !!a && a.getAttribute('data-test-script-state') === 'notRunning'; }"""


class LoadError(RuntimeError):
    """The benchmark cannot run (the sentence says why: no chromium, the server did not start…)."""


# ----------------------------------------------------------------------------- plan


@dataclass
class SessionPlan:
    """One browser session: its journey, account and what it clicks on."""

    index: int
    journey: str
    user: str
    start_delay: float
    # office: (township name, [(code, name, lat, lon) of the village, then of the grid])
    township: str | None = None
    drill: list[tuple[str, str, float, float]] = field(default_factory=list)
    # grid leader: the households to record visits for, in order
    households: list[str] = field(default_factory=list)


def _inside(geom_wkb: bytes) -> tuple[float, float]:
    """A point certainly inside an area's polygon (shapely's representative point).

    Returns
    -------
    lat, lon : float
        Degrees WGS-84.
    """
    import shapely

    p = shapely.from_wkb(bytes(geom_wkb)).representative_point()
    return float(p.y), float(p.x)


def prepare(db_path: Path, sessions: int, today: dt.date, stagger: float) -> list[SessionPlan]:
    """Create one account per session in the DuckDB file ``db_path`` and plan what each clicks on.

    Parameters
    ----------
    db_path : the benchmark's copy of the data set (the server must not be running on it).
    sessions : K, the number of browser sessions; journeys are assigned in turn (:data:`JOURNEYS`).
    today : the server's today (visits are recorded on it).
    stagger : seconds between two sessions' starts.

    Returns
    -------
    list of SessionPlan, one per session.

    Raises
    ------
    LoadError
        The data set has no township to drill into or no grid leader with households.
    """
    from analytics import visits as V
    from auth import users
    from store import db

    con = db.connect(db_path)
    try:
        paths = db.df(con, "load_drill_paths")
        leaders = db.df(con, "load_grid_leaders", day=today)
        if paths.empty or leaders.empty:
            raise LoadError(
                f"{db_path}: 没有可下钻的乡镇或有住户的网格长 / the data set has no township "
                "with drawn villages and grids, or no grid leader with households"
            )
        plans = []
        n = {j: 0 for j in JOURNEYS}
        for i in range(sessions):
            journey = JOURNEYS[i % len(JOURNEYS)]
            k = n[journey]
            n[journey] += 1
            plan = SessionPlan(
                index=i + 1, journey=journey, user=f"load_{journey}_{i + 1:03d}", start_delay=i * stagger
            )
            if journey == "office":
                p = paths.iloc[k % len(paths)]
                plan.township = p["township_name"]
                plan.drill = [
                    (p["village_code"], p["village_name"], *_inside(p["village_geom"])),
                    (p["grid_code"], p["grid_name"], *_inside(p["grid_geom"])),
                ]
                users.add_user(con, plan.user, PASSWORD, "office", areas=[p["township_code"]])
            elif journey == "grid_leader":
                if k >= len(leaders):
                    raise LoadError(
                        f"{db_path}: 网格长不够 {n['grid_leader']} 个 / fewer grid leaders with "
                        f"households than grid-leader sessions ({len(leaders)})"
                    )
                r = leaders.iloc[k]
                grids = r["grids"].split(",")
                hh = V.staff_households(con, r["staff_id"], today, scope=grids)
                fresh = hh[hh["last_visit"].isna() | (hh["last_visit"] < np.datetime64(today))]
                plan.households = fresh["household_code"].tolist()
                users.add_user(con, plan.user, PASSWORD, "grid_leader", areas=grids, staff_id=r["staff_id"])
            else:
                users.add_user(con, plan.user, PASSWORD, "leader")
            plans.append(plan)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return plans


# ----------------------------------------------------------------------------- the server's processes


def _proc_stats() -> dict[int, list[str]]:
    """Every process now: its ``/proc/PID/stat`` fields after the name (``state`` is field 0).

    Returns
    -------
    dict
        pid → fields (see proc(5): 1 is the parent pid, 11–14 utime, stime, cutime, cstime in
        ticks, 19 the start time). A process gone while reading is left out.
    """
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        out[int(d)] = s[s.rindex(")") + 2 :].split()
    return out


def _proc_table() -> dict[int, tuple[int, int]]:
    """Every process now, from ``/proc``.

    Returns
    -------
    dict
        pid → (parent pid, CPU ticks: user + system of the process and of its waited-for children).
    """
    return {pid: (int(f[1]), sum(int(x) for x in f[11:15])) for pid, f in _proc_stats().items()}


def process_tree(roots: list[int], table: dict[int, tuple[int, int]] | None = None) -> list[int]:
    """The processes ``roots`` and all their descendants (those alive now).

    Parameters
    ----------
    roots : process ids.
    table : :func:`_proc_table` (read now when not given).

    Returns
    -------
    list of pids.
    """
    table = table if table is not None else _proc_table()
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [r for r in roots if r in table]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(roots: list[int]) -> float:
    """CPU time (s, user + system) spent so far by the process trees of ``roots``.

    Each live process counts its own time and that of its children it has waited for
    (``utime + stime + cutime + cstime`` of ``/proc/PID/stat``), so a process that ended during the
    run (a PostgreSQL backend) still counts, in its parent.

    Returns
    -------
    float
        Seconds.
    """
    table = _proc_table()
    ticks = sum(table[p][1] for p in process_tree(roots, table))
    return ticks / os.sysconf("SC_CLK_TCK")


#: what a process of the client side is, by its Chromium ``--type=`` (or its name): the browsers' kinds
BROWSER_KINDS = ("browser", "renderer", "gpu-process", "utility", "zygote", "broker", "crashpad-handler")


def _own_ticks() -> dict[int, tuple[int, int, int]]:
    """Every process now, from ``/proc``, with its own CPU only.

    Returns
    -------
    dict
        pid → (parent pid, CPU ticks of the process itself: user + system, its start time in ticks
        since boot — a pid and its start name one process, however pids are reused).
    """
    return {pid: (int(f[1]), int(f[11]) + int(f[12]), int(f[19])) for pid, f in _proc_stats().items()}


def process_kind(pid: int) -> str:
    """What a process of the client side is.

    Chromium names each of its processes on its command line (``--type=renderer``, ``gpu-process``,
    ``utility``, ``zygote``…; the processes the zygote forks rewrite theirs); its main process has
    no type.

    Returns
    -------
    str
        The Chromium type; ``browser`` for Chromium's main process; otherwise the program's name
        (``python3``, ``node`` — Playwright's driver…); ``?`` for a process already gone or ended and
        not yet reaped (a renderer closing with its browser was once counted as a browser).
    """
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().replace(b"\0", b" ").decode(errors="replace").split()
        with open(f"/proc/{pid}/comm") as f:
            comm = f.read().strip()
    except OSError:
        return "?"
    if not args:  # ended, not yet reaped: a zombie's command line is empty (its name is not)
        return "?"
    kind = next((a.split("=", 1)[1] for a in args if a.startswith("--type=")), None)
    if kind:
        return kind
    return "browser" if comm.startswith(("chrom", "headless_shell")) else comm


class Sampler:
    """Something read every ``every`` seconds in a thread while a ``with`` block runs.

    :meth:`sample` is called in the thread, and once more at the block's end; a subclass samples once
    at its start too, in its ``__init__``.
    """

    def __init__(self, every: float) -> None:
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        """Read what is sampled now (the subclass says what)."""
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


class ClientCPU(Sampler):
    """The CPU of the client side — the browsers, Playwright's driver, the benchmark — sampled in a thread.

    Every ``every`` seconds it reads each process under ``root`` (this process) that is not one of
    the server's, and keeps the newest CPU time of each (its own, not its children's: a process is
    counted once, however deep it is — Chromium's renderers are the zygote's children, the zygote
    the browser's, the browser Playwright's driver's, and the driver this process's). A process
    that ends is counted up to its last sample (the browsers are sampled once more just before they
    close, :meth:`sample`), so it misses at most ``every`` seconds of each process that ends during
    the run, and processes that live less than that. Counting at the end alone missed most of it:
    the browsers' processes are gone by then, and their time reaches this process's
    ``cutime`` only if every parent between waited for its children.

    Attributes
    ----------
    by_kind : dict
        :func:`process_kind` → CPU seconds since the start, of every process seen.
    """

    def __init__(self, server_roots: list[int], every: float = 0.5, root: int | None = None) -> None:
        super().__init__(every)
        self.server_roots, self.root = server_roots, root or os.getpid()
        self._base: dict[tuple[int, int], int] = {}  # the processes alive at the start: their ticks then
        self._last: dict[tuple[int, int], int] = {}
        self._kind: dict[tuple[int, int], str] = {}
        self._lock = threading.Lock()
        self.sample(start=True)

    def sample(self, start: bool = False) -> None:
        """Read the client's processes now (``start``: their ticks so far are not counted)."""
        table = _own_ticks()
        tree = {p: (v[0], 0) for p, v in table.items()}  # process_tree's shape
        server = set(process_tree(self.server_roots, tree))
        with self._lock:
            for pid in process_tree([self.root], tree):
                if pid in server:
                    continue
                _, ticks, began = table[pid]
                key = (pid, began)
                if start and key not in self._base:
                    self._base[key] = ticks
                kind = process_kind(pid)  # read again: a process seen between its fork and its exec changes name
                if kind != "?" or key not in self._kind:
                    self._kind[key] = kind
                self._last[key] = max(ticks, self._last.get(key, 0))

    @property
    def by_kind(self) -> dict[str, float]:
        """CPU seconds per kind of process since the start (see the class).

        Returns
        -------
        dict
            Kind → seconds, largest first.
        """
        tck = os.sysconf("SC_CLK_TCK")
        out: dict[str, float] = {}
        with self._lock:
            for key, ticks in self._last.items():
                kind = self._kind[key]
                out[kind] = out.get(kind, 0.0) + (ticks - self._base.get(key, 0)) / tck
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    @property
    def browser_s(self) -> float:
        """CPU seconds of the browsers' processes (:data:`BROWSER_KINDS`).

        Returns
        -------
        float
            Seconds.
        """
        return sum(s for k, s in self.by_kind.items() if k in BROWSER_KINDS)

    @property
    def total_s(self) -> float:
        """CPU seconds of every client process (browsers, driver, benchmark).

        Returns
        -------
        float
            Seconds.
        """
        return sum(self.by_kind.values())


def machine_cpu() -> tuple[float, float]:
    """CPU seconds of the whole machine so far, every core (``/proc/stat``'s first line).

    Returns
    -------
    busy : float
        Seconds not idle (idle and iowait are not busy).
    all : float
        All seconds.
    """
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    tck = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / tck, sum(ticks[:8]) / tck


def read_run_log(path: Path, since: float, until: float) -> list[dict[str, Any]]:
    """The server's own script runs that ended between ``since`` and ``until`` (unix times).

    Read from the app's run log (ui/runlog.py).

    Returns
    -------
    list of dict
        Its lines: ``at`` (unix time the run ended), ``page``, ``ms`` (wall), ``cpu_ms`` (the script
        thread's), ``queue_ms`` (its time runnable but waiting for a core; absent in an older tree, None
        without Linux schedstats), ``user`` (None in an older tree). Empty when the app wrote none.
    """
    out = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if since <= r["at"] <= until:
                out.append(r)
    return out


def server_runs(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per page, the server's own script runs (:func:`read_run_log`).

    Returns
    -------
    dict
        page → runs, median and p95 of their wall ms, mean CPU ms of the script's thread and mean ms it
        was runnable but waiting for a core (``queue_ms_mean``: None when no run of the page has it —
        an older tree, no Linux schedstats). The rest of a run's wall time the thread was blocked: on the
        interpreter lock, another lock, DuckDB's threads.
    """
    runs: dict[str, list[tuple[float, float, float | None]]] = {}
    for r in lines:
        runs.setdefault(r["page"], []).append((r["ms"], r["cpu_ms"], r.get("queue_ms")))
    out = {}
    for page, xs in sorted(runs.items()):
        queued = [q for _, _, q in xs if q is not None]
        out[page] = {
            "runs": len(xs),
            "median_ms": round(statistics.median(m for m, _, _ in xs), 1),
            "p95_ms": round(_percentile([m for m, _, _ in xs], 95), 1),
            "cpu_ms_mean": round(statistics.fmean(c for _, c, _ in xs), 1),
            "queue_ms_mean": round(statistics.fmean(queued), 1) if queued else None,
        }
    return out


def view_split(
    views: list["View"], lines: list[dict[str, Any]], users: dict[int, str], tail: float = 90
) -> dict[str, dict[str, Any]]:
    """Where a browser view's time went: in the server's script runs for its session, or outside them.

    Each view (click to content shown) is matched with the runs of the app's script for the same
    account (:func:`read_run_log`) that overlap it; their wall time inside the view is the *script*
    part (of which the script thread's CPU is *script CPU*; the rest of it, the script waiting — for
    the interpreter lock, for DuckDB's threads, for a core); what is left is *outside the script*:
    the click reaching the server, a fragment's run before the page's rerun (a map click), the
    messages' way back and the browser drawing them.

    Parameters
    ----------
    views : :attr:`Record.views`.
    lines : the run log.
    users : session index → account.
    tail : the slowest views, from this percentile of their time up, are also averaged alone.

    Returns
    -------
    dict
        page → ``views``, ``matched`` (views with a run), and the mean ms of ``view``, ``script``,
        ``script_cpu``, ``outside``, over all views and over the slowest (``tail_*``). Pages whose
        views no run matched (a login form) are left out.
    """
    by_user: dict[str | None, list[tuple[float, float, float]]] = {}
    for r in lines:
        by_user.setdefault(r.get("user"), []).append((r["at"] - r["ms"] / 1000, r["at"], r["cpu_ms"]))
    out: dict[str, dict[str, Any]] = {}
    pages = [p for p in PAGE_ORDER if any(v.page == p for v in views)]
    for page in pages:
        rows = []
        for v in views:
            if v.page != page or not v.ok or not v.at:
                continue
            t0, t1 = v.at - v.ms / 1000, v.at
            script = cpu = 0.0
            for a, b, c in by_user.get(users.get(v.session), []):
                if b > t0 and a < t1:
                    script += (min(b, t1) - max(a, t0)) * 1000
                    cpu += c
            rows.append((v.ms, script, min(cpu, script), v.ms - script))
        matched = [r for r in rows if r[1] > 0]
        if not matched:
            continue
        cut = _percentile([r[0] for r in rows], tail)
        slow = [r for r in rows if r[0] >= cut]
        names = ("view_ms", "script_ms", "script_cpu_ms", "outside_ms")  # a row's fields, in order
        out[page] = {
            "views": len(rows),
            "matched": len(matched),
            **{k: round(statistics.fmean(r[i] for r in rows), 1) for i, k in enumerate(names)},
            "tail_views": len(slow),
            **{f"tail_{k}": round(statistics.fmean(r[i] for r in slow), 1) for i, k in enumerate(names)},
        }
    return out


def memory_mb(roots: list[int]) -> float:
    """The server's memory now: the sum of the PSS of its processes (RSS where PSS is unreadable).

    Returns
    -------
    float
        MB.
    """
    total_kb = 0
    for pid in process_tree(roots):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total_kb += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            try:
                with open(f"/proc/{pid}/statm") as f:
                    total_kb += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            except OSError:
                pass
    return total_kb / 1024


class PeakMemory(Sampler):
    """Samples :func:`memory_mb` of ``roots`` every ``every`` seconds in a thread; ``peak`` in MB."""

    def __init__(self, roots: list[int], every: float = 0.5) -> None:
        super().__init__(every)
        self.roots, self.peak = roots, 0.0
        self.sample()

    def sample(self) -> None:
        """The server's memory now, kept when it is the largest yet."""
        self.peak = max(self.peak, memory_mb(self.roots))


@dataclass
class Server:
    """A running server.

    Its base URL, the processes whose CPU and memory count, how to stop the app, where to count the
    stored visits once it stopped, and how to remove everything after that.
    """

    url: str
    roots: list[int]
    stop: Callable[[], None]
    describe: str
    store: str
    database: str
    close: Callable[[], None] = lambda: None
    processes: list[str] = field(default_factory=list)  # each app process's own URL (to warm each one up)


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    """Wait until ``url``/_stcore/health answers 200.

    Raises
    ------
    LoadError
        The process ended, or ``timeout`` seconds passed (with the end of its log).
    """
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise LoadError(f"the server ended (exit {proc.returncode}): {log.read_text(errors='replace')[-1500:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise LoadError(f"the server did not answer within {timeout:.0f} s: {log.read_text(errors='replace')[-1500:]}")


def _stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_streamlit(db_path: Path, folder: Path, today: dt.date) -> Server:
    """`streamlit run app.py` on the DuckDB file ``db_path`` (one process, as tests/e2e/conftest.py does).

    Returns
    -------
    Server
        Healthy.
    """
    port = free_port()
    env = dict(
        os.environ,
        LIANXIN_DB=str(db_path),
        LIANXIN_TODAY=today.isoformat(),
        LIANXIN_TILES="none",
        LIANXIN_RUN_LOG=str(folder / RUN_LOG),
    )
    log = folder / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
    except BaseException:
        _stop_process(proc)
        raise
    return Server(
        url=url,
        roots=[proc.pid],
        stop=lambda: _stop_process(proc),
        describe="DuckDB, 1 Streamlit process",
        store="duckdb",
        database=str(db_path),
        processes=[url],
    )


def start_postgres(
    db_path: Path, folder: Path, today: dt.date, processes: int, log: Callable[[str], None] = print
) -> Server:
    """A throwaway PostgreSQL cluster (store.cluster) holding a copy of the DuckDB file, and the app on it.

    The copy is ``manage.py copy-to``'s; the app ``scripts/serve.sh --processes N`` (nginx in front
    when N > 1). The server's processes are serve.sh's tree (the app processes, nginx) and the
    PostgreSQL server's (its postmaster and backends): the database's work is part of a page view's
    cost, as it is inside the one process with DuckDB.

    Returns
    -------
    Server
        Healthy; its ``close`` removes the cluster.

    Raises
    ------
    LoadError
        No PostgreSQL store or cluster here, or the copy failed.
    """
    try:
        from store.cluster import Cluster, Unavailable
    except ImportError:
        raise LoadError(
            "这个版本没有 PostgreSQL 存储 / this version has no PostgreSQL store (store/cluster.py)"
        ) from None
    try:
        cluster = Cluster(settings={"shared_buffers": "1GB"})
    except Unavailable as e:
        raise LoadError(f"PostgreSQL: {e}") from None
    try:
        url = cluster.url("lianxin_load")
        t0 = time.perf_counter()
        r = subprocess.run(
            [sys.executable, "manage.py", "--db", str(db_path), "copy-to", url],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            raise LoadError(f"copy-to {url} failed: {(r.stderr or r.stdout).strip()[-800:]}")
        log(f"load: copied into {url} ({time.perf_counter() - t0:.0f} s)")
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        first = free_ports(processes + 1)  # the app processes' ports, then nginx's
        port = first + processes
        env = dict(
            os.environ,
            LIANXIN_DB=url,
            LIANXIN_TODAY=today.isoformat(),
            LIANXIN_TILES="none",
            LIANXIN_RUN_LOG=str(folder / RUN_LOG),
        )
        out = folder / "serve.log"
        with open(out, "w") as f:
            proc = subprocess.Popen(
                [
                    "bash",
                    "scripts/serve.sh",
                    "--processes",
                    str(processes),
                    "--port",
                    str(port),
                    "--first-port",
                    str(first),
                ],
                cwd=ROOT,
                env=env,
                stdout=f,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, proc, out)
        except BaseException:
            _stop_process(proc)
            raise
    except BaseException:
        cluster.close()
        raise
    return Server(
        url=base,
        roots=[proc.pid, postmaster],
        stop=lambda: _stop_process(proc),
        describe=f"PostgreSQL, {processes} Streamlit process{'es' if processes > 1 else ''}"
        + (" behind nginx" if processes > 1 else ""),
        store="postgres",
        database=url,
        close=cluster.close,
        processes=[f"http://127.0.0.1:{first + i}" for i in range(processes)],
    )


# ----------------------------------------------------------------------------- the sessions


@dataclass
class View:
    """One timed page view of one session."""

    page: str
    ms: float
    ok: bool
    session: int
    end: float = 0.0  # time.perf_counter() when the view ended (for the timeline in the JSON)
    at: float = 0.0  # unix time when the view ended (to match the server's run log)


@dataclass
class Record:
    """What the sessions saw."""

    views: list[View] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    signed_in: set[int] = field(default_factory=set)
    confirmed: dict[str, set[str]] = field(default_factory=dict)  # user → household codes 已登记
    clicks_ms: list[float] = field(default_factory=list)  # how long the sign-in button took to click
    duplicates: int = 0

    def add(self, plan: SessionPlan, page: str, t0: float, ok: bool = True) -> None:
        """A view of ``page`` that started at ``t0`` (``time.perf_counter()``) ends now."""
        now = time.perf_counter()
        self.views.append(View(page, (now - t0) * 1000, ok, plan.index, now, time.time()))

    def error(self, plan: SessionPlan, page: str, t0: float, e: BaseException) -> None:
        """A view of ``page`` failed now with ``e``: counted as failed, its first line kept.

        With it the last line of Playwright's call log, when there is one: what the wait was
        waiting for (e.g. ``element is not enabled``).
        """
        self.add(plan, page, t0, ok=False)
        lines = [line.strip(" -") for line in str(e).splitlines() if line.strip(" -")] or [type(e).__name__]
        said = lines[0][:200] + (f" … {lines[-1][:120]}" if len(lines) > 2 and lines[1] == "Call log:" else "")
        self.errors.append(f"session {plan.index} ({plan.journey}) {page}: {type(e).__name__}: {said}")


async def _shot(page: Page, plan: SessionPlan, what: str) -> None:
    """A screenshot of a failed view into ``$LIANXIN_LOAD_SHOTS`` when set (to see why)."""
    folder = os.environ.get("LIANXIN_LOAD_SHOTS")
    if folder:
        try:
            await page.screenshot(path=str(Path(folder) / f"load-{plan.index:03d}-{what}-{time.time():.0f}.png"))
        except Exception:
            pass


async def _idle(page: Page, timeout_ms: float) -> None:
    await page.wait_for_function(_IDLE_JS, timeout=timeout_ms, polling=100)


async def _crumb(page: Page, chain: str, timeout_ms: float) -> None:
    """Until the sidebar's breadcrumb reads ``chain`` (e.g. ``一镇 › 甲村``) and the script is done."""
    await page.wait_for_function(
        """(chain) => [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]')]
                        .some(e => e.innerText.trim() === chain)""",
        arg=chain,
        timeout=timeout_ms,
        polling=100,
    )
    await _idle(page, timeout_ms)


async def _nav(page: Page, path: str, heading: str, timeout_ms: float) -> None:
    """Open a page through the sidebar (a new URL would be a new, signed-out session)."""
    await page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").click(timeout=timeout_ms)
    await page.get_by_role("heading", name=heading).first.wait_for(timeout=timeout_ms)
    await _idle(page, timeout_ms)


async def _click_area(page: Page, code: str, lat: float, lon: float, timeout_ms: float) -> None:
    """Click the coverage map (in streamlit-folium's iframe) on the area ``code``.

    Once a map drawing it is there (the previous view's map may still be on its way out).

    The maps draw on a canvas, with the households due as dots over the polygons: a click on a dot
    opens its tooltip instead of drilling down. So the click goes to a point inside the area's
    polygon and no other (Leaflet's own hit test, ``_containsPoint``, which has a tolerance at the
    borders) at least 6 px clear of every dot, where
    nothing (legend, zoom buttons) covers the map; (lat, lon), a point inside the area, is tried
    first, then a grid of points over the area's bounds.

    Raises
    ------
    TimeoutError
        No map drawing the area within ``timeout_ms``.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    spot = """([code, lat, lon]) => {
        const m = window.map;
        if (!m || !m.eachLayer || m._animatingZoom || m._panAnim && m._panAnim._inProgress) return null;
        let target = null; const dots = [], others = [];
        m.eachLayer(l => {
            if (l.feature && l.feature.properties && l.feature.properties.code === code) target = l;
            else if (l.getLatLng && l._radius !== undefined) dots.push(l);
            else if (l._containsPoint) others.push(l);
        });
        if (!target || !target._containsPoint) return null;
        const r = m._container.getBoundingClientRect(), b = target.getBounds(), tries = [[lat, lon]];
        for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++)
            tries.push([b.getSouth() + (b.getNorth() - b.getSouth()) * i / 16,
                        b.getWest() + (b.getEast() - b.getWest()) * j / 16]);
        for (const [la, lo] of tries) {
            const lp = m.latLngToLayerPoint([la, lo]);
            if (!target._containsPoint(lp) || others.some(o => o._containsPoint(lp))) continue;   // not on a border
            if (dots.some(d => d._point && d._point.distanceTo(lp) < d._radius + 6)) continue;
            const cp = m.latLngToContainerPoint([la, lo]), x = cp.x + r.left, y = cp.y + r.top;
            const el = document.elementFromPoint(x, y);
            if (!el || !(el.tagName === 'CANVAS' || el === target._path)) continue;
            return [x, y];
        }
        return null; }"""
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                xy = await frame.evaluate(spot, [code, lat, lon])
                if not xy:
                    continue
                el = await frame.frame_element()
                await el.scroll_into_view_if_needed()
                # where it is after the scroll, once the map stands still (it zooms to fit after drawing),
                # and the page around it too (elements above it still being drawn move it down)
                xy, box = await frame.evaluate(spot, [code, lat, lon]), await el.bounding_box()
                await page.wait_for_timeout(250)
                again, box2 = await frame.evaluate(spot, [code, lat, lon]), await el.bounding_box()
            except Exception:  # the frame went away while we looked: look again
                continue
            if xy and box and again == xy and box2 == box:
                await page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
                return
        await page.wait_for_timeout(200)
    raise TimeoutError(f"no map drawing {code} within {timeout_ms / 1000:.0f} s")


async def _think(rng: random.Random, think: float) -> None:
    if think > 0:
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def _office(
    page: Page,
    plan: SessionPlan,
    rec: Record,
    until: float,
    rounds: int,
    think: float,
    rng: random.Random,
    timeout_ms: float,
) -> None:
    top = plan.township
    t0 = time.perf_counter()
    try:
        await _nav(page, "coverage", t("coverage.title", "zh"), timeout_ms)
        await _crumb(page, top, timeout_ms)
        rec.add(plan, "coverage", t0)
    except Exception as e:
        rec.error(plan, "coverage", t0, e)
    done = 0
    while done < rounds or time.monotonic() < until:
        try:
            chain = top
            for code, name, lat, lon in plan.drill:
                await _think(rng, think)
                await _idle(page, timeout_ms)
                await _click_area(page, code, lat, lon, timeout_ms)  # the map drawn: not part of the view
                t0 = time.perf_counter()
                chain = f"{chain} › {name}"
                await _crumb(page, chain, timeout_ms)
                rec.add(plan, "coverage", t0)
            await _think(rng, think)
            t0 = time.perf_counter()
            await (
                page.locator("[data-testid='stSidebar']")
                .get_by_role("button", name=t("sidebar.back_to", "zh", name=top))
                .click(timeout=timeout_ms)
            )
            await _crumb(page, top, timeout_ms)
            rec.add(plan, "coverage", t0)
        except Exception as e:
            rec.error(plan, "coverage", t0, e)
            await _shot(page, plan, "coverage")
            t0 = time.perf_counter()
            try:  # start again from the page's top
                await _nav(page, "overview", t("overview.title", "zh"), timeout_ms)
                await _nav(page, "coverage", t("coverage.title", "zh"), timeout_ms)
                await _crumb(page, top, timeout_ms)
            except Exception as e2:
                rec.error(plan, "coverage", t0, e2)
        done += 1


async def _leader(
    page: Page,
    plan: SessionPlan,
    rec: Record,
    until: float,
    rounds: int,
    think: float,
    rng: random.Random,
    timeout_ms: float,
) -> None:
    done = 0
    while done < rounds or time.monotonic() < until:
        for path, heading, name in (
            ("hotspots", t("hotspots_page.title", "zh"), "hotspots"),
            ("petitions", t("petitions_page.title", "zh"), "petitions"),
        ):
            await _think(rng, think)
            t0 = time.perf_counter()
            try:
                await _nav(page, path, heading, timeout_ms)
                rec.add(plan, name, t0)
            except Exception as e:
                rec.error(plan, name, t0, e)
                await _shot(page, plan, name)
        done += 1


async def _grid_leader(
    page: Page,
    plan: SessionPlan,
    rec: Record,
    until: float,
    rounds: int,
    think: float,
    rng: random.Random,
    timeout_ms: float,
) -> None:
    mine = rec.confirmed.setdefault(plan.user, set())
    todo = list(plan.households)
    done = 0
    while todo and (done < rounds or time.monotonic() < until):
        code = todo.pop(0)
        await _think(rng, think)
        t0 = time.perf_counter()
        try:
            await _idle(page, timeout_ms)
            picker = page.locator("[data-testid='stSelectbox']").filter(has_text=t("weekly_page.household", "zh"))
            await picker.click(timeout=timeout_ms)
            await page.keyboard.type(code)
            await page.get_by_role("option").filter(has_text=code).first.click(timeout=timeout_ms)
            t0 = time.perf_counter()  # the view: from the click on 保存走访
            await page.get_by_role("button", name=t("weekly_page.submit", "zh")).click(timeout=timeout_ms)
            said = await page.wait_for_function(
                """(code) => {
                    for (const e of document.querySelectorAll('[data-testid="stAlert"], [data-testid="stToast"]')) {
                      const s = e.innerText; if (s.includes('（' + code + '）')) return s; } return null; }""",
                arg=code,
                timeout=timeout_ms,
                polling=100,
            )
            text = await said.json_value()
            await _idle(page, timeout_ms)
            rec.add(plan, "visit saved", t0)
            if SAVED_MARK in text:
                mine.add(code)
            else:
                rec.duplicates += 1
        except Exception as e:
            rec.error(plan, "visit saved", t0, e)
            await _shot(page, plan, "visit")
            try:
                await page.keyboard.press("Escape")
            except Exception:
                pass
        done += 1


async def _prime(
    page: Page,
    plan: SessionPlan,
    rec: Record,
    until: float,
    rounds: int,
    think: float,
    rng: random.Random,
    timeout_ms: float,
) -> None:
    """The warm-up's journey.

    An office user opens the coverage page and drills once, a leader opens 信访热点 and 信访办理,
    a grid leader only signs in (no visit is recorded before the run).
    """
    if plan.journey == "office":
        await _nav(page, "coverage", t("coverage.title", "zh"), timeout_ms)
        await _crumb(page, plan.township, timeout_ms)
        code, name, lat, lon = plan.drill[0]
        await _click_area(page, code, lat, lon, timeout_ms)
        await _crumb(page, f"{plan.township} › {name}", timeout_ms)
    elif plan.journey == "leader":
        await _nav(page, "hotspots", t("hotspots_page.title", "zh"), timeout_ms)
        await _nav(page, "petitions", t("petitions_page.title", "zh"), timeout_ms)


JOURNEY_RUNNERS = {"office": _office, "leader": _leader, "grid_leader": _grid_leader}
# the page text that says a journey's first page is drawn, and the start of the sentence confirming a saved visit:
# read from the catalog (the pages show these through t(key)), in the default language the sessions use
HOME_MARK = {
    "office": t("overview.title", "zh"),
    "leader": t("overview.title", "zh"),
    "grid_leader": t("weekly_page.metric.days", "zh"),
}
SAVED_MARK = CATALOG["zh"]["weekly_page.saved"].partition("{")[0]


async def _session(
    browser: Browser,
    base: str,
    plan: SessionPlan,
    rec: Record,
    t_start: float,
    duration: float,
    rounds: int,
    think: float,
    seed: int,
    timeout_ms: float,
    runner: Callable | None = None,
) -> None:
    rng = random.Random(seed * 1000 + plan.index)
    await asyncio.sleep(plan.start_delay)
    until = t_start + plan.start_delay + duration
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = await ctx.new_page()
    try:
        t0 = time.perf_counter()
        try:
            await page.goto(base, timeout=timeout_ms, wait_until="commit")  # then wait for the form itself
            await page.get_by_label(t("login.username", "zh")).wait_for(timeout=timeout_ms)
            await _idle(page, timeout_ms)  # typed into a form still being drawn, a name can get lost
            rec.add(plan, "login form", t0)
        except Exception as e:
            rec.error(plan, "login form", t0, e)
            await _shot(page, plan, "login-form")
            return
        t0 = time.perf_counter()
        try:
            # every wait of a view within the benchmark's limit (Playwright's own default is 30 s)
            await page.get_by_label(t("login.username", "zh")).fill(plan.user, timeout=timeout_ms)
            await page.get_by_label(t("login.password", "zh")).fill(PASSWORD, timeout=timeout_ms)
            t_click = time.perf_counter()
            await page.get_by_role("button", name=t("login.submit", "zh")).click(timeout=timeout_ms)
            rec.clicks_ms.append((time.perf_counter() - t_click) * 1000)
            await page.get_by_text(HOME_MARK[plan.journey]).first.wait_for(timeout=timeout_ms)
            await _idle(page, timeout_ms)
            rec.add(plan, "sign-in", t0)
            rec.signed_in.add(plan.index)
        except Exception as e:
            rec.error(plan, "sign-in", t0, e)
            await _shot(page, plan, "sign-in")
            return
        await (runner or JOURNEY_RUNNERS[plan.journey])(page, plan, rec, until, rounds, think, rng, timeout_ms)
    finally:
        await ctx.close()


def client_executable(folder: Path, nice: int) -> str:
    """The browser the sessions run in: Debian's chromium, or a wrapper that lowers its priority.

    With ``nice`` > 0 the wrapper starts it at that niceness and without the right to raise its own
    priority.

    The users' browsers run on their own phones and desks; here they share the server's two cores.
    Run as root, chromium raises its display threads to nice −8 and so takes the CPU from the server it
    is measuring. The wrapper (util-linux ``setpriv`` and ``chrt``, coreutils ``nice``) drops CAP_SYS_NICE
    from the browser's bounding and inheritable sets and starts it at ``nice`` — at 19 also in the
    SCHED_IDLE class, since forty browser threads at nice 19 still took a third of the server's core —
    and the group the kernel schedules it in (its session's autogroup: Playwright starts the browser in a
    session of its own) at that nice as well, since with autogroups (Debian's default) the kernel shares
    the cores between the groups first, whatever the niceness inside them (found in the fourteenth
    session: until then the browsers took about half of the cores from the server). So the browsers use
    what the server leaves. Their CPU is still reported beside the server's.

    Parameters
    ----------
    folder : where to write the wrapper (the run's temporary folder).
    nice : 0 for chromium itself; 1–19 for the wrapper.

    Returns
    -------
    str
        The executable's path for Playwright.
    """
    setpriv, chrt = shutil.which("setpriv"), shutil.which("chrt")
    if nice <= 0 or setpriv is None:
        return CHROMIUM
    idle = f"{chrt} --idle 0 " if chrt and nice >= 19 else ""  # SCHED_IDLE: only what nobody else wants
    wrapper = folder / "chromium-low-priority"
    # Playwright starts each browser in a session of its own, so with kernel.sched_autogroup_enabled (the
    # default) in a scheduler group of its own, which the kernel weighs equal to the server's whole group
    # whatever the browser's nice or SCHED_IDLE: at its group's nice 19 it gets what the server leaves
    wrapper.write_text(
        f"#!/bin/sh\n(echo {int(nice)} > /proc/self/autogroup) 2>/dev/null\n"
        f'exec {idle}{setpriv} --inh-caps=-sys_nice --bounding-set=-sys_nice '
        f'nice -n {int(nice)} {CHROMIUM} "$@"\n'
    )
    wrapper.chmod(0o755)
    return str(wrapper)


async def _drive(
    base: str,
    plans: list[SessionPlan],
    rec: Record,
    duration: float,
    rounds: int,
    think: float,
    seed: int,
    timeout_ms: float,
    log: Callable[[str], None] = print,
    browser_path: str = CHROMIUM,
    before_close: Callable[[], None] | None = None,
) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS, headless=True)
        try:
            t_start = time.monotonic()
            progress = asyncio.create_task(_progress(rec, len(plans), t_start, log))
            await asyncio.gather(
                *(
                    _session(browser, base, plan, rec, t_start, duration, rounds, think, seed, timeout_ms)
                    for plan in plans
                )
            )
            progress.cancel()
        finally:
            if before_close:
                before_close()  # e.g. the browsers' CPU, read while their processes are still there
            await browser.close()


async def _warm_up(urls: list[str], plans: list[SessionPlan], timeout_ms: float, browser_path: str) -> Record:
    """Before the run: in every app process, one session of each journey (:func:`_prime`) in turn.

    So the run measures a server in service, not its start (the geometry read, the hotspot
    statistics computed once per process).

    Returns
    -------
    Record
        What the warm-up saw (not counted).
    """
    from playwright.async_api import async_playwright

    rec = Record()
    firsts = [next(p for p in plans if p.journey == j) for j in JOURNEYS if any(p.journey == j for p in plans)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS, headless=True)
        try:
            for url in urls:
                for plan in firsts:
                    await _session(
                        browser,
                        url,
                        replace(plan, start_delay=0.0),
                        rec,
                        time.monotonic(),
                        0.0,
                        1,
                        0.0,
                        0,
                        timeout_ms,
                        runner=_prime,
                    )
        finally:
            await browser.close()
    return rec


def settle(roots: list[int], quiet_s: float = 0.1, window_s: float = 3.0, timeout_s: float = 600.0) -> float:
    """Wait until the server's processes used less than ``quiet_s`` CPU seconds in ``window_s`` seconds.

    Then its background warm-up (e.g. the hotspot statistics at grid level) is done.

    Returns
    -------
    float
        The seconds waited.
    """
    t0 = time.monotonic()
    before = cpu_seconds(roots)
    while time.monotonic() - t0 < timeout_s:
        time.sleep(window_s)
        now = cpu_seconds(roots)
        if now - before < quiet_s:
            break
        before = now
    return time.monotonic() - t0


async def _progress(
    rec: Record, sessions: int, t_start: float, log: Callable[[str], None], every: float = 30.0
) -> None:
    """A line every ``every`` seconds: how far the sessions got."""
    while True:
        await asyncio.sleep(every)
        failed = sum(1 for v in rec.views if not v.ok)
        log(
            f"load: {time.monotonic() - t_start:.0f} s: {len(rec.signed_in)} of {sessions} signed in, "
            f"{len(rec.views)} views ({failed} failed), "
            f"{sum(len(c) for c in rec.confirmed.values())} visits confirmed"
        )


# ----------------------------------------------------------------------------- the run


def _machine() -> str:
    model = ""
    try:
        model = next(
            (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), ""
        )
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.platform()}; {os.cpu_count()} CPU(s) {model}; {mem:.0f} GB RAM; Python {platform.python_version()}"
    )


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def after_sign_in(rec: Record, sessions: int) -> dict[str, Any] | None:
    """The pages' views that started once every session had signed in: median and p95 per page.

    The run's first minute is the sign-in storm — every session's browser starting Streamlit's page
    and signing in, on the same cores as the server (BENCHMARKS.md, "Sixteenth session") — and the
    views of those signed in first wait behind it. This part of the report tells the two apart; the
    pages' table keeps every view.

    Parameters
    ----------
    rec : what the sessions saw.
    sessions : how many sessions the run had.

    Returns
    -------
    dict or None
        ``after_s`` (when the last sign-in ended, seconds after the first view started) and ``pages``:
        page → ``views``, ``median_ms``, ``p95_ms`` (pages with no such view left out); None when not
        every session signed in.
    """
    ends = [v.end for v in rec.views if v.page == "sign-in" and v.ok]
    if not sessions or len(ends) < sessions or not rec.views:
        return None
    last = max(ends)
    first = min(v.end - v.ms / 1000 for v in rec.views)
    pages: dict[str, Any] = {}
    for name in dict.fromkeys(v.page for v in rec.views):
        ok = [v.ms for v in rec.views if v.page == name and v.ok and v.end - v.ms / 1000 >= last]
        if ok and name not in ("login form", "sign-in"):
            pages[name] = {
                "views": len(ok),
                "median_ms": round(statistics.median(ok), 1),
                "p95_ms": round(_percentile(ok, 95), 1),
            }
    return {"after_s": round(last - first, 1), "pages": pages}


def summarize(
    rec: Record, plans: list[SessionPlan], cpu_s: float, peak_mb: float, stored: dict[str, set[str]], **about: Any
) -> dict[str, Any]:
    """The report: per page views, failures, median and p95; sessions; CPU per view; memory; visits.

    Parameters
    ----------
    rec : what the sessions saw.
    plans : the sessions.
    cpu_s : the server's CPU time over the run (s).
    peak_mb : the server's peak memory (MB).
    stored : per grid-leader account, the household codes of today's home visits stored.
    about : anything else to carry (label, store, machine, load averages…); a ``browser_cpu_s``
        (:class:`ClientCPU`) is also reported per page view.

    Returns
    -------
    dict (JSON-ready).
    """
    pages: dict[str, dict[str, Any]] = {}
    names = [p for p in PAGE_ORDER if any(v.page == p for v in rec.views)]
    names += sorted({v.page for v in rec.views} - set(names))
    for name in names:
        ok = [v.ms for v in rec.views if v.page == name and v.ok]
        pages[name] = {
            "views": len(ok),
            "failed": sum(1 for v in rec.views if v.page == name and not v.ok),
            "median_ms": round(statistics.median(ok), 1) if ok else None,
            "p95_ms": round(_percentile(ok, 95), 1) if ok else None,
            "max_ms": round(max(ok), 1) if ok else None,
        }
    views = sum(p["views"] + p["failed"] for p in pages.values())
    confirmed = sum(len(c) for c in rec.confirmed.values())
    lost = sum(len(c - stored.get(u, set())) for u, c in rec.confirmed.items())
    per_view = cpu_s * 1000 / views if views else None
    browser = about.get("browser_cpu_s")
    browser_per_view = browser * 1000 / views if views and browser is not None else None
    rush_views_per_s = RUSH_SESSIONS / RUSH_CLICK_EVERY_S
    return {
        **about,
        "sessions": len(plans),
        "journeys": {j: sum(1 for p in plans if p.journey == j) for j in JOURNEYS},
        "signed_in": len(rec.signed_in),
        # the sign-in click alone (Playwright waits until the button is visible, still and enabled —
        # a starved browser draws slowly): before the tenth session it failed after 30 s
        "sign_in_clicks": {
            "clicks": len(rec.clicks_ms),
            "median_ms": round(statistics.median(rec.clicks_ms), 1) if rec.clicks_ms else None,
            "max_ms": round(max(rec.clicks_ms), 1) if rec.clicks_ms else None,
            "over_30_s": sum(1 for ms in rec.clicks_ms if ms > 30_000),
        },
        "pages": pages,
        "after_sign_in": after_sign_in(rec, len(plans)),
        "page_views": views,
        "server_cpu_s": round(cpu_s, 2),
        "server_cpu_ms_per_view": round(per_view, 1) if per_view is not None else None,
        "browser_cpu_ms_per_view": round(browser_per_view, 1) if browser_per_view is not None else None,
        "peak_memory_mb": round(peak_mb, 1),
        "visits": {
            "confirmed": confirmed,
            "stored": sum(len(s) for s in stored.values()),
            "lost": lost,
            "already_recorded": rec.duplicates,
        },
        "rush": {
            "sessions": RUSH_SESSIONS,
            "click_every_s": RUSH_CLICK_EVERY_S,
            "views_per_s": rush_views_per_s,
            "cores": round(per_view / 1000 * rush_views_per_s, 2) if per_view is not None else None,
        },
        "errors": rec.errors[:30],
        "error_count": len(rec.errors),
    }


def _stored_visits(target: str, plans: list[SessionPlan], today: dt.date) -> dict[str, set[str]]:
    from store import db

    con = db.connect(target)
    try:
        return {
            p.user: {r[0] for r in db.rows(con, "load_visits_stored", user_name=p.user, day=today)}
            for p in plans
            if p.journey == "grid_leader"
        }
    finally:
        con.close()


def run_load(
    db_path: str | Path,
    sessions: int = 20,
    duration: float = 120.0,
    think: float = 5.0,
    stagger: float = 1.5,
    rounds: int = 1,
    today: dt.date | None = None,
    seed: int = 0,
    timeout_s: float = 90.0,
    label: str = "",
    pg_processes: int = 0,
    client_nice: int = 19,
    warm: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the load benchmark on a copy of the DuckDB file ``db_path``.

    One Streamlit process on it, or ``pg_processes`` processes on PostgreSQL (:func:`start_postgres`).

    Parameters
    ----------
    db_path : the data set (a DuckDB file; copied first, never changed).
    sessions : K browser sessions (journeys in turn: office, grid leader, leader).
    duration : seconds each session keeps going after it started (it finishes its round).
    think : mean seconds between a session's clicks (each wait drawn from 0.5–1.5 × think).
    stagger : seconds between two sessions' starts.
    rounds : at least this many rounds of its journey per session, however short ``duration``.
    today : the server's today (``$LIANXIN_TODAY``); default the newest visit in the data set.
    seed : for the think times.
    timeout_s : the longest wait for one view before it counts as failed.
    label : a name for the run (e.g. "DuckDB, before §1").
    pg_processes : 0 for DuckDB; N for a throwaway PostgreSQL holding a copy of the data set and
        ``scripts/serve.sh --processes N`` on it.
    client_nice : the browsers' niceness (:func:`client_executable`); 0 runs them as they come.
    warm : before the run, one session of each journey in every app process (:func:`_warm_up`) and a
        wait until the server is idle, neither counted; False measures a server from its start.

    Returns
    -------
    dict
        :func:`summarize`'s report.

    Raises
    ------
    LoadError
        Chromium missing, the server did not start, the data set cannot be used.
    """
    if not Path(CHROMIUM).exists():
        raise LoadError(f"{CHROMIUM} 不存在 / missing: install Debian's chromium (apt-get install chromium)")
    src = Path(db_path)
    if not src.exists():
        raise LoadError(f"{src} 不存在 / does not exist: build it first (manage.py demo or bench --scale county)")
    with tempfile.TemporaryDirectory(prefix="lianxin-load-") as tmp:
        folder = Path(tmp)
        copy = folder / "load.duckdb"
        shutil.copyfile(src, copy)
        if Path(str(src) + ".wal").exists():
            shutil.copyfile(str(src) + ".wal", str(copy) + ".wal")
        today = today or _newest_visit(copy)
        log(f"load: {sessions} sessions on a copy of {src} (today {today})")
        plans = prepare(copy, sessions, today, stagger)
        if pg_processes:
            server = start_postgres(copy, folder, today, pg_processes, log=log)
        else:
            server = start_streamlit(copy, folder, today)
        try:
            return _measure(
                server,
                plans,
                today,
                duration=duration,
                think=think,
                rounds=rounds,
                seed=seed,
                timeout_s=timeout_s,
                log=log,
                label=label,
                store=server.store,
                folder=folder,
                client_nice=client_nice,
                warm=warm,
                processes=max(pg_processes, 1),
                data_set=str(src),
            )
        finally:
            server.close()


def _newest_visit(path: Path) -> dt.date:
    from store import db

    con = db.connect(path, read_only=True)
    try:
        d = con.execute("SELECT max(visited_on) FROM visits").fetchone()[0]
    finally:
        con.close()
    return d or dt.date.today()


def _in_own_thread(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread of its own and return its result or raise its error.

    Its own event loop: the caller may be inside one, e.g. Playwright's sync API in a test session.

    Returns
    -------
    Any
        What ``work`` returned.
    """
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = work()
        except BaseException as e:  # handed to the caller
            out["error"] = e

    th = threading.Thread(target=run)
    th.start()
    th.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


def _measure(
    server: Server,
    plans: list[SessionPlan],
    today: dt.date,
    *,
    duration: float,
    think: float,
    rounds: int,
    seed: int,
    timeout_s: float,
    log: Callable[[str], None],
    folder: Path,
    client_nice: int = 19,
    warm: bool = True,
    **about: Any,
) -> dict[str, Any]:
    rec = Record()
    browser_path = client_executable(folder, client_nice)
    warm_s = settled_s = 0.0
    try:
        log(f"load: server up at {server.url} ({server.describe})")
        if warm:
            t0 = time.monotonic()
            primed = _in_own_thread(
                lambda: asyncio.run(_warm_up(server.processes or [server.url], plans, 600_000, browser_path))
            )
            warm_s = time.monotonic() - t0
            if primed.errors:
                raise LoadError("the warm-up failed: " + "; ".join(primed.errors[:3]))
            settled_s = settle(server.roots)
            log(f"load: warmed up ({warm_s:.0f} s, then {settled_s:.0f} s until the server was idle); sessions start")
        load_start = os.getloadavg()
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        cpu0 = cpu_seconds(server.roots)
        busy0, all0 = machine_cpu()
        unix0 = time.time()
        t0 = time.monotonic()
        t_perf = time.perf_counter()
        with PeakMemory(server.roots) as mem, ClientCPU(server.roots) as client:
            _in_own_thread(
                lambda: asyncio.run(
                    _drive(
                        server.url,
                        plans,
                        rec,
                        duration,
                        rounds,
                        think,
                        seed,
                        timeout_s * 1000,
                        log,
                        browser_path,
                        before_close=client.sample,
                    )
                )
            )
        wall = time.monotonic() - t0
        cpu = cpu_seconds(server.roots) - cpu0
        busy1, all1 = machine_cpu()
        unix1 = time.time()
        run_log = read_run_log(folder / RUN_LOG, unix0, unix1)
    finally:
        server.stop()
    load_end = os.getloadavg()
    stored = _stored_visits(server.database, plans, today)
    return summarize(
        rec,
        plans,
        cpu,
        mem.peak,
        stored,
        started=started,
        machine=_machine(),
        server=server.describe,
        wall_s=round(wall, 1),
        client_cpu_s=round(client.total_s, 1),
        browser_cpu_s=round(client.browser_s, 1),
        client_cpu_by_kind={k: round(v, 1) for k, v in client.by_kind.items()},
        duration_s=duration,
        think_s=think,
        load_average_start=[round(x, 2) for x in load_start],
        load_average_end=[round(x, 2) for x in load_end],
        today=today.isoformat(),
        machine_busy_share=round((busy1 - busy0) / (all1 - all0), 3) if all1 > all0 else None,
        server_runs=server_runs(run_log),
        view_split=view_split(rec.views, run_log, {p.index: p.user for p in plans}),
        server_run_log=run_log,
        client_nice=client_nice if browser_path != CHROMIUM else 0,
        warm_up_s=round(warm_s, 1),
        settle_s=round(settled_s, 1),
        timeline=[
            {
                "page": v.page,
                "session": v.session,
                "ok": v.ok,
                "ms": round(v.ms),
                "end_s": round(v.end - t_perf, 2),
                "at": round(v.at, 3),
            }
            for v in rec.views
        ],
        **about,
    )


def table(report: dict[str, Any]) -> str:
    """The report as Markdown: a line about the run, the pages' table, and the totals.

    Returns
    -------
    str
        The Markdown.
    """
    r = report
    la = lambda xs: "/".join(f"{x:.1f}" for x in xs)  # noqa: E731
    lines = [
        f"**{r.get('label') or r['server']}** — {r['server']}; {r['sessions']} sessions "
        f"({', '.join(f'{n} {j}' for j, n in r['journeys'].items())}), {r['duration_s']:.0f} s each, "
        f"think {r['think_s']:g} s; started {r['started']}, load average {la(r['load_average_start'])} "
        f"at the start, {la(r['load_average_end'])} at the end (1/5/15 min)",
        "",
        "| page | views | failed | median ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    fmt = lambda v: "—" if v is None else f"{v:,.0f}"  # noqa: E731
    for name, p in r["pages"].items():
        lines.append(
            f"| {name} | {p['views']} | {p['failed']} | {fmt(p['median_ms'])} | {fmt(p['p95_ms'])} "
            f"| {fmt(p['max_ms'])} |"
        )
    v = r["visits"]
    rush = r["rush"]
    calm = r.get("after_sign_in")
    lines += [
        "",
        f"- sessions signed in: {r['signed_in']} of {r['sessions']}"
        + (
            f"; the sign-in button's click took {fmt(c['median_ms'])} ms at the median, {fmt(c['max_ms'])} "
            f"at most, {c['over_30_s']} over 30 s"
            if (c := r.get("sign_in_clicks") or {}).get("clicks")
            else ""
        ),
        (
            f"- once every session had signed in ({calm['after_s']:,.0f} s after the first view started): "
            + ", ".join(
                f"{name} median {fmt(x['median_ms'])} ms, p95 {fmt(x['p95_ms'])} ms ({x['views']} views)"
                for name, x in calm["pages"].items()
            )
            if calm and calm["pages"]
            else None
        ),
        f"- server CPU: {r['server_cpu_s']:,.1f} s for {r['page_views']} page views = "
        f"{fmt(r['server_cpu_ms_per_view'])} ms per page view"
        + (
            f"; a rush of {rush['sessions']} sessions clicking every {rush['click_every_s']} s "
            f"({rush['views_per_s']:g} views/s) needs {rush['cores']:.1f} cores of this machine"
            if rush["cores"] is not None
            else ""
        ),
        f"- the server's CPU was busy {r['server_cpu_s'] / r['wall_s']:.0%} of one core over the "
        f"{r['wall_s']:,.0f} s of the run; the browsers and the benchmark (same machine) used "
        f"{r['client_cpu_s']:,.0f} s of CPU ({r['client_cpu_s'] / r['wall_s']:.0%} of one core)"
        + (
            f": per page view **{fmt(r['server_cpu_ms_per_view'])} ms of the server's CPU and "
            f"{fmt(r['browser_cpu_ms_per_view'])} ms of the browsers'** ("
            + ", ".join(f"{k} {v:,.1f} s" for k, v in r["client_cpu_by_kind"].items())
            + ")"
            if r.get("browser_cpu_ms_per_view") is not None and r.get("client_cpu_by_kind")
            else ""
        ),
        (
            f"- the machine's {os.cpu_count()} cores were busy {r['machine_busy_share']:.0%} of the run "
            f"(everything: server, browsers, anything else running)"
            if r.get("machine_busy_share") is not None
            else None
        ),
        f"- peak server memory (PSS): {r['peak_memory_mb']:,.0f} MB",
        (
            f"- before the run: every app process warmed up by one session of each journey "
            f"({r['warm_up_s']:,.0f} s) and idle after {r['settle_s']:,.0f} s more (not counted)"
            if r.get("warm_up_s")
            else "- measured from the server's start (no warm-up)"
        )
        + (
            f"; the browsers ran at nice {r['client_nice']} without the right to raise their priority"
            + (" (SCHED_IDLE)" if r.get("client_nice") == 19 and shutil.which("chrt") else "")
            if r.get("client_nice")
            else "; the browsers ran at the server's priority"
        ),
        f"- visits: {v['confirmed']} confirmed, {v['stored']} stored, **{v['lost']} lost**"
        + (f" ({v['already_recorded']} answered 已经登记过)" if v["already_recorded"] else ""),
        f"- errors: {r['error_count']}" + ("".join(f"\n  - {e}" for e in r["errors"][:5])),
    ]
    runs = r.get("server_runs") or {}
    if runs:
        lines += [
            "",
            "The server's own time per script run (app.py start to end, from its run log; a map click "
            "that reruns a fragment alone is not in it; CPU: the script's thread only; *waiting for a core*: "
            "the script's thread runnable but not running, from Linux schedstat):",
            "",
            "| page (server side) | runs | median ms | p95 ms | mean CPU ms | mean waiting for a core ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {page} | {x['runs']} | {fmt(x['median_ms'])} | {fmt(x['p95_ms'])} | {fmt(x['cpu_ms_mean'])} "
            f"| {fmt(x.get('queue_ms_mean'))} |"
            for page, x in runs.items()
        ]
    split = r.get("view_split") or {}
    if split:
        lines += [
            "",
            "Where a browser view's time went (mean ms; each view matched with the server's script runs "
            "for its account that overlap it: *script* their wall time within the view, of which the "
            "script thread's *CPU*; *outside*: the rest — the click's way in, a fragment's run before the "
            "page's rerun, the way back and the browser drawing; *slowest*: the views from the 90th "
            "percentile up):",
            "",
            "| page | views (matched) | view | script | of which CPU | outside "
            "| slowest: view | script | CPU | outside |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {page} | {x['views']} ({x['matched']}) | {fmt(x['view_ms'])} | {fmt(x['script_ms'])} "
            f"| {fmt(x['script_cpu_ms'])} | {fmt(x['outside_ms'])} | {fmt(x['tail_view_ms'])} "
            f"| {fmt(x['tail_script_ms'])} | {fmt(x['tail_script_cpu_ms'])} | {fmt(x['tail_outside_ms'])} |"
            for page, x in split.items()
        ]
    return "\n".join(line for line in lines if line is not None)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.load``: parse the arguments and run (:func:`run_cli`).

    Returns
    -------
    int
        The exit status.
    """
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="the data set (DuckDB file); default: --scale's benchmark data set")
    ap.add_argument("--scale", choices=("small", "county", "city"), default="county")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds per session (default 120)")
    ap.add_argument("--think", type=float, default=5.0, help="mean seconds between clicks (default 5)")
    ap.add_argument("--stagger", type=float, default=1.5, help="seconds between session starts (default 1.5)")
    ap.add_argument(
        "--pg-processes",
        dest="pg_processes",
        type=int,
        default=0,
        help="N app processes (scripts/serve.sh) on a throwaway PostgreSQL holding a copy of the "
        "data set; 0 (default): one process on the DuckDB file",
    )
    ap.add_argument(
        "--client-nice",
        dest="client_nice",
        type=int,
        default=19,
        help="the browsers' niceness, so they use what the server leaves (default 19; 0: as they come)",
    )
    ap.add_argument(
        "--no-warm-up",
        dest="warm",
        action="store_false",
        help="measure from the server's start (default: warm every process up first, not counted)",
    )
    ap.add_argument("--label", default="")
    ap.add_argument("--json", dest="json_path", help="also write the report as JSON")
    args = ap.parse_args(argv)
    return run_cli(args)


def run_cli(args: argparse.Namespace) -> int:
    """`python -m bench.load` and `manage.py bench --load`: run, print the table, write the JSON.

    Returns
    -------
    int
        The exit status: 0, or 2 for arguments out of range.
    """
    if args.sessions < 1 or args.duration < 0 or args.think < 0 or args.stagger < 0 or args.pg_processes < 0:
        print(
            "--sessions 至少为 1，--duration/--think/--stagger 不能为负 / --sessions must be at least 1 and "
            "--duration, --think, --stagger not negative",
            file=sys.stderr,
        )
        return 2
    if args.db:
        path = Path(args.db)
    else:
        from bench.data import build

        path = build(args.scale, log=lambda line: print(line, file=sys.stderr, flush=True))
    report = run_load(
        path,
        sessions=args.sessions,
        duration=args.duration,
        think=args.think,
        stagger=args.stagger,
        label=args.label,
        pg_processes=args.pg_processes,
        client_nice=min(max(getattr(args, "client_nice", 19), 0), 19),
        warm=getattr(args, "warm", True),
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(table(report))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LoadError as e:
        print(str(e), file=sys.stderr)
        sys.exit(1)
