"""The escalation watch-list (越级风险观察名单): petitions and villages at risk of escalating.

Petitions and villages at risk of escalating to the city, the province or Beijing, each with the
reasons for its score — and how often the list saw an escalation coming, measured on the
database's own history.

A petition has *escalated* when its ``level_reached`` is city, province or national
(:data:`analytics.hotspots.ESCALATED_LEVELS`); it escalated on ``escalated_on`` (migration 0010).

**Watched** on a day D: petitions received by D that had not escalated by D and were either not
closed by D, or closed 基本满意 / 不满意 within the ``watch_recent_days`` (rule, 90) days before D.

**Score** of a watched petition on D: the sum of the weights (rules, an administrator can change
them) of the factors it shows on D —

============  ==================================================================  ======
factor        on D                                                                weight
============  ==================================================================  ======
repeat        another petition of the same household, received by D, within        2
              ``repeat_days`` (rule, 90) days of it
overdue       past its reply due without a reply, or its close due without         2
              closing (the deadlines of the work list, :func:`analytics.petitions.items`)
unsatisfied   closed 不满意 by D                                                  3
partly        closed 基本满意 by D                                                1
group         5 people or more (集访)                                              2
category      its category escalated often in the 365 days to D: at least         1
              ``watch_category_min`` (3) escalations and ``watch_category_lift``
              (1.5) times the county's share of escalated petitions
hotspot       its village is a new, consecutive or intensifying hot spot over     1
              the 12 full months before D's month (Esri's emerging hot spot
              patterns, :func:`analytics.hotspots.emerging_classes`)
============  ==================================================================  ======

A petition is on the list when its score reaches ``watch_min_score`` (rule, 3). A **village** scores
``watch_w_hotspot`` when it is such a hot spot plus ``watch_w_village_listed`` (1) for each of its
petitions on the list, and is listed on the same threshold.

**Hit rate**: of the petitions in scope that escalated in the 365 days up to today (dated), the share
that were on the list ``watch_lead_days`` (rule, 30) days before they escalated — themselves, or
through their village. Beside it, the list's mean length on those days: a list that catches
everything by listing everything is not worth reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import duckdb
import numpy as np
import pandas as pd

from analytics import hotspots as H
from analytics import petitions as P
from analytics.reports import Scope
from store import db
from vocabulary.petitions import GROUP_PETITION_PEOPLE

FACTORS = ("repeat", "overdue", "unsatisfied", "partly", "group", "category", "hotspot")
#: Emerging hot spot patterns of a village "rising": a new, consecutive or intensifying hot spot.
RISING = ("new_hot", "consecutive_hot", "intensifying_hot")
PETITION_COLUMNS = [
    "id",
    "received_on",
    "category",
    "people",
    "status",
    "household_code",
    "village_code",
    "village_name",
    "township_name",
    "score",
    "reasons",
]
VILLAGE_COLUMNS = ["code", "name", "township_name", "pattern", "petitions_listed", "score", "reasons"]
REPORT_COLUMNS = ["kind", "id", "name", "received_on", "category", "people", "status", "score", "reasons"]
HIT_COLUMNS = [
    "id",
    "escalated_on",
    "level_reached",
    "checked_on",
    "village_name",
    "listed",
    "village_listed",
    "score",
    "hit",
]


@dataclass(frozen=True)
class Rules:
    """The watch-list's rules (rules table; defaults in store/migrations/0010)."""

    weights: dict[str, float]
    min_score: float
    village_listed: float
    category_lift: float
    category_min: int
    recent_days: int
    lead_days: int
    repeat_days: int


def rules(con: duckdb.DuckDBPyConnection) -> Rules:
    """The current watch-list rules.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store.

    Returns
    -------
    Rules
        The weights and thresholds as the rules table holds them now.
    """
    w = {f: float(db.rule(con, f"watch_w_{f}")) for f in FACTORS}
    return Rules(
        weights=w,
        min_score=float(db.rule(con, "watch_min_score")),
        village_listed=float(db.rule(con, "watch_w_village_listed")),
        category_lift=float(db.rule(con, "watch_category_lift")),
        category_min=int(db.rule(con, "watch_category_min")),
        recent_days=int(db.rule(con, "watch_recent_days")),
        lead_days=int(db.rule(con, "watch_lead_days")),
        repeat_days=H.repeat_days(con),
    )


