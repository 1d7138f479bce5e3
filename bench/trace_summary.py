"""Where a browser's time went in a Chrome trace (``python -m bench.page_weight --trace``).

    python -m bench.trace_summary TRACE.json [TRACE.json ...]

For each trace: the CPU time of every busy thread of every Chromium process (the sum of its
top-level tasks' thread time, ``tdur``), the renderer's main thread split into what Chrome's
Performance panel calls scripting, style, layout, paint, compositing, parsing, garbage collection
and other (each event's own time, its children's taken out, an unnamed child counted as its
parent's kind), and the JavaScript by script URL and by function (V8's sampling profiler, self time).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

#: trace event name → kind of work on the renderer's main thread (Chrome DevTools' timeline groups)
KINDS = {
    "scripting": (
        "EvaluateScript",
        "FunctionCall",
        "TimerFire",
        "EventDispatch",
        "RunMicrotasks",
        "v8.compile",
        "v8.compileModule",
        "v8.evaluateModule",
        "V8.Execute",
        "FireAnimationFrame",
        "FireIdleCallback",
        "XHRReadyStateChange",
        "v8.run",
        "v8.callFunction",
        "CompileCode",
        "CompileScript",
        "v8.parseOnBackground",
        "WebSocketReceiveHandshakeResponse",
    ),
    "style": ("UpdateLayoutTree", "RecalculateStyles", "ParseAuthorStyleSheet", "ScheduleStyleRecalculation"),
    "layout": ("Layout", "UpdateLayerTree", "IntersectionObserverController::computeIntersections"),
    "paint": ("Paint", "PrePaint", "PaintImage", "Decode Image", "RasterTask", "Layerize"),
    "compositing": ("Commit", "CompositeLayers", "UpdateLayer", "ProxyMain::BeginMainFrame::commit"),
    "parsing": ("ParseHTML",),
    "gc": ("MajorGC", "MinorGC", "V8.GCScavenger", "V8.GCFinalizeMC", "BlinkGC.AtomicPhase", "V8.GC_MC_BACKGROUND"),
}
_KIND_OF = {name: kind for kind, names in KINDS.items() for name in names}
#: the top-level task of a thread (its CPU is the sum of these)
_TASKS = ("ThreadControllerImpl::RunTask", "RunTask")


def _events(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    return data["traceEvents"] if isinstance(data, dict) else data


def renderer_main_events(events: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The complete events of each renderer main thread (``CrRendererMain``) of a trace.

    Parameters
    ----------
    events : a trace's events (:func:`_events`).

    Yields
    ------
    list of dict
        One thread's complete events (``"ph": "X"`` with a duration), sorted by start and, at one start,
        longest first: each event before the events nested in it, as :func:`add_own_times` takes them.
    """
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    for pid, tid in sorted(mains):
        yield sorted(
            (e for e in events if e.get("pid") == pid and e.get("tid") == tid and e.get("ph") == "X" and "dur" in e),
            key=lambda e: (e["ts"], -e["dur"]),
        )


def add_own_times(xs: list[dict[str, Any]], acc: dict[str, float]) -> None:
    """Add each complete event's own time to its kind of work.

    Parameters
    ----------
    xs : complete events (``"ph": "X"``) of one thread, sorted by start and, at one start, longest first.
    acc : kind (:data:`KINDS`, or "other") → milliseconds; each event's duration less its children's is
        added to its kind, an event of no known kind counted as its parent's.
    """
    stack: list[list[Any]] = []  # [end, kind, own]
    for e in xs:
        while stack and stack[-1][0] <= e["ts"]:
            _, kind, own = stack.pop()
            acc[kind] += own
        kind = _KIND_OF.get(e["name"]) or (stack[-1][1] if stack else "other")
        if stack:
            stack[-1][2] -= e["dur"] / 1000
        stack.append([e["ts"] + e["dur"], kind, e["dur"] / 1000])
    while stack:
        _, kind, own = stack.pop()
        acc[kind] += own


