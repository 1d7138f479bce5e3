"""Every time axis runs in the order of time, in every language (issue 18, item 2).

A chart whose x axis is a month label must not be sorted by the label's text: in Chinese
"2026年10月" sorts before "2026年1月". The charts of every page are read from AppTest: each
Vega-Lite chart with a month axis keeps the data's order (``sort: null``) or uses a temporal axis,
and its data runs from the oldest month to the newest.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pyarrow as pa
import pytest

from tests import factories as F

TODAY = "2026-11-26"  # the 12 months 2025-12 … 2026-11 cross a new year
MONTH = {"zh": re.compile(r"^(\d{4})年(\d{1,2})月$"), "en": re.compile(r"^(\d{4})-(\d{2})$")}


def _charts(at):
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return [n for n in walk(at._tree) if getattr(n, "type", None) == "vega_lite_chart"]


def _month_axis(chart, lang):
    """(x encoding, the x values in the data's order) of a chart whose x values are month labels."""
    spec = json.loads(chart.proto.spec)
    x = spec["encoding"]["x"]
    data = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()
    values = data[x["field"]].astype(str).tolist()
    return x, values


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["pages/hotspots.py"])
def test_month_axes_run_in_time_order(tiny_ro, monkeypatch, lang, page):
    _, path = tiny_ro
    at = F.signed_in_app(monkeypatch, path, "admin", today=TODAY, lang=lang, page=page)
    found = 0
    for chart in _charts(at):
        x, values = _month_axis(chart, lang)
        months = [MONTH[lang].match(v) for v in values]
        if not values or not all(months):
            continue
        found += 1
        assert x.get("type") == "temporal" or ("sort" in x and x["sort"] is None), x
        order = [dt.date(int(m.group(1)), int(m.group(2)), 1) for m in months]
        assert order == sorted(order) and order[0] == dt.date(2025, 12, 1) and len(order) == 12, values
    assert found >= 1