# ----------------------------------------------------------------------------- the history


def facts(con: duckdb.DuckDBPyConnection, today: dt.date, scope: Scope = None) -> pd.DataFrame:
    """Every petition received by ``today`` in ``scope`` with what the watch-list reads.

    Returns
    -------
    pandas.DataFrame
        The petition columns of :func:`analytics.petitions.items` (state as of ``today``, deadlines)
        plus ``level_reached``, ``escalated`` (bool), ``escalated_on``, and ``previous_on`` /
        ``next_on``: the receipt days of the same household's petitions just before and after it.
        Each date of :data:`DAY_COLUMNS` is also there as a day number ``_<column>`` (float, NaN
        when empty) for the day-by-day arithmetic of :func:`score`.
    """
    its = P.with_dates(P.petition_items(con, today, scope)[P.WORKLIST_COLUMNS].drop(columns=["kind"]))
    esc = db.df(con, "watch_escalations")
    esc["escalated_on"] = pd.to_datetime(esc["escalated_on"]).dt.date
    f = its.merge(esc, on="id", how="left")
    lvl = f["level_reached"].astype("string").str.strip().str.lower()
    f["escalated"] = lvl.isin(H.ESCALATED_LEVELS).fillna(False).to_numpy(bool)
    f.loc[~f["escalated"], "escalated_on"] = None
    f["previous_on"], f["next_on"] = None, None
    own = f[f["household_code"].notna()].sort_values(["household_code", "received_on", "id"])
    by = own.groupby("household_code", sort=False)["received_on"]
    f.loc[own.index, "previous_on"] = by.shift(1)
    f.loc[own.index, "next_on"] = by.shift(-1)
    for c in DAY_COLUMNS:
        f[f"_{c}"] = _day_numbers(f[c])
    return f


#: The dates :func:`score` compares day by day (kept as day numbers in :func:`facts`).
DAY_COLUMNS = (
    "received_on",
    "replied_on",
    "closed_on",
    "reply_due",
    "close_due",
    "escalated_on",
    "previous_on",
    "next_on",
)


