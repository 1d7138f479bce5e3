"""What a coverage view costs the browser, view by view, and where in the page it goes (issue 16).

One headless Chromium (Debian's, with the load benchmark's flags: :data:`bench.load.CHROMIUM_ARGS`)
on the app over a copy of a data set (started as :func:`bench.load.start_streamlit` does,
``LIANXIN_TILES=none``), signed in as an office user (乡镇/街道), doing the load benchmark's
coverage journey (:func:`bench.load._office`): 走访覆盖 opened through the sidebar (**township**: its
villages drawn), a village clicked on the map (**village**: its grids), a grid clicked (**grid**), the
sidebar's "back to the township" button (**back**: the villages again); then village, grid, back
again for each further round. Per view, from the click until the browser is quiet again:

- ``cpu_s``: the CPU time (user + system, ``/proc``) of every Chromium process, as the load
  benchmark counts it, and ``by_process``: per kind of Chromium process (browser, renderer, GPU…);
- ``task_s``, ``script_s``, ``layout_s``, ``style_s``: Chrome's ``Performance.getMetrics`` of the
  page's target (TaskDuration, ScriptDuration, LayoutDuration, RecalcStyleDuration). The map's frame
  (streamlit-folium's component) is served from the app's own origin, so it runs in the page's
  renderer and target: these figures are the page and its map together;
- ``ws_bytes`` and ``map_bytes``: what the server sent over Streamlit's WebSocket, and of that the
  map's component message(s) (its script, header and HTML); ``http_bytes`` over HTTP;
- with ``--trace``: ``frames``, the renderer main thread's time split by frame — ``page`` (Streamlit's
  own page), ``map`` (streamlit-folium's frame), ``other`` — and within each by kind of work
  (scripting, style, layout, paint…), from a Chrome trace of the view (:func:`frame_split`). Tracing
  costs CPU itself: compare traced runs with traced runs, untraced with untraced.

    python -m bench.browser_cost [--db data/bench-county.duckdb] [--rounds 3] [--trace FOLDER [--profile]] [--json FILE]

The data set is copied first (the run adds three accounts); the original stays as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench import load as L
from bench import page_weight as W
from bench.trace_summary import _events, add_own_times, renderer_main_events
from i18n import t

ROOT = Path(__file__).resolve().parent.parent
#: the trace categories for the frame split (no sampling profiler: it costs more than the views)
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "v8.execute"]
#: a frame whose URL has one of these is streamlit-folium's map (from the app's static files, ui/maps.py
#: ``FRONTEND``; or where Streamlit serves a component's own files)
MAP_FRAMES = ("/vendor/streamlit-folium/", "/component/streamlit_folium")
#: seconds a traced view is followed after its page is idle (the tracing keeps the browser busy, so it is
#: never quiet: a fixed tail instead)
TRACE_TAIL_S = 3.0


def _frame_of(e: dict[str, Any]) -> str | None:
    """The frame id a trace event names (``args.data.frame`` or ``args.beginData.frame``).

    Returns
    -------
    str or None
        The id; None when the event names no frame.
    """
    args = e.get("args") or {}
    for part in ("data", "beginData"):
        d = args.get(part)
        if isinstance(d, dict) and isinstance(d.get("frame"), str):
            return d["frame"]
    return None


def frame_urls(events: list[dict[str, Any]]) -> dict[str, str]:
    """Frame id → URL, from the trace's frame list and the frames committed while it ran.

    Returns
    -------
    dict
        Every frame the trace names with a URL (``TracingStartedInBrowser``'s frames,
        ``FrameCommittedInBrowser``, ``CommitLoad``); the last URL wins.
    """
    urls: dict[str, str] = {}
    for e in events:
        data = (e.get("args") or {}).get("data") or {}
        if not isinstance(data, dict):
            continue
        if e.get("name") == "TracingStartedInBrowser":
            for f in data.get("frames") or []:
                if f.get("frame") and f.get("url") is not None:
                    urls[f["frame"]] = f["url"]
        elif e.get("name") in ("FrameCommittedInBrowser", "CommitLoad") and data.get("frame"):
            if data.get("url") is not None:
                urls[data["frame"]] = data["url"]
    return urls


def frame_split(path: Path) -> dict[str, dict[str, float]]:
    """The renderer main thread's time in one trace, by frame and by kind of work.

    Each top-level task of a ``CrRendererMain`` thread is given to the frame that the first event
    inside it names (a script's, a layout's, a paint's frame…); its events' own times (their
    children's taken out) go to their kind (:data:`bench.trace_summary.KINDS`; an unnamed event
    takes its parent's kind, ``other`` at the top). A frame whose URL has one of :data:`MAP_FRAMES` is
    ``map``; any other frame of the page's renderer ``page`` (Streamlit's page is the main frame);
    a task naming no frame ``other``.

    Parameters
    ----------
    path : a Chrome trace (JSON, ``traceEvents``).

    Returns
    -------
    dict
        ``{"page"|"map"|"other": {"cpu": ms of thread time (the tasks' ``tdur``), "wall": ms,
        kind: ms (own wall time)…}}``; a frame with no task is absent.
    """
    events = _events(path)
    urls = frame_urls(events)
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def where(frame: str | None) -> str:
        if frame is None:
            return "other"
        return "map" if any(m in urls.get(frame, "") for m in MAP_FRAMES) else "page"

    for xs in renderer_main_events(events):
        # one top-level task at a time: its events, then its frame and their own times
        task: list[dict[str, Any]] = []

        def close(task: list[dict[str, Any]]) -> None:
            if not task:
                return
            top = task[0]
            frame = next((f for f in map(_frame_of, task) if f is not None), None)
            acc = out[where(frame)]
            acc["cpu"] += top.get("tdur", top["dur"]) / 1000
            acc["wall"] += top["dur"] / 1000
            add_own_times(task, acc)

        end = -1.0
        for e in xs:
            if e["ts"] >= end:
                close(task)
                task, end = [], e["ts"] + e["dur"]
            task.append(e)
        close(task)
    return {f: {k: round(v, 1) for k, v in sorted(d.items(), key=lambda kv: -kv[1])} for f, d in out.items()}


class _Wire(W.Wire):
    """:class:`bench.page_weight.Wire`, and the bytes of the map's component messages among the frames."""

    def __init__(self) -> None:
        super().__init__()
        self.map = 0
        self.runs = 0  # script runs finished (whole page or fragment)
        self.urls: dict[str, str] = {}  # request id → path of the URL
        #: bytes over HTTP by the URL's path (the query left off)
        self.http_by_path: Counter[str] = Counter()

    def on_response(self, ev: dict[str, Any]) -> None:
        """Note which URL a request fetched (``Network.responseReceived``)."""
        url = ((ev.get("response") or {}).get("url") or "").split("?", 1)[0]
        self.urls[ev.get("requestId", "")] = "/" + url.split("/", 3)[-1] if "://" in url else url

    def on_http(self, ev: dict[str, Any]) -> None:
        """Count one finished HTTP response (see :meth:`bench.page_weight.Wire.on_http`), by its URL's path."""
        super().on_http(ev)
        self.http_by_path[self.urls.get(ev.get("requestId", ""), "?")] += int(ev.get("encodedDataLength") or 0)

    def on_frame(self, ev: dict[str, Any]) -> bytes | None:
        """Count one WebSocket frame (see :meth:`bench.page_weight.Wire.on_frame`).

        Returns
        -------
        bytes or None
            As :meth:`bench.page_weight.Wire.on_frame`.
        """
        before = self.deltas["component_instance"]
        raw = super().on_frame(ev)
        if raw is None:
            return None
        if self.deltas["component_instance"] != before:
            self.map += len(raw)
        if _finished(raw):
            self.runs += 1
        return raw


def _finished(raw: bytes) -> bool:
    """Whether one of Streamlit's WebSocket messages says a script run finished.

    Returns
    -------
    bool
        True for a ``script_finished`` ``ForwardMsg``; False for any other message or undecodable bytes.
    """
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        return ForwardMsg.FromString(raw).WhichOneof("type") == "script_finished"
    except DecodeError:
        return False


async def _view(
    name: str,
    page: Any,
    cdp: Any,
    wire: _Wire,
    roots: list[int],
    action: Any,
    codes: list[str],
    timeout_ms: float,
    trace: Path | None,
    profile: bool = False,
) -> dict[str, Any]:
    await W._quiet(roots)
    browser = page.context.browser
    if trace is not None:
        await browser.start_tracing(categories=W.TRACE_CATEGORIES if profile else TRACE_CATEGORIES)
    m0 = {x["name"]: x["value"] for x in (await cdp.send("Performance.getMetrics"))["metrics"]}
    ws0, map0, http0, runs0, deltas0 = wire.ws, wire.map, wire.http, wire.runs, Counter(wire.deltas)
    paths0 = Counter(wire.http_by_path)
    cpu0, kinds0 = W.chromium_cpu_seconds(roots), W.chromium_cpu_by_kind(roots)
    await action()
    await W._map_drawn(page, codes, timeout_ms)
    await L._idle(page, timeout_ms)
    if trace is not None:  # the tracing keeps the browser busy: a fixed tail instead of waiting for quiet
        await asyncio.sleep(TRACE_TAIL_S)
    else:
        await W._quiet(roots)
    cpu, kinds1 = W.chromium_cpu_seconds(roots) - cpu0, W.chromium_cpu_by_kind(roots)
    m1 = {x["name"]: x["value"] for x in (await cdp.send("Performance.getMetrics"))["metrics"]}
    row: dict[str, Any] = {
        "view": name,
        "cpu_s": round(cpu, 3),
        "by_process": {k: round(v - kinds0.get(k, 0.0), 3) for k, v in sorted(kinds1.items())},
        "ws_bytes": wire.ws - ws0,
        "map_bytes": wire.map - map0,
        "http_bytes": wire.http - http0,
        "http_by_path": dict((wire.http_by_path - paths0).most_common()),
        "runs": wire.runs - runs0,
        "deltas": dict(sorted((wire.deltas - deltas0).items())),
    }
    for key, metric in (
        ("task_s", "TaskDuration"),
        ("script_s", "ScriptDuration"),
        ("layout_s", "LayoutDuration"),
        ("style_s", "RecalcStyleDuration"),
    ):
        row[key] = round(m1.get(metric, 0.0) - m0.get(metric, 0.0), 3)
    if trace is not None:
        file = trace / f"trace-{name}-{time.time_ns()}.json"
        file.write_bytes(await browser.stop_tracing())
        row["frames"] = frame_split(file)
    return row


async def _journey(
    codes: dict[str, list[str]],
    base: str,
    plans: list[Any],
    roots: list[int],
    rounds: int,
    trace: Path | None,
    profile: bool,
) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    timeout_ms = 120_000
    office = next(p for p in plans if p.journey == "office")
    village, grid = office.drill[0], office.drill[1]
    top = office.township
    out: list[dict[str, Any]] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=L.CHROMIUM, args=L.CHROMIUM_ARGS, headless=True)
        try:
            page, cdp, wire = await W._sign_in(browser, base, office.user, L.HOME_MARK["office"], timeout_ms, _Wire())
            cdp.on("Network.responseReceived", wire.on_response)

            async def open_page() -> None:
                await L._nav(page, "coverage", t("coverage.title", "zh"), timeout_ms)
                await L._crumb(page, top, timeout_ms)

            async def click(area: tuple, chain: str) -> None:
                await L._idle(page, timeout_ms)
                await L._click_area(page, area[0], area[2], area[3], timeout_ms)
                await L._crumb(page, chain, timeout_ms)

            async def back() -> None:
                await (
                    page.locator("[data-testid='stSidebar']")
                    .get_by_role("button", name=t("sidebar.back_to", "zh", name=top))
                    .click(timeout=timeout_ms)
                )
                await L._crumb(page, top, timeout_ms)

            first = codes["township"]
            out.append(await _view("township", page, cdp, wire, roots, open_page, first, timeout_ms, trace, profile))
            for _ in range(rounds):
                steps = [
                    ("village", lambda: click(village, f"{top} › {village[1]}"), codes["village"]),
                    ("grid", lambda: click(grid, f"{top} › {village[1]} › {grid[1]}"), codes["grid"]),
                    ("back", back, codes["township"]),
                ]
                for name, action, want in steps:
                    out.append(await _view(name, page, cdp, wire, roots, action, want, timeout_ms, trace, profile))
            await page.context.close()
        finally:
            await browser.close()
    return out


def run(src: Path, rounds: int = 3, trace: Path | None = None, profile: bool = False) -> list[dict[str, Any]]:
    """The office user's coverage journey on a copy of ``src``, one row per view (see the module's docstring).

    Parameters
    ----------
    src : a DuckDB data set (data/bench-county.duckdb, or a tiny world's file); copied, never written.
    rounds : how many times the user drills down (village, grid) and goes back, after opening the page.
    trace : a folder: record each view as a Chrome trace there and split it by frame (:func:`frame_split`).
    profile : with ``trace``, also V8's sampling profiler in the traces (for ``python -m bench.trace_summary``:
        JavaScript by script and function; it costs more CPU than the plain trace).

    Returns
    -------
    list of dict
        ``1 + 3 * rounds`` rows in the order viewed: ``view`` (township, village, grid, back),
        ``cpu_s``, ``by_process``, ``task_s``, ``script_s``, ``layout_s``, ``style_s``, ``ws_bytes``,
        ``map_bytes``, ``http_bytes`` (and ``http_by_path``), ``runs`` (script runs finished), ``deltas`` (by
        kind, :func:`bench.page_weight.delta_kinds`), and with ``trace`` ``frames``.
    """
    if trace is not None:
        trace.mkdir(parents=True, exist_ok=True)
    with W.served_copy(src) as (server, plans, codes):
        # in a thread of its own: the caller may be inside an event loop (Playwright's sync API in a test session)
        return L._in_own_thread(
            lambda: asyncio.run(_journey(codes, server.url, plans, server.roots, rounds, trace, profile))
        )


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Min and median per view of the browser CPU and the page target's metrics.

    Returns
    -------
    dict
        View → ``{"n", "cpu_min", "cpu_median", "script_median", "layout_median", "style_median",
        "map_bytes", "ws_bytes"}`` (bytes: the median), and ``"all"`` over every view.
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["view"]].append(r)
        groups["all"].append(r)
    out = {}
    for view, rs in groups.items():
        cpu = [r["cpu_s"] for r in rs]
        out[view] = {
            "n": len(rs),
            "cpu_min": min(cpu),
            "cpu_median": statistics.median(cpu),
            "script_median": statistics.median(r["script_s"] for r in rs),
            "layout_median": statistics.median(r["layout_s"] for r in rs),
            "style_median": statistics.median(r["style_s"] for r in rs),
            "map_bytes": statistics.median(r["map_bytes"] for r in rs),
            "ws_bytes": statistics.median(r["ws_bytes"] for r in rs),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring).

    Returns
    -------
    int
        0.
    """
    ap = argparse.ArgumentParser(prog="python -m bench.browser_cost")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "bench-county.duckdb")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--trace", type=Path, help="a folder: trace each view there and split it by frame")
    ap.add_argument("--profile", action="store_true", help="with --trace: V8's sampling profiler too")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    la = os.getloadavg()
    rows = run(a.db, a.rounds, a.trace, a.profile)
    lb = os.getloadavg()
    print(f"load average before {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}, after {lb[0]:.2f} {lb[1]:.2f} {lb[2]:.2f}")
    print("view      CPU s  renderer  GPU  browser  task s  script s  layout s  style s  WS bytes  map bytes")
    for r in rows:
        p = r["by_process"]
        print(
            f"{r['view']:<9} {r['cpu_s']:>5.2f} {p.get('renderer', 0):>9.2f} {p.get('gpu-process', 0):>4.2f} "
            f"{p.get('browser', 0):>8.2f} {r['task_s']:>7.2f} {r['script_s']:>9.2f} {r['layout_s']:>9.2f} "
            f"{r['style_s']:>8.2f} {r['ws_bytes']:>9,} {r['map_bytes']:>10,}"
        )
        print(f"    {r['runs']} script run(s); deltas " + ", ".join(f"{k} {v}" for k, v in r["deltas"].items()))
        print("    HTTP bytes: " + ", ".join(f"{k} {v:,}" for k, v in r["http_by_path"].items()))
        for frame, d in (r.get("frames") or {}).items():
            print(f"    {frame:<6} " + ", ".join(f"{k} {v:,.0f}" for k, v in d.items()) + " ms")
    for view, s in summary(rows).items():
        print(f"{view:<9} n={s['n']} CPU min {s['cpu_min']:.2f} s, median {s['cpu_median']:.2f} s")
    if a.json:
        a.json.write_text(json.dumps({"load_before": la, "load_after": lb, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