def summarise(path: Path) -> dict[str, Any]:
    """The breakdown of one trace (see the module's docstring).

    Parameters
    ----------
    path : a trace in Chrome's JSON format (``traceEvents``).

    Returns
    -------
    dict
        ``threads``: {"process/thread": CPU ms}, busiest first; ``main``: {kind: ms} on the
        renderer's main thread (own times, wall clock); ``js_by_url``, ``js_by_function``: self ms
        from the sampling profiler, largest first.
    """
    events = _events(path)
    pname: dict[int, str] = {}
    tname: dict[tuple[int, int], str] = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "process_name":
            pname[e["pid"]] = e["args"].get("name", "")
        elif e.get("ph") == "M" and e.get("name") == "thread_name":
            tname[(e["pid"], e["tid"])] = e["args"].get("name", "")
    cpu: dict[str, float] = defaultdict(float)
    # a thread's top-level tasks only: Chrome nests one RunTask inside each ThreadControllerImpl::RunTask
    # (counting both counted every task twice)
    tasks = sorted(
        (e for e in events if e.get("ph") == "X" and e.get("name") in _TASKS and "tdur" in e),
        key=lambda e: (e["pid"], e["tid"], e["ts"], -e.get("dur", 0)),
    )
    ends: dict[tuple[int, int], float] = {}
    for e in tasks:
        thread = (e["pid"], e["tid"])
        if e["ts"] < ends.get(thread, -1.0):
            continue  # inside the task before it
        ends[thread] = e["ts"] + e.get("dur", 0)
        cpu[f"{pname.get(e['pid'], e['pid'])}/{tname.get(thread, e['tid'])}"] += e["tdur"] / 1000
    # the renderer main thread(s): complete events nested by time, own time per kind
    main: dict[str, float] = defaultdict(float)
    for xs in renderer_main_events(events):
        add_own_times(xs, main)
    by_url, by_fn = _profile(events)
    top = dict(sorted(cpu.items(), key=lambda kv: -kv[1]))
    return {
        "threads": {k: round(v, 1) for k, v in top.items() if v >= 1},
        "main": {k: round(v, 1) for k, v in sorted(main.items(), key=lambda kv: -kv[1])},
        "js_by_url": by_url,
        "js_by_function": by_fn,
    }


def _profile(events: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, float]]:
    """Self time per script URL and per function from V8's ProfileChunk events (every profile).

    Returns
    -------
    tuple of dict
        (URL → ms, "function @ URL" → ms), the 15 largest of each.
    """
    nodes: dict[tuple[Any, int], dict[str, Any]] = {}
    by_url: dict[str, float] = defaultdict(float)
    by_fn: dict[str, float] = defaultdict(float)
    for e in events:
        if e.get("name") not in ("Profile", "ProfileChunk"):
            continue
        data = e.get("args", {}).get("data", {})
        pid = (e["pid"], e.get("id"))
        for n in (data.get("cpuProfile") or {}).get("nodes") or []:
            nodes[(pid, n["id"])] = n.get("callFrame", {})
        samples = (data.get("cpuProfile") or {}).get("samples") or []
        deltas = data.get("timeDeltas") or []
        for i, s in enumerate(samples):
            # a sample's time is the gap to the next sample (the last one: the gap before it)
            dt = deltas[i + 1] if i + 1 < len(deltas) else (deltas[i] if i < len(deltas) else 0)
            f = nodes.get((pid, s), {})
            url = f.get("url") or f.get("functionName") or "(native)"
            url = url.rsplit("/", 1)[-1][:60]
            by_url[url] += max(dt, 0) / 1000
            by_fn[f"{f.get('functionName') or '(anonymous)'} @ {url}"] += max(dt, 0) / 1000

    def top(d: dict[str, float]) -> dict[str, float]:
        return {k: round(v, 1) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:15]}

    return top(by_url), top(by_fn)


def main(argv: list[str] | None = None) -> int:
    """Print each trace's breakdown (see the module's docstring).

    Returns
    -------
    int
        0.
    """
    for arg in argv if argv is not None else sys.argv[1:]:
        s = summarise(Path(arg))
        print(f"== {arg}")
        for part in ("threads", "main", "js_by_url", "js_by_function"):
            print(f"-- {part} (ms)")
            for k, v in s[part].items():
                print(f"  {v:>9,.1f}  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