def _day_numbers(s: pd.Series) -> np.ndarray:
    """Dates as days since 1970-01-01 (floats, NaN when empty).

    Returns
    -------
    numpy.ndarray
        Float array of shape (len(s),), in days.
    """
    t = pd.to_datetime(s, errors="coerce")
    return ((t - pd.Timestamp(1970, 1, 1)) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def _day(d: dt.date) -> float:
    return float((d - dt.date(1970, 1, 1)).days)


def category_rates(f: pd.DataFrame, day: dt.date, today: dt.date) -> pd.DataFrame:
    """Escalated share per category over the petitions received in the 365 days up to ``day``.

    Escalated means escalated by ``day`` (an undated escalation counts only from ``today``).

    Returns
    -------
    pandas.DataFrame
        Indexed by category (``—`` for none): ``received, escalated, rate`` (a fraction 0–1);
        ``attrs["county_rate"]`` is the share over all categories.
    """
    rec = f["_received_on"].to_numpy() - _day(day)
    recent = f[(rec <= 0) & (rec > -365)]
    esc = _escalated_by(recent, day, today)
    t = pd.DataFrame({"category": recent["category"].fillna("—").to_numpy(), "escalated": esc.astype(int)})
    out = t.groupby("category").agg(received=("escalated", "size"), escalated=("escalated", "sum"))
    out["rate"] = out["escalated"] / out["received"]
    out.attrs["county_rate"] = float(esc.mean()) if len(esc) else 0.0
    return out


def _escalated_by(f: pd.DataFrame, day: dt.date, today: dt.date) -> np.ndarray:
    on = f["_escalated_on"].to_numpy()
    escalated = f["escalated"].to_numpy(bool)
    return escalated & ((on <= _day(day)) | (np.isnan(on) & (day >= today)))


def village_patterns(con: duckdb.DuckDBPyConnection, month_ends: Iterable[dt.date]) -> dict[dt.date, pd.Series]:
    """Each village's emerging hot spot pattern over the 12 months ending with each month end.

    Only the hot patterns are classified; a village never hot in those months is ``none``.

    The monthly Gi* is computed once over all the months needed (:func:`analytics.hotspots.
    monthly_gi`) and each 12-month slice classified as :func:`analytics.hotspots.emerging` does
    (a month is hot at the 95 % bin), so a pattern is the hotspots page's for the same 12 months.

    Returns
    -------
    dict of datetime.date to pandas.Series
        Month end → village code → pattern name.
    """
    ends = sorted(set(month_ends))
    if not ends:
        return {}
    last = ends[-1]
    span = (last.year - ends[0].year) * 12 + last.month - ends[0].month + 12
    counts = H.monthly_counts(con, "village", last, span)
    if counts.empty:
        return {e: pd.Series(dtype=object) for e in ends}
    base = db.df(
        con,
        "hotspot_counts",
        level="village",
        date_from=last,
        date_to=last,
        scope=None,
        categories=None,
        channels=None,
        group_only=False,
        group_people=GROUP_PETITION_PEOPLE,
        unresolved_only=False,
    )
    z, _, bins = H.monthly_gi(con, "village", counts, base.set_index("code")["households"])
    out = {}
    for e in ends:
        cols = H.month_window(e, 12)
        sig = bins[cols].where(bins[cols].abs() >= 2, 0)
        # only a village hot in some month can be a rising hot spot: classify just those (the Mann–
        # Kendall test per village is the slow part); the others are "none" for the watch-list
        hot = (sig > 0).any(axis=1)
        pat = pd.Series("none", index=z.index, dtype=object)
        if hot.any():
            pat[hot] = H.emerging_classes(z.loc[hot, cols], bins=sig[hot])["pattern"]
        out[e] = pat
    return out


def month_before(day: dt.date) -> dt.date:
    """The last day of the month before ``day``'s month (the end of the hot spot window on ``day``).

    Parameters
    ----------
    day : datetime.date
        Any day.

    Returns
    -------
    datetime.date
        The previous month's last day.

    Examples
    --------
    >>> month_before(dt.date(2026, 11, 26))
    datetime.date(2026, 10, 31)
    """
    return day.replace(day=1) - dt.timedelta(days=1)


# ----------------------------------------------------------------------------- one day's list


@dataclass
class Scored:
    """The watched petitions of a day with their factors (boolean columns ``f_<factor>``) and score."""

    day: dt.date
    frame: pd.DataFrame
    category_rates: pd.DataFrame = field(default_factory=pd.DataFrame)


def score(f: pd.DataFrame, day: dt.date, r: Rules, today: dt.date, patterns: pd.Series | None = None) -> Scored:
    """The watched petitions of ``f`` (:func:`facts`) on ``day``, scored as the module says.

    Parameters
    ----------
    f : pandas.DataFrame
        :func:`facts`' rows.
    day : datetime.date
        The day the list is made for.
    r : Rules
        The weights and thresholds.
    today : datetime.date
        The real today (an undated escalation counts only from it).
    patterns : pandas.Series, optional
        Village code → emerging hot spot pattern on ``day``.

    Returns
    -------
    Scored
        The watched petitions with a boolean column ``f_<factor>`` per factor, ``score`` and
        ``listed`` (score ≥ ``min_score``), and the category rates used.
    """
    d = _day(day)
    col = {c: f[f"_{c}"].to_numpy() for c in DAY_COLUMNS}
    received = col["received_on"] <= d
    escalated = _escalated_by(f, day, today)
    closed = f["closed"].to_numpy(bool) & (np.isnan(col["closed_on"]) | (col["closed_on"] <= d))
    replied = closed | (f["replied"].to_numpy(bool) & (np.isnan(col["replied_on"]) | (col["replied_on"] <= d)))
    sat = f["satisfaction"].where(closed, None)
    bad_close = sat.isin(["unsatisfied", "partly"]).to_numpy(bool) & (d - col["closed_on"] <= r.recent_days)
    w = received & ~escalated & (~closed | bad_close)
    g = f[w].copy()
    if g.empty:
        return Scored(day, g.assign(score=pd.Series(dtype=float), listed=pd.Series(dtype=bool)))
    rec = col["received_on"][w]
    g["f_repeat"] = (rec - col["previous_on"][w] <= r.repeat_days) | (
        (col["next_on"][w] <= d) & (col["next_on"][w] - rec <= r.repeat_days)
    )
    late_reply = ~replied[w] & (col["reply_due"][w] < d)  # due before the day, not replied by it
    late_close = ~closed[w] & (col["close_due"][w] < d)
    g["f_overdue"] = late_reply | late_close
    g["overdue_days"] = np.fmax(
        np.where(late_reply, d - col["reply_due"][w], np.nan), np.where(late_close, d - col["close_due"][w], np.nan)
    )
    g["satisfaction"] = sat[w]
    g["f_unsatisfied"] = (sat[w] == "unsatisfied").to_numpy(bool)
    g["f_partly"] = (sat[w] == "partly").to_numpy(bool)
    g["f_group"] = g["people"].fillna(1).astype(int).to_numpy() >= GROUP_PETITION_PEOPLE
    rates = category_rates(f, day, today)
    county = rates.attrs.get("county_rate", 0.0)
    often = rates[(rates["escalated"] >= r.category_min) & (county > 0) & (rates["rate"] >= r.category_lift * county)]
    g["f_category"] = g["category"].isin(often.index).to_numpy(bool)
    pat = patterns if patterns is not None else pd.Series(dtype=object)
    g["pattern"] = g["village_code"].map(pat)
    g["f_hotspot"] = g["pattern"].isin(RISING).to_numpy(bool)
    g["score"] = sum(g[f"f_{c}"].astype(float) * r.weights[c] for c in FACTORS)
    g["listed"] = g["score"] >= r.min_score
    return Scored(day, g.reset_index(drop=True), rates)


def villages_on(scored: Scored, r: Rules, villages: pd.DataFrame, patterns: pd.Series | None) -> pd.DataFrame:
    """The villages' scores on the day of ``scored``.

    Returns
    -------
    pandas.DataFrame
        ``code, name, township_name, pattern, petitions_listed, score, listed`` for every village of
        ``villages`` (code, name, township_name).
    """
    v = villages.copy()
    pat = patterns if patterns is not None else pd.Series(dtype=object)
    v["pattern"] = v["code"].map(pat).fillna("none")
    listed = scored.frame[scored.frame["listed"]] if len(scored.frame) else scored.frame
    n = listed.groupby("village_code").size() if len(listed) else pd.Series(dtype=int)
    v["petitions_listed"] = v["code"].map(n).fillna(0).astype(int)
    v["score"] = (
        v["pattern"].isin(RISING).astype(float) * r.weights["hotspot"] + v["petitions_listed"] * r.village_listed
    )
    v["listed"] = v["score"] >= r.min_score
    return v


# ----------------------------------------------------------------------------- today's list


@dataclass
class WatchList:
    """Today's list: petitions and villages, the rules it used and how many petitions were watched at all.

    Each petition and village has ``reasons``: (factor, details) pairs.
    """

    day: dt.date
    petitions: pd.DataFrame
    villages: pd.DataFrame
    watched: int
    rules: Rules


def _villages(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    v = db.df(con, "area_households", level="village", scope=None if scope is None else list(scope))
    towns = db.df(con, "areas_in_scope", level="township", scope=None)
    names = dict(zip(towns["code"], towns["name"]))
    return pd.DataFrame(
        {"code": v["code"], "name": v["name"], "township_name": v["parent_code"].map(names)}
    ).reset_index(drop=True)


def _petition_reasons(g: pd.DataFrame, r: Rules, rates: pd.DataFrame) -> list[list[tuple[str, dict]]]:
    county = rates.attrs.get("county_rate", 0.0)
    out = []
    for rec in g.itertuples(index=False):
        rs: list[tuple[str, dict]] = []
        if rec.f_repeat:
            rs.append(("repeat", {"days": r.repeat_days}))
        if rec.f_overdue:
            rs.append(("overdue", {"days": int(rec.overdue_days) if pd.notna(rec.overdue_days) else 0}))
        if rec.f_unsatisfied:
            rs.append(("unsatisfied", {}))
        if rec.f_partly:
            rs.append(("partly", {}))
        if rec.f_group:
            rs.append(("group", {"people": int(rec.people)}))
        if rec.f_category:
            rate = float(rates.loc[rec.category, "rate"]) if rec.category in rates.index else 0.0
            rs.append(("category", {"category": rec.category, "rate": rate, "county_rate": county}))
        if rec.f_hotspot:
            rs.append(("hotspot", {"pattern": rec.pattern}))
        out.append([(k, {**d, "weight": r.weights[k]}) for k, d in rs])
    return out


def watch_list(
    con: duckdb.DuckDBPyConnection, today: dt.date, scope: Scope = None, f: pd.DataFrame | None = None
) -> WatchList:
    """Today's watch-list: the listed petitions (highest score first, then the oldest) and villages.

    Returns
    -------
    WatchList
        ``petitions`` with :data:`PETITION_COLUMNS`, ``villages`` with :data:`VILLAGE_COLUMNS`;
        ``reasons`` is a list of (factor, details) pairs, the details holding the factor's
        ``weight`` and what it saw (days overdue, the category's rate …).
    """
    r = rules(con)
    f = facts(con, today, scope) if f is None else f
    patterns = village_patterns(con, [month_before(today)])[month_before(today)]
    s = score(f, today, r, today, patterns)
    g = s.frame[s.frame["listed"]].copy() if len(s.frame) else s.frame.copy()
    g = g.sort_values(["score", "received_on", "id"], ascending=[False, True, True], kind="mergesort")
    g["reasons"] = _petition_reasons(g, r, s.category_rates) if len(g) else []
    pets = g.reindex(columns=PETITION_COLUMNS).reset_index(drop=True)
    v = villages_on(s, r, _villages(con, scope), patterns)
    v = v[v["listed"]].sort_values(["score", "code"], ascending=[False, True], kind="mergesort").copy()
    v["reasons"] = [
        ([("hotspot", {"pattern": p, "weight": r.weights["hotspot"]})] if p in RISING else [])
        + ([("listed", {"n": int(n), "weight": r.village_listed})] if n else [])
        for p, n in zip(v["pattern"], v["petitions_listed"])
    ]
    return WatchList(today, pets, v[VILLAGE_COLUMNS].reset_index(drop=True), int(len(s.frame)), r)


# ----------------------------------------------------------------------------- is it worth reading?


@dataclass
class HitRate:
    """How the list did on the history: see the module. Shares are None when nothing escalated."""

    escalated: int  # escalations dated in the 365 days to today
    undated: int  # escalations in scope with no date (not measurable)
    hits: int
    via_petition: int  # of the hits, the petition itself was listed
    share: float | None
    mean_petitions: float | None  # petitions on the list, mean over the days checked
    mean_villages: float | None
    mean_watched: float | None  # petitions watched at all on those days
    lead_days: int
    rows: pd.DataFrame  # HIT_COLUMNS, one row per escalation


def hit_rate(
    con: duckdb.DuckDBPyConnection, today: dt.date, scope: Scope = None, f: pd.DataFrame | None = None
) -> HitRate:
    """How the list did: the share of the year's escalations it had listed ``watch_lead_days`` before.

    Of the petitions that escalated (dated) in the 365 days up to ``today``, the share on the list
    ``watch_lead_days`` before — the petition, or its village — and the list's mean length then.

    Returns
    -------
    HitRate
        The counts, the share (a fraction 0–1, 4 decimals; None when nothing escalated), the mean
        lengths and one row per escalation (:data:`HIT_COLUMNS`).
    """
    r = rules(con)
    f = facts(con, today, scope) if f is None else f
    start = today - dt.timedelta(days=364)
    esc_on = pd.to_datetime(f["escalated_on"], errors="coerce")
    mine = f[
        f["escalated"]
        & esc_on.notna().to_numpy()
        & (esc_on >= pd.Timestamp(start)).to_numpy()
        & (esc_on <= pd.Timestamp(today)).to_numpy()
    ].copy()
    undated = int((f["escalated"] & esc_on.isna().to_numpy()).sum())
    empty = pd.DataFrame(columns=HIT_COLUMNS)
    if mine.empty:
        return HitRate(0, undated, 0, 0, None, None, None, None, r.lead_days, empty)
    mine["checked_on"] = [d - dt.timedelta(days=r.lead_days) for d in mine["escalated_on"]]
    days = sorted(set(mine["checked_on"]))
    patterns = village_patterns(con, [month_before(d) for d in days])
    villages = _villages(con, scope)
    lengths, rows = [], []
    for day in days:
        pat = patterns[month_before(day)]
        s = score(f, day, r, today, pat)
        v = villages_on(s, r, villages, pat)
        listed_ids = set(s.frame.loc[s.frame["listed"], "id"]) if len(s.frame) else set()
        scores = dict(zip(s.frame["id"], s.frame["score"])) if len(s.frame) else {}
        listed_villages = set(v.loc[v["listed"], "code"])
        lengths.append((len(listed_ids), len(listed_villages), len(s.frame)))
        for rec in mine[mine["checked_on"] == day].itertuples(index=False):
            on_list = rec.id in listed_ids
            via_village = pd.notna(rec.village_code) and rec.village_code in listed_villages
            rows.append(
                (
                    rec.id,
                    rec.escalated_on,
                    rec.level_reached,
                    day,
                    rec.village_name,
                    on_list,
                    via_village,
                    scores.get(rec.id),
                    on_list or via_village,
                )
            )
    out = pd.DataFrame(rows, columns=HIT_COLUMNS).sort_values(["escalated_on", "id"]).reset_index(drop=True)
    hits = int(out["hit"].sum())
    ln = np.array(lengths, dtype=float)
    return HitRate(
        len(out),
        undated,
        hits,
        int(out["listed"].sum()),
        round(hits / len(out), 4),
        round(float(ln[:, 0].mean()), 1),
        round(float(ln[:, 1].mean()), 1),
        round(float(ln[:, 2].mean()), 1),
        r.lead_days,
        out,
    )


# ----------------------------------------------------------------------------- words


def reason_text(reasons: Sequence[tuple[str, dict[str, Any]]], lang: str = "zh") -> str:
    """The reasons of one item in words, each with its weight: "逾期 12 天 +2；集体访 8 人 +2".

    Parameters
    ----------
    reasons : sequence of (str, dict)
        (factor, details) pairs as :func:`watch_list` gives them.
    lang : str
        ``zh`` or ``en``.

    Returns
    -------
    str
        The catalog's ``watch.reason.<factor>`` sentences joined by ``watch.reason_sep``.
    """
    from i18n import fmt_pct, t

    parts = []
    for factor, d in reasons:
        fmt = dict(d)
        if factor == "category":
            fmt["rate"], fmt["county_rate"] = fmt_pct(d["rate"], lang), fmt_pct(d["county_rate"], lang)
        if factor == "hotspot":
            fmt["pattern"] = t(f"hotspots_page.pattern.{d['pattern']}", lang)
        fmt["weight"] = f"{d['weight']:g}"
        parts.append(t(f"watch.reason.{factor}", lang, **fmt))
    return t("watch.reason_sep", lang).join(parts)


def report(wl: WatchList, lang: str = "en") -> pd.DataFrame:
    """``manage.py report watch``: the list's petitions then villages, reasons in words.

    Parameters
    ----------
    wl : WatchList
        Today's list.
    lang : str
        The language of statuses and reasons.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REPORT_COLUMNS`, petitions first.
    """
    from i18n import t

    p = wl.petitions
    pets = pd.DataFrame(
        {
            "kind": "petition",
            "id": p["id"],
            "name": p["village_name"],
            "received_on": p["received_on"],
            "category": p["category"],
            "people": p["people"].astype("Int64"),
            "status": [t(f"status.{s}", lang) for s in p["status"]],
            "score": p["score"],
            "reasons": [reason_text(x, lang) for x in p["reasons"]],
        }
    )
    v = wl.villages
    vil = pd.DataFrame(
        {
            "kind": "village",
            "id": v["code"],
            "name": v["name"],
            "received_on": None,
            "category": None,
            "people": pd.array([None] * len(v), dtype="Int64"),
            "status": None,
            "score": v["score"],
            "reasons": [reason_text(x, lang) for x in v["reasons"]],
        }
    )
    frames = [x for x in (pets, vil) if len(x)]
    if not frames:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[REPORT_COLUMNS]
