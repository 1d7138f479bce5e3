"""What one coverage view costs the browser (issue 16): bytes on the wire and the browser's CPU.

One headless Chromium (Debian's, as the load benchmark drives it) on a copy of a data set, one view
after another, alone (nothing else in the browser):

- **county**: a leader (县领导) opens 走访覆盖 — the townships drawn;
- **township**: an office user (乡镇/街道) opens 走访覆盖 — the township's villages;
- **village**: the office user clicks a village on the map — its grids;
- **grid**: the office user clicks a grid — the grid itself and its households;
- **period**: the office user picks 本季度 (this quarter) in the sidebar — the grid again, another period.

Per view: the bytes the server sent over Streamlit's WebSocket (Chrome DevTools Protocol
``Network.webSocketFrameReceived``; the binary frames decoded), the Streamlit deltas among them
(elements and containers the browser draws, counted by kind: :func:`delta_kinds`), what they would weigh deflated
(permessage-deflate, Streamlit's ``server.enableWebsocketCompression``, off by default), the bytes
over HTTP (``encodedDataLength``: streamlit-folium's frame and script, fetched again for every new
map; Leaflet's files come from the browser's cache), the CPU time of every Chromium process
(``/proc/PID/stat``, user + system, from the click until the browser is quiet again: the map drawn
and nothing left to do), the renderer's main-thread task, script and layout time
(``Performance.getMetrics``), the seconds from the click until the map in streamlit-folium's frame
has drawn the view's areas, and a screenshot of the page. The CPU is also given per kind of Chromium
process (browser, renderer, GPU, utility). With ``--trace`` each view is also recorded as a Chrome
trace (every process, V8's sampling profiler on) into the output folder, for
``python -m bench.trace_summary`` (the CPU of a traced run includes the tracing's own cost).

    python -m bench.page_weight [--db data/bench-county.duckdb] [--output FOLDER] [--json FILE] [--trace]

The data set is copied first (the run adds three accounts); the original stays as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import sys
import tempfile
import time
import zlib
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from bench import load as L
from i18n import t  # the labels the page shows (as bench/load.py reads them)
from vocabulary.areas import LEVELS

ROOT = Path(__file__).resolve().parent.parent
#: the views, each named after the level of the area selected (a view of the township draws its villages),
#: then ``period``: the office user, on the grid, picks another period in the sidebar
VIEWS = (*LEVELS, "period")

#: the map in streamlit-folium's frame draws the view's polygons (none of another view) and stands still
_MAP_DRAWN_JS = """(codes) => { const m = window.map; if (!m || !m.eachLayer) return false;
    if (m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) return false;
    const seen = new Set();
    m.eachLayer(l => { const p = l.feature && l.feature.properties; if (p && p.code) seen.add(p.code); });
    return seen.size > 0 && [...seen].every(c => codes.includes(c)); }"""


def chromium_cpu_seconds(server_roots: list[int]) -> float:
    """CPU time (s) so far of the Chromium processes this process started (not the server's).

    Returns
    -------
    float
        Seconds, user + system, of every process named ``chromium``/``chrome`` under this one.
    """
    table = L._proc_table()
    server = set(L.process_tree(server_roots, table))
    ticks = 0
    for p in L.process_tree([os.getpid()], table):
        if p in server:
            continue
        try:
            comm = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        if comm.startswith(("chrom", "headless_shell")):
            ticks += table[p][1]
    return ticks / os.sysconf("SC_CLK_TCK")


def chromium_cpu_by_kind(server_roots: list[int]) -> dict[str, float]:
    """CPU time (s) so far of each kind of Chromium process this process started, each process's own.

    The kinds are Chromium's ``--type`` (``renderer``, ``gpu-process``, ``utility``, ``zygote``) and
    ``browser`` for its main process (:func:`bench.load.process_kind`). A process's own time only: a
    process that ends between two readings drops out of the second (its time is in
    :func:`chromium_cpu_seconds` through its parent's count of waited-for children).

    Returns
    -------
    dict
        Kind → seconds, user + system.
    """
    table = L._own_ticks()
    tree = {p: (v[0], 0) for p, v in table.items()}
    server = set(L.process_tree(server_roots, tree))
    out: dict[str, float] = {}
    for p in L.process_tree([os.getpid()], tree):
        if p in server:
            continue
        kind = L.process_kind(p)
        if kind in ("browser", "renderer", "gpu-process", "utility", "zygote"):
            out[kind] = out.get(kind, 0.0) + table[p][1] / os.sysconf("SC_CLK_TCK")
    return out


#: what a view's trace records (Chrome's Performance panel's set, with V8's sampling profiler)
TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-devtools.timeline.frame",
    "v8.execute",
    "v8",
    "blink",
    "cc",
    "viz",
    "gpu",
    "toplevel",
    "disabled-by-default-v8.cpu_profiler",
]


def delta_kinds(raw: bytes) -> list[str]:
    """What one of Streamlit's WebSocket messages draws: the kind of its delta, if it is one.

    Parameters
    ----------
    raw : bytes
        A binary frame: one ``ForwardMsg`` (Streamlit's protobuf).

    Returns
    -------
    list of str
        ``[]`` for a message that draws nothing (the script's start or end, …) or does not decode;
        ``["markdown"]`` etc. for a new element (its ``Element`` type), ``["block"]`` for a new
        container, ``["ref"]`` for a message sent by its hash alone (the browser had it cached).
    """
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        msg = ForwardMsg.FromString(raw)
    except DecodeError:
        return []
    kind = msg.WhichOneof("type")
    if kind == "ref_hash":
        return ["ref"]
    if kind != "delta":
        return []
    delta = msg.delta.WhichOneof("type")
    if delta == "new_element":
        return [msg.delta.new_element.WhichOneof("type") or "element"]
    return ["block"] if delta == "add_block" else []


class Wire:
    """Bytes received by one page, counted from the DevTools Protocol's network events."""

    def __init__(self) -> None:
        self.ws = 0
        self.ws_frames = 0
        self.deflated = 0
        self.http = 0
        #: the Streamlit deltas received, by kind: an element's type (``markdown``, ``dataframe``,
        #: ``component_instance``, …), ``block`` for a container; ``ref`` for a message the browser had
        #: cached (sent by its hash alone)
        self.deltas: Counter[str] = Counter()
        #: every binary message received: its size in bytes and what it draws (its first delta kind, "" for none)
        self.messages: list[tuple[int, str]] = []
        # what the frames would weigh with the WebSocket's permessage-deflate (RFC 7692, one compressor per
        # connection as with context takeover; Streamlit's server.enableWebsocketCompression, off by default)
        self._deflate = zlib.compressobj(6, zlib.DEFLATED, -15)

    def on_frame(self, ev: dict[str, Any]) -> bytes | None:
        """Count one WebSocket frame (binary frames arrive base64-encoded).

        Returns
        -------
        bytes or None
            A binary frame's bytes (one of Streamlit's messages), decoded; None for a text frame.
        """
        r = ev.get("response") or {}
        data = r.get("payloadData") or ""
        binary = r.get("opcode") == 2
        raw = base64.b64decode(data) if binary else data.encode()
        self.ws += len(raw)
        self.deflated += len(self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH))
        self.ws_frames += 1
        if not binary:
            return None
        kinds = delta_kinds(raw)
        self.deltas.update(kinds)
        self.messages.append((len(raw), kinds[0] if kinds else ""))
        return raw

    def on_http(self, ev: dict[str, Any]) -> None:
        """Count one finished HTTP response (its bytes on the wire)."""
        self.http += int(ev.get("encodedDataLength") or 0)


async def _map_drawn(page: Any, codes: list[str], timeout_ms: float) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if await frame.evaluate(_MAP_DRAWN_JS, codes):
                    return
            except Exception:
                continue
        await page.wait_for_timeout(50)
    raise TimeoutError(f"no map drew {len(codes)} areas within {timeout_ms / 1000:.0f} s")


async def _quiet(server_roots: list[int], window_s: float = 1.0, quiet_s: float = 0.03) -> None:
    before = chromium_cpu_seconds(server_roots)
    while True:
        await asyncio.sleep(window_s)
        now = chromium_cpu_seconds(server_roots)
        if now - before < quiet_s:
            return
        before = now


async def _view(
    name: str,
    page: Any,
    cdp: Any,
    wire: Wire,
    server_roots: list[int],
    action: Any,
    codes: list[str],
    shots: Path,
    timeout_ms: float,
    trace: Path | None = None,
) -> dict[str, Any]:
    await _quiet(server_roots)
    browser = page.context.browser
    if trace is not None:
        await browser.start_tracing(categories=TRACE_CATEGORIES)
    m0 = {x["name"]: x["value"] for x in (await cdp.send("Performance.getMetrics"))["metrics"]}
    ws0, fr0, dfl0, http0 = wire.ws, wire.ws_frames, wire.deflated, wire.http
    deltas0 = Counter(wire.deltas)
    cpu0 = chromium_cpu_seconds(server_roots)
    kinds0 = chromium_cpu_by_kind(server_roots)
    t0 = time.perf_counter()
    await action()
    await _map_drawn(page, codes, timeout_ms)
    drawn = time.perf_counter() - t0
    await L._idle(page, timeout_ms)
    if trace is not None:  # the tracing itself keeps the browser busy: a fixed tail instead of _quiet
        await asyncio.sleep(3.0)
    else:
        await _quiet(server_roots)
    cpu = chromium_cpu_seconds(server_roots) - cpu0
    kinds1 = chromium_cpu_by_kind(server_roots)
    if trace is not None:
        (trace / f"trace-{name}.json").write_bytes(await browser.stop_tracing())
    m1 = {x["name"]: x["value"] for x in (await cdp.send("Performance.getMetrics"))["metrics"]}
    await page.screenshot(path=str(shots / f"coverage-{name}.png"), full_page=False)
    d = {k: m1.get(k, 0.0) - m0.get(k, 0.0) for k in ("TaskDuration", "ScriptDuration", "LayoutDuration")}
    return {
        "view": name,
        "areas": len(codes),
        "ws_bytes": wire.ws - ws0,
        "ws_frames": wire.ws_frames - fr0,
        "ws_deflated_bytes": wire.deflated - dfl0,
        "deltas": sum((wire.deltas - deltas0).values()),
        "deltas_by_kind": dict(sorted((wire.deltas - deltas0).items())),
        "http_bytes": wire.http - http0,
        "browser_cpu_s": round(cpu, 3),
        "cpu_by_kind_s": {k: round(v - kinds0.get(k, 0.0), 3) for k, v in sorted(kinds1.items())},
        "task_s": round(d["TaskDuration"], 3),
        "script_s": round(d["ScriptDuration"], 3),
        "layout_s": round(d["LayoutDuration"], 3),
        "map_drawn_s": round(drawn, 2),
    }


async def _pick_period(page: Any, kind: str, timeout_ms: float) -> None:
    """Choose another period in the sidebar (its last select box), as a user does: the page runs again."""
    await page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").last.click(timeout=timeout_ms)
    await page.get_by_role("option", name=t(f"period.{kind}", "zh")).click(timeout=timeout_ms)
    await page.wait_for_function(
        "(u) => window.location.search.includes(u)", arg=f"period={kind}", timeout=timeout_ms, polling=100
    )


async def _sign_in(
    browser: Any, base: str, user: str, mark: str, timeout_ms: float, wire: Wire | None = None
) -> tuple[Any, Any, Wire]:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = await ctx.new_page()
    cdp = await ctx.new_cdp_session(page)
    wire = Wire() if wire is None else wire
    cdp.on("Network.webSocketFrameReceived", wire.on_frame)
    cdp.on("Network.loadingFinished", wire.on_http)
    await cdp.send("Network.enable")
    await cdp.send("Performance.enable")
    await page.goto(base, timeout=timeout_ms, wait_until="commit")
    await page.get_by_label(t("login.username", "zh")).wait_for(timeout=timeout_ms)
    await L._idle(page, timeout_ms)
    await page.get_by_label(t("login.username", "zh")).fill(user)
    await page.get_by_label(t("login.password", "zh")).fill(L.PASSWORD)
    await page.get_by_role("button", name=t("login.submit", "zh")).click()
    await page.get_by_text(mark).first.wait_for(timeout=timeout_ms)
    await L._idle(page, timeout_ms)
    return page, cdp, wire


def _codes(db_path: Path) -> dict[str, list[str]]:
    """The codes each view draws (read before the server holds the file).

    The office user's township, village and grid are the first drill path of the load benchmark
    (query ``load_drill_paths``), as :func:`bench.load.prepare` gives them to the first office session.

    Returns
    -------
    dict
        View name → the area codes its map draws.
    """
    from store import db

    con = db.connect(db_path, read_only=True)
    try:
        path = db.df(con, "load_drill_paths").iloc[0]

        def children(level: str, parent: str | None) -> list[str]:
            return db.df(con, "area_children", level=level, parent=parent, scope=None)["code"].tolist()

        return {
            "county": children("township", None),
            "township": children("village", path["township_code"]),
            "village": children("grid", path["village_code"]),
            "grid": [path["grid_code"]],
        }
    finally:
        con.close()


async def _measure(
    codes: dict[str, list[str]], base: str, plans: list[Any], roots: list[int], shots: Path, trace: Path | None
) -> list[dict]:
    from playwright.async_api import async_playwright

    timeout_ms = 120_000
    office = next(p for p in plans if p.journey == "office")
    leader = next(p for p in plans if p.journey == "leader")
    village, grid = office.drill[0], office.drill[1]
    out = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=L.CHROMIUM, args=L.CHROMIUM_ARGS, headless=True)
        try:
            page, cdp, wire = await _sign_in(browser, base, leader.user, L.HOME_MARK["leader"], timeout_ms)
            out.append(
                await _view(
                    "county",
                    page,
                    cdp,
                    wire,
                    roots,
                    lambda: L._nav(page, "coverage", t("coverage.title", "zh"), timeout_ms),
                    codes["county"],
                    shots,
                    timeout_ms,
                    trace,
                )
            )
            await page.context.close()
            page, cdp, wire = await _sign_in(browser, base, office.user, L.HOME_MARK["office"], timeout_ms)
            steps = [
                (
                    "township",
                    lambda: L._nav(page, "coverage", t("coverage.title", "zh"), timeout_ms),
                    codes["township"],
                ),
                (
                    "village",
                    lambda: L._click_area(page, *village[:1], *village[2:], timeout_ms),
                    codes["village"],
                ),
                ("grid", lambda: L._click_area(page, *grid[:1], *grid[2:], timeout_ms), codes["grid"]),
                ("period", lambda: _pick_period(page, "quarter", timeout_ms), codes["grid"]),
            ]
            for name, action, codes in steps:
                out.append(await _view(name, page, cdp, wire, roots, action, codes, shots, timeout_ms, trace))
            await page.context.close()
        finally:
            await browser.close()
    return out


def run(src: Path, output: Path, trace: bool = False) -> list[dict[str, Any]]:
    """Measure the four views on a copy of ``src``; screenshots into ``output``.

    Parameters
    ----------
    src : a DuckDB data set (bench-county.duckdb); copied, never written.
    output : folder for the screenshots (made when missing).
    trace : also record a Chrome trace of each view into ``output/trace-VIEW.json`` (every process;
        the figures of a traced run include the tracing's own cost: compare traced runs with traced runs).

    Returns
    -------
    list of dict
        One per view (:data:`VIEWS`): ``ws_bytes``, ``ws_frames``, ``deltas`` (and ``deltas_by_kind``),
        ``http_bytes``, ``browser_cpu_s``, ``task_s``, ``script_s``, ``layout_s``, ``map_drawn_s``,
        ``areas``.
    """
    output.mkdir(parents=True, exist_ok=True)
    with served_copy(src) as (server, plans, codes):
        return asyncio.run(_measure(codes, server.url, plans, server.roots, output, output if trace else None))


@contextmanager
def served_copy(src: Path) -> Iterator[tuple[L.Server, list[Any], dict[str, list[str]]]]:
    """The app (:func:`bench.load.start_streamlit`) on a copy of ``src`` with the load benchmark's accounts.

    Parameters
    ----------
    src : a DuckDB data set; copied into a temporary folder, never written.

    Yields
    ------
    tuple
        The healthy server, the sessions' plans (:func:`bench.load.prepare`, three sessions: one per
        journey) and the codes each view draws (:func:`_codes`); the server is stopped and the copy
        removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="lianxin-weight-") as tmp:
        folder = Path(tmp)
        copy = folder / "data.duckdb"
        shutil.copyfile(src, copy)
        today = L._newest_visit(copy)
        plans = L.prepare(copy, 3, today, 0.0)
        codes = _codes(copy)
        server = L.start_streamlit(copy, folder, today)
        try:
            yield server, plans, codes
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring).

    Returns
    -------
    int
        0.
    """
    ap = argparse.ArgumentParser(prog="python -m bench.page_weight")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "bench-county.duckdb")
    ap.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "lianxin-weight")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--trace", action="store_true", help="a Chrome trace of each view into --output")
    a = ap.parse_args(argv)
    rows = run(a.db, a.output, a.trace)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(
        "view      areas  WS bytes  frames  deltas  deflated  HTTP bytes  browser CPU s  task s  script s  layout s  "
        "map drawn s"
    )
    for r in rows:
        print(
            f"{r['view']:<9} {r['areas']:>5} {r['ws_bytes']:>9,} {r['ws_frames']:>7} {r['deltas']:>7} "
            f"{r['ws_deflated_bytes']:>9,} "
            f"{r['http_bytes']:>11,} "
            f"{r['browser_cpu_s']:>14} {r['task_s']:>7} {r['script_s']:>9} {r['layout_s']:>9} {r['map_drawn_s']:>12}"
        )
    print(
        "browser CPU by process (s): "
        + "; ".join(f"{r['view']} " + ", ".join(f"{k} {v}" for k, v in r["cpu_by_kind_s"].items()) for r in rows)
    )
    print(
        "deltas by kind: "
        + "; ".join(f"{r['view']} " + ", ".join(f"{k} {v}" for k, v in r["deltas_by_kind"].items()) for r in rows)
    )
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
