"""What every page sends each kind of user, and its largest messages (issue 16).

One headless Chromium (Debian's, with the load benchmark's flags) on the app over a copy of a data set
(:func:`bench.page_weight.served_copy`); the load benchmark's three accounts in turn — a county leader
(县领导, the whole county), a township office (乡镇/街道) and a grid leader (网格长) — each signs in and
opens every page of their sidebar once, the home page last. Per view, from the click until the browser
and the server are quiet again: the bytes the server sent over Streamlit's WebSocket, its largest
messages with what they draw (a data frame, a map's component…), the CPU time of the browser's
processes and of the server's.

A page that sends a megabyte is slow on a phone whatever the server does: this is how the sixteenth
session found the hotspots page's hidden tabs (1.0 MB of repeat petitions with every view) and the
weekly page's coloured ranking of a county's staff (BENCHMARKS.md, "Sixteenth session: big pages").

    python -m bench.page_bytes [--db data/bench-county.duckdb] [--json FILE]

The data set is copied first (the run adds three accounts); the original stays as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bench import load as L
from bench import page_weight as W
from vocabulary.roles import DEFAULT_HOME_PAGE, HOME_PAGE

ROOT = Path(__file__).resolve().parent.parent
#: the accounts, in the order measured (bench.load's journeys, each the role of its account)
JOURNEYS = ("leader", "office", "grid_leader")
#: how many of a view's largest messages are reported
LARGEST = 3


def _path(url: str) -> str:
    """A page's address without its query and last slash.

    Returns
    -------
    str
        E.g. ``http://host:port/coverage``; the home page's is the server's own address.
    """
    return url.split("?", 1)[0].rstrip("/")


async def _view(page: Any, wire: W.Wire, roots: list[int], href: str, timeout_ms: float) -> dict[str, Any]:
    await W._quiet(roots)
    first, ws0 = len(wire.messages), wire.ws
    browser0, server0 = W.chromium_cpu_seconds(roots), L.cpu_seconds(roots)
    await page.locator(f"[data-testid='stSidebarNav'] a[href='{href}']").click(timeout=timeout_ms)
    await page.wait_for_url(lambda url: _path(url) == _path(href), timeout=timeout_ms)
    await L._idle(page, timeout_ms)
    await W._quiet(roots)
    largest = sorted(wire.messages[first:], reverse=True)[:LARGEST]
    return {
        "ws_bytes": wire.ws - ws0,
        "largest": [{"bytes": n, "kind": kind} for n, kind in largest],
        "browser_cpu_s": round(W.chromium_cpu_seconds(roots) - browser0, 3),
        "server_cpu_s": round(L.cpu_seconds(roots) - server0, 3),
    }


async def _pages(base: str, plans: list[Any], roots: list[int], journeys: tuple[str, ...]) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    timeout_ms = 120_000
    out: list[dict[str, Any]] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=L.CHROMIUM, args=L.CHROMIUM_ARGS, headless=True)
        try:
            for journey in journeys:
                plan = next(p for p in plans if p.journey == journey)
                page, _, wire = await W._sign_in(browser, base, plan.user, L.HOME_MARK[journey], timeout_ms)
                links = page.locator("[data-testid='stSidebarNav'] a")
                hrefs = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
                home = next(h for h in hrefs if _path(h) == _path(base))  # the role's home page: no path of its own
                for href in [h for h in hrefs if h != home] + [home]:  # the home page last: it is open now
                    row = await _view(page, wire, roots, href, timeout_ms)
                    name = href.rsplit("/", 1)[-1] if href != home else Path(HOME_PAGE.get(journey, DEFAULT_HOME_PAGE))
                    out.append({"journey": journey, "page": Path(name).stem, **row})
                await page.context.close()
        finally:
            await browser.close()
    return out


def run(src: Path, journeys: tuple[str, ...] = JOURNEYS) -> list[dict[str, Any]]:
    """Every page of every account's sidebar on a copy of ``src``, one row per view.

    Parameters
    ----------
    src : a DuckDB data set (data/bench-county.duckdb, or a tiny world's file); copied, never written.
    journeys : the accounts (some of :data:`JOURNEYS`, in the order measured).

    Returns
    -------
    list of dict
        In the order viewed: ``journey`` (leader, office, grid_leader), ``page`` (its URL path),
        ``ws_bytes``, ``largest`` (the view's :data:`LARGEST` largest messages: ``bytes`` and ``kind``,
        the element they draw), ``browser_cpu_s`` and ``server_cpu_s`` (seconds of CPU, user + system).
    """
    with W.served_copy(src) as (server, plans, _):
        # in a thread of its own: the caller may be inside an event loop (Playwright's sync API in a test session)
        return L._in_own_thread(lambda: asyncio.run(_pages(server.url, plans, server.roots, journeys)))


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table, largest messages as ``bytes kind``.

    Returns
    -------
    str
    """
    lines = [
        "| account | page | WS bytes | largest messages | browser CPU s | server CPU s |",
        "|---|---|---:|---|---:|---:|",
    ]
    for r in rows:
        largest = ", ".join(f"{m['bytes']:,} {m['kind'] or '—'}" for m in r["largest"])
        lines.append(
            f"| {r['journey']} | {r['page']} | {r['ws_bytes']:,} | {largest} | {r['browser_cpu_s']:.2f} "
            f"| {r['server_cpu_s']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring).

    Returns
    -------
    int
        0.
    """
    ap = argparse.ArgumentParser(prog="python -m bench.page_bytes")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "bench-county.duckdb")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    rows = run(a.db)
    print(table(rows))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
