"""How a figure is shown on any page: one name, one definition, one number format, one benchmark.

Its name is i18n ``figure.<key>``, its definition the help text; the benchmark stands beside it as a
difference in percentage points (not a trend: no arrow).

The numbers come from :func:`analytics.overview.headline` / :func:`analytics.petitions.summary`;
this module only draws them, so a figure cannot look different on two pages.
"""

from __future__ import annotations

from typing import Any

from i18n import CATALOG, fmt_int, fmt_pct, fmt_points
from ui import common as C
from ui.common import t


def is_rate(key: str) -> bool:
    """Whether a figure is a rate (a share, written as a percentage) rather than a count.

    Parameters
    ----------
    key : str
        The figure (``households``, ``coverage``, ``on_time_rate`` …).

    Returns
    -------
    bool
        True for ``coverage`` and every ``*_rate``.
    """
    return key.endswith("_rate") or key == "coverage"


def value_text(key: str, value: Any) -> str:
    """The figure's value as every page writes it.

    Parameters
    ----------
    key : str
        The figure (see :func:`is_rate`).
    value : Any
        A count, or a ratio 0–1 for a rate; None or NaN when there is none.

    Returns
    -------
    str
        ``93.2 %`` or ``1,400`` in the session's language; ``—`` when empty.
    """
    return fmt_pct(value, C.lang()) if is_rate(key) else fmt_int(value, C.lang())


def label(key: str, **fmt: Any) -> str:
    """The figure's name in the page's language.

    Parameters
    ----------
    key : str
        The figure.
    **fmt : Any
        Placeholders of the name.

    Returns
    -------
    str
        The catalog's ``figure.<key>``.
    """
    return t(f"figure.{key}", **fmt)


def help_text(key: str, benchmark: float | None = None, **fmt: Any) -> str | None:
    """The figure's definition (and benchmark with its source), for the metric's help.

    Parameters
    ----------
    key : str
        The figure.
    benchmark : float, optional
        A ratio 0–1 the figure is compared with.
    **fmt : Any
        Placeholders of the definition.

    Returns
    -------
    str or None
        The catalog's ``figure.<key>.help`` and the benchmark, joined by `` · ``; None when the figure
        has no definition in the catalog and no benchmark is given.
    """
    parts = []
    if f"figure.{key}.help" in CATALOG[C.lang()]:
        parts.append(t(f"figure.{key}.help", **fmt))
    if benchmark is not None:
        parts.append(t("metric.benchmark", value=fmt_pct(benchmark, C.lang())) + " · " + t("metric.benchmark_source"))
    return " · ".join(parts) or None


def metric(
    where: Any, key: str, value: Any, benchmark: float | None = None, name: str | None = None, **fmt: Any
) -> None:
    """``st.metric`` of one figure in ``where`` (a column or ``st``), the benchmark beside it.

    Parameters
    ----------
    key : the figure (``households``, ``coverage``, ``petitions_received`` …).
    value : its value (a count, or a ratio 0–1 for rates).
    benchmark : a ratio to compare with: shown as "+1.2 个百分点" under the value, green above and red
        below, without an arrow (a difference from a benchmark is not a trend).
    name : another label (a filtered or otherwise different figure must not carry the figure's name).
    fmt : placeholders of the help text.
    """
    delta = None
    if benchmark is not None and value is not None:
        delta = fmt_points(float(value) - float(benchmark), C.lang())
    where.metric(
        name or label(key),
        value_text(key, value),
        delta=delta,
        delta_arrow="off",
        help=help_text(key, benchmark, **fmt),
    )
