"""Trends: is improper collection getting worse? (issue 10)

* ``query_trend``: one measure by ISO week, month or quarter, with the change on the
  previous period and the incomplete periods at the edges marked.
* ``detect_spikes`` / ``query_spikes``: periods far above the series' own recent past.
* ``load_events``: dated rule events from ``analysis/maps/events.csv`` (dates taken from
  ../shared/RULEBOOK.md only, with its verification status V / S / R).
* ``before_after``: the measure in the complete months before and after an event.
* ``make_trend_figure``: the trend chart (line, change bars, spikes, events).

Periods are periods of the **received date** (the date the organisation received the
complaint; the date every filter uses). Incidents are counted in the period their complaint
was received, not when they occurred: the occurrence date is unknown for most incidents.
Complaints without a received date are in no period.

Measures (``MEASURES``; ``conduct:<CODE>`` for one conduct):

==================  =========  ======================================================
measure             counts     rows counted
==================  =========  ======================================================
``complaints``      complaints every complaint
``improper``        complaints complaints with at least one conduct label (label source
                               of the filter)
``conduct:<CODE>``  complaints complaints with conduct ``CODE`` (codes of analysis.codes)
``incidents``       incidents  every incident
``outside_hours``   incidents  incidents alleged outside the permitted hours
                               (``is_outside_permitted_hours``: an exact time outside
                               CN-TIME-01 / US-TIME-01, or a flag such as CFPB's "Called
                               before 8am or after 9pm")
==================  =========  ======================================================

No Streamlit here.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import codes, drill
from analysis.filters import Filter, build_where, conduct_column
from analysis.i18n import t
from analysis.queries import relation

Con = duckdb.DuckDBPyConnection

PERIODS = ("week", "month", "quarter")
MEASURES = ("complaints", "improper", "incidents", "outside_hours")
CONDUCT_PREFIX = "conduct:"

# ---- spike detection: every threshold defined once ----------------------------------------
#: Modified z-score above which a period is a spike (Iglewicz & Hoaglin 1993, "How to Detect
#: and Handle Outliers", ASQC Basic References in Quality Control 16: |M| > 3.5).
ROBUST_Z_THRESHOLD = 3.5
#: MAD × 1.4826 estimates the standard deviation of normal data (1 / Φ⁻¹(0.75); the 0.6745 of
#: Iglewicz & Hoaglin's M = 0.6745 (x − median) / MAD is its inverse).
MAD_SCALE = 1.4826
#: Floor of the robust scale, in counts: the scale is never below sqrt(median) (the standard
#: deviation of a Poisson count with that mean: ordinary counting noise) nor below this, so a
#: flat baseline (MAD = 0) does not divide by zero and 13 after a year of 10s is no spike.
MIN_SCALE = 1.0
#: Poisson upper-tail test: a spike when P(X ≥ value | mean = baseline median) < this.
POISSON_P_THRESHOLD = 0.001
#: Poisson mean used when the baseline median is below it (a median of 0 would make any
#: count infinitely unlikely).
POISSON_MIN_MEAN = 0.5
#: Trailing baseline: the previous complete periods a period is compared with ...
BASELINE_PERIODS = 12
#: ... of which at least this many are needed before a period is judged at all.
MIN_BASELINE_PERIODS = 6
#: Method → its default threshold (robust_z: score ≥ threshold; poisson: p < threshold).
SPIKE_METHODS = {"robust_z": ROBUST_Z_THRESHOLD, "poisson": POISSON_P_THRESHOLD}
#: ``query_spikes(by="company")`` checks this many companies with most complaints.
SPIKE_TOP_COMPANIES = 20
SPIKE_BY = ("conduct", "company")

EVENTS_CSV = Path(__file__).resolve().parent / "maps" / "events.csv"
EVENT_COLUMNS = ("event_date", "jurisdiction", "rule_id", "instrument", "label_en", "label_zh",
                 "title_en", "title_zh", "status", "source")
#: Verification status of an event date, as in RULEBOOK.md ("How to read this file").
EVENT_STATUSES = ("V", "S", "R")

#: Chart colours (5 in all; Okabe–Ito, as analysis.codes).
VALUE_COLOR = "#0072B2"
SPIKE_COLOR = "#D55E00"
UP_COLOR = "#E69F00"
DOWN_COLOR = "#56B4E9"
EVENT_COLOR = "#555555"


# ---- measures and periods --------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    """A parsed measure: ``key`` as given, ``kind`` (``complaints``, ``improper``,
    ``conduct``, ``incidents``, ``outside_hours``), ``grain`` (``complaint`` / ``incident``),
    ``unit`` (``complaints`` / ``incidents``), ``conduct`` code or None, and
    ``count_column``: the name of its counts in chart frames (``*_count``, so exports
    suppress small counts)."""

    key: str
    kind: str
    grain: str
    unit: str
    conduct: str | None
    count_column: str


_COUNT_COLUMNS = {"complaints": "complaint_count", "improper": "improper_complaint_count",
                  "conduct": "complaint_count", "incidents": "incident_count", "outside_hours": "outside_count"}


def parse_measure(measure: str) -> Measure:
    """Parse ``measure`` (see the module docstring). Raises ``ValueError`` for an unknown
    measure or conduct code."""
    if isinstance(measure, str) and measure.startswith(CONDUCT_PREFIX):
        code = measure[len(CONDUCT_PREFIX):]
        if not codes.is_code("conduct", code):
            raise ValueError(f"unknown conduct code {code!r} in measure {measure!r}; "
                             f"known: {', '.join(codes.codes('conduct'))}")
        kind = "conduct"
    elif measure in MEASURES:
        kind, code = measure, None
    else:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)} or "
                         f"{CONDUCT_PREFIX}<CODE>")
    grain = "incident" if kind in ("incidents", "outside_hours") else "complaint"
    return Measure(measure, kind, grain, grain + "s", code, _COUNT_COLUMNS[kind])


def measure_options() -> list[str]:
    """Every measure a page offers: the fixed ones, then one per conduct code (list order)."""
    return list(MEASURES) + [CONDUCT_PREFIX + c for c in codes.codes("conduct")]


def measure_label(measure: str, lang: str = "en") -> str:
    """The measure in words ("Complaints with conduct “Frequent calls”")."""
    m = parse_measure(measure)
    if m.kind == "conduct":
        return t("trends_m_conduct", lang, conduct=codes.label("conduct", m.conduct, lang))
    return t(f"trends_m_{m.kind}", lang)


def _check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    return period


def period_floor(d: date, period: str) -> date:
    """Start of the ``period`` containing ``d``: the Monday of its ISO week, the first of
    its month or quarter."""
    _check_period(period)
    if period == "week":
        return d - timedelta(days=d.weekday())
    if period == "month":
        return d.replace(day=1)
    return d.replace(month=3 * ((d.month - 1) // 3) + 1, day=1)


def _offset(period: str) -> pd.DateOffset:
    return {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
            "quarter": pd.DateOffset(months=3)}[_check_period(period)]


def period_end(start: date, period: str) -> date:
    """Last day of the ``period`` starting on ``start``."""
    return (pd.Timestamp(start) + _offset(period) - pd.Timedelta(days=1)).date()


def period_label(start, period: str) -> str:
    """"2020-W53" (ISO week), "2024-03", "2024-Q1"."""
    ts = pd.Timestamp(start)
    if period == "week":
        iso = ts.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if period == "month":
        return f"{ts:%Y-%m}"
    return f"{ts.year}-Q{(ts.month - 1) // 3 + 1}"


#: Period → (column read, SQL of the period start). Weeks need the exact received date, which
#: no cube keeps (analysis.build.CUBES), so weekly questions read the facts mart.
_PERIOD_SQL = {
    "week": ("received_date", "date_trunc('week', received_date)::DATE"),
    "month": ("received_month", "received_month::DATE"),
    "quarter": ("received_month", "date_trunc('quarter', received_month)::DATE"),
}


def _condition(m: Measure, flt: Filter) -> tuple[str, list[str], list]:
    """(SQL condition, columns it reads, params) of the rows a measure counts."""
    if m.kind == "improper":
        col = conduct_column(flt.label_source)
        return f"len({col}) > 0", [col], []
    if m.kind == "conduct":
        col = conduct_column(flt.label_source)
        return f"list_contains({col}, ?)", [col], [m.conduct]
    if m.kind == "outside_hours":
        return "coalesce(is_outside_permitted_hours, FALSE)", ["is_outside_permitted_hours"], []
    return "TRUE", [], []


# ---- coverage -------------------------------------------------------------------------------

def _next_month(d: date) -> date:
    return (d.replace(day=1) + timedelta(days=32)).replace(day=1)


def query_coverage(con: Con, flt: Filter) -> tuple[date | None, date | None]:
    """``(first, last)`` date the data in view covers: the first and last received date of
    the complaints of the filter's sources and jurisdictions (its other fields aside: a month
    after the last complaint *with conduct X* is still covered if the source goes on),
    clipped to the filter's dates. ``(None, None)`` when nothing is covered.

    Cost: month bounds from the complaint cube, then the two edge months from the facts.
    Raises ``FilterError`` for an invalid filter.
    """
    flt.validate()
    scope = Filter(jurisdiction=flt.jurisdiction, source=flt.source)
    rel, p = relation(scope, "complaint", ["received_month"])
    lo_m, hi_m = con.execute(f"SELECT min(received_month), max(received_month) FROM {rel} f", p).fetchone()
    if lo_m is None:
        return None, None
    w, wp = build_where(scope, "complaint")
    lo = con.execute(f"SELECT min(received_date) FROM mart_complaint_facts WHERE {w} AND received_date >= ? "
                     "AND received_date < ?", wp + [lo_m, _next_month(lo_m)]).fetchone()[0]
    hi = con.execute(f"SELECT max(received_date) FROM mart_complaint_facts WHERE {w} AND received_date >= ? "
                     "AND received_date < ?", wp + [hi_m, _next_month(hi_m)]).fetchone()[0]
    if flt.date_from is not None:
        lo = max(lo, flt.date_from)
    if flt.date_to is not None:
        hi = min(hi, flt.date_to)
    return (lo, hi) if lo <= hi else (None, None)


#: A run of at least ``COVERAGE_GAP_MIN_MONTHS`` months with no complaint at all from the
#: view's sources (in its jurisdictions), between months that have some, is a stretch the data
#: does not cover (two exports years apart), not months of zero complaints, when those sources
#: have at least this many complaints a month around it (the median of the
#: ``GAP_CONTEXT_MONTHS`` months with complaints on each side):
#: empty months are then improbable (P(0) = e^-5 < 1% a month for a Poisson count of mean 5).
#: Below it (a small intake log) empty months count as 0; so does a single empty month (a
#: month-long lull is shown as it is, and says so as a drop to 0).
COVERAGE_GAP_MIN_MEDIAN = 5
COVERAGE_GAP_MIN_MONTHS = 2
#: How many months with complaints on each side of a run of empty months give the level it is
#: judged against (the sources' level there, not over their whole span: a thin tail of old
#: complaints must not hide a gap between two large exports).
GAP_CONTEXT_MONTHS = 3


def query_coverage_gaps(con: Con, flt: Filter) -> frozenset[date]:
    """The months (first days) inside the view's coverage (``query_coverage``) that the data
    does not cover: runs of at least ``COVERAGE_GAP_MIN_MONTHS`` months with no complaint from
    the filter's sources and jurisdictions (its other fields aside) where the median of the
    ``GAP_CONTEXT_MONTHS`` months with complaints on each side is at least
    ``COVERAGE_GAP_MIN_MEDIAN``. Empty when there is no such month. Trends leave
    these months out (no zeros, no spikes measured across them, no before/after month).

    Cost: one read of the complaint cube's months. Raises ``FilterError`` for an invalid filter."""
    flt.validate()
    scope = Filter(jurisdiction=flt.jurisdiction, source=flt.source)
    rel, p = relation(scope, "complaint", ["received_month"])
    rows = con.execute(f"SELECT received_month, sum(n) FROM {rel} f GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1",
                       p).fetchall()
    if len(rows) < 2:
        return frozenset()
    counts = {pd.Timestamp(m).date().replace(day=1): int(n) for m, n in rows}
    have = sorted(counts)
    months, m = [], have[0]
    for i, (prev, nxt) in enumerate(zip(have, have[1:])):
        run = []
        m = _next_month(prev)
        while m < nxt:
            run.append(m)
            m = _next_month(m)
        # the months around the run: up to GAP_CONTEXT_MONTHS with complaints on each side
        around = [counts[x] for x in have[max(0, i + 1 - GAP_CONTEXT_MONTHS):i + 1] + have[i + 1:i + 1 + GAP_CONTEXT_MONTHS]]
        if len(run) >= COVERAGE_GAP_MIN_MONTHS and float(np.median(around)) >= COVERAGE_GAP_MIN_MEDIAN:
            months += run
    return frozenset(months)


def _covered_share(start: date, period: str, gaps: frozenset[date]) -> float:
    """Share (0–1) of the months a period touches that the data covers."""
    first, last = start.replace(day=1), period_end(start, period).replace(day=1)
    months = [first] + ([last] if last != first else [])
    if period == "quarter":
        months = [first, _next_month(first), _next_month(_next_month(first))]
    return sum(m not in gaps for m in months) / len(months)


# ---- the trend ------------------------------------------------------------------------------

TREND_COLUMNS = ("period_start", "value", "change", "change_pct", "is_incomplete")


def _empty_trend() -> pd.DataFrame:
    return pd.DataFrame({"period_start": pd.Series([], dtype="datetime64[ns]"),
                         "value": pd.Series([], dtype="int64"), "change": pd.Series([], dtype="Int64"),
                         "change_pct": pd.Series([], dtype="float64"), "is_incomplete": pd.Series([], dtype="bool")})


def _assemble(raw: pd.DataFrame, period: str, coverage: tuple[date | None, date | None],
              gaps: frozenset[date] = frozenset()) -> pd.DataFrame:
    """Zero-filled trend frame over the covered periods from ``raw`` (period_start, value).
    Periods wholly in ``gaps`` (``query_coverage_gaps``) are left out; one partly in them is
    incomplete; the change after a left-out period is <NA>."""
    lo, hi = coverage
    starts = [pd.Timestamp(x) for x in raw["period_start"]] if len(raw) else []
    if lo is None and not starts:
        return _empty_trend()
    edges = starts + ([pd.Timestamp(period_floor(lo, period)), pd.Timestamp(period_floor(hi, period))]
                      if lo is not None else [])
    idx = pd.date_range(min(edges), max(edges), freq=_offset(period))
    values = (raw.assign(period_start=pd.to_datetime(raw["period_start"])).set_index("period_start")["value"]
              .reindex(idx, fill_value=0) if len(raw) else pd.Series(0, index=idx))
    out = pd.DataFrame({"period_start": idx, "value": values.to_numpy().astype("int64")})
    partly = np.zeros(len(out), dtype=bool)
    if gaps:
        share = np.array([_covered_share(ts.date(), period, gaps) for ts in out["period_start"]])
        keep = share > 0
        partly = (share < 1)[keep]
        out = out[keep].reset_index(drop=True)
    adjacent = (out["period_start"].shift(1) + _offset(period)) == out["period_start"]
    prev = out["value"].shift(1).where(adjacent)
    out["change"] = (out["value"] - prev).astype("Int64")
    base = prev.where(prev > 0)  # NaN for the first period and after a 0: no percentage of nothing
    out["change_pct"] = (100.0 * (out["value"] - prev) / base).astype("float64")
    inc = partly.copy()
    if lo is not None and len(out):
        if pd.Timestamp(lo) > out["period_start"].iloc[0]:
            inc[0] = True
        if pd.Timestamp(hi) < pd.Timestamp(period_end(out["period_start"].iloc[-1].date(), period)):
            inc[-1] = True
    out["is_incomplete"] = inc
    return out


def query_trend(con: Con, flt: Filter, measure: str = "complaints", period: str = "month") -> pd.DataFrame:
    """``measure`` (see the module docstring) per ``period`` (``week``: ISO week starting on
    Monday; ``month``; ``quarter``) of the received date.

    Columns: ``period_start`` (datetime64, first day of the period), ``value`` (int64),
    ``change`` (Int64: value minus the previous period's; <NA> for the first period),
    ``change_pct`` (float64 percent of the previous period; NaN for the first period and
    when the previous period is 0), ``is_incomplete`` (bool: the first period when the data
    in view starts after its first day; the last period when the data's last received date
    or the filter's ``date_to`` falls before its last day; see ``query_coverage``).

    One row per period from the one containing the first covered date to the one containing
    the last: periods without a counted row have 0, except months the data does not cover
    (``query_coverage_gaps``: two exports years apart), which have no row; a period partly in
    such months is incomplete, and the change after a missing period is <NA>. Empty (with
    these columns) when nothing is covered.

    Months and quarters read the smallest cube that holds the columns
    (``analysis.queries.relation``); weeks need ``received_date``, which no cube holds, so
    they read ``mart_<grain>_facts`` (cost grows with the filtered rows).
    Raises ``ValueError`` for an unknown measure or period, ``FilterError`` for a bad filter.
    """
    m = parse_measure(measure)
    _check_period(period)
    col, pexpr = _PERIOD_SQL[period]
    cond, ccols, cparams = _condition(m, flt)
    rel, p = relation(flt, m.grain, [col] + ccols)
    raw = con.execute(f"""
        SELECT {pexpr} AS period_start, coalesce(sum(n) FILTER (WHERE {cond}), 0)::BIGINT AS value
        FROM {rel} f WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY 1""", cparams + p).df()
    return _assemble(raw, period, query_coverage(con, flt), query_coverage_gaps(con, flt))


# ---- spikes ---------------------------------------------------------------------------------

def poisson_upper_tail(x: int, mean: float) -> float:
    """P(X ≥ x) for X ~ Poisson(``mean``), summed in log space (no scipy needed)."""
    x = int(x)
    if x <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_m = math.log(mean)
    if x <= mean:  # the tail is large: 1 minus the (short) lower sum is exact enough
        low = sum(math.exp(-mean + k * log_m - math.lgamma(k + 1)) for k in range(x))
        return min(1.0, max(0.0, 1.0 - low))
    term = math.exp(-mean + x * log_m - math.lgamma(x + 1))
    total, k = 0.0, x
    while term > 0 and term > total * 1e-17:
        total += term
        k += 1
        term *= mean / k
    return min(1.0, total)


def spike_threshold(method: str, threshold: float | None = None) -> float:
    """``threshold``, or the method's default (``SPIKE_METHODS``). Raises ``ValueError``
    for an unknown method."""
    if method not in SPIKE_METHODS:
        raise ValueError(f"unknown spike method {method!r}; use one of {', '.join(SPIKE_METHODS)}")
    return SPIKE_METHODS[method] if threshold is None else float(threshold)


def detect_spikes(series: pd.DataFrame, method: str = "robust_z", threshold: float | None = None,
                  baseline: int = BASELINE_PERIODS, min_baseline: int = MIN_BASELINE_PERIODS) -> pd.DataFrame:
    """Flag periods far above the series' own trailing baseline.

    ``series``: rows in period order with ``value`` (counts) and optionally
    ``is_incomplete`` (bool; missing = all complete), e.g. ``query_trend``'s frame.

    For each period, the baseline is the previous ``baseline`` *complete* periods (the
    period itself excluded) since the last gap in the data (a row whose ``change`` is missing
    after the first: ``query_coverage_gaps``). With fewer than ``min_baseline`` of them the period is not
    judged (``score`` NaN). Incomplete periods are never flagged (nor used as baseline).

    * ``method="robust_z"`` (default threshold ``ROBUST_Z_THRESHOLD`` = 3.5): the modified
      z-score of Iglewicz & Hoaglin (1993), ``(value − median) / scale`` with
      ``scale = max(MAD_SCALE × MAD, sqrt(median), MIN_SCALE)``: the median absolute
      deviation scaled to a standard deviation (× 1.4826), floored at counting noise (the
      Poisson standard deviation sqrt(median)) and at 1, so a flat baseline does not divide
      by zero. A spike when ``score ≥ threshold``.
    * ``method="poisson"`` (default threshold ``POISSON_P_THRESHOLD`` = 0.001), for small
      counts: a spike when P(X ≥ value) < threshold for X ~ Poisson(mean = baseline median,
      at least ``POISSON_MIN_MEAN``).

    Both ``score`` and ``p_value`` are computed either way; ``method`` decides ``is_spike``
    (always also ``value > baseline_median``).

    Returns a copy of ``series`` with ``baseline_n`` (int64: complete periods in the
    baseline), ``baseline_median``, ``baseline_scale``, ``score``, ``p_value`` (float64;
    NaN when not judged) and ``is_spike`` (bool); ``attrs`` ``spike_method``,
    ``spike_threshold``, ``spike_baseline``, ``spike_min_baseline`` say how.
    Raises ``ValueError`` for an unknown method, ``baseline < 1`` or
    ``min_baseline`` outside 1..baseline.
    """
    thr = spike_threshold(method, threshold)
    if baseline < 1 or not 1 <= min_baseline <= baseline:
        raise ValueError(f"need 1 <= min_baseline ({min_baseline}) <= baseline ({baseline})")
    out = series.copy()
    values = out["value"].astype("float64").to_numpy()
    incomplete = (out["is_incomplete"].astype(bool).to_numpy() if "is_incomplete" in out.columns
                  else np.zeros(len(out), dtype=bool))
    n_base = np.zeros(len(out), dtype="int64")
    med, scale, score, p = (np.full(len(out), np.nan) for _ in range(4))
    spike = np.zeros(len(out), dtype=bool)
    complete_before: list[float] = []
    # after months the data does not cover (``_assemble`` leaves them out and the change after
    # them empty) the baseline starts again: no judgement across a gap in the data
    after_gap = (out["change"].isna().to_numpy() if "change" in out.columns else np.zeros(len(out), dtype=bool))
    for i, v in enumerate(values):
        if i and after_gap[i]:
            complete_before = []
        window = complete_before[-baseline:]
        n_base[i] = len(window)
        if len(window) >= min_baseline:
            w = np.asarray(window)
            med[i] = float(np.median(w))
            mad = float(np.median(np.abs(w - med[i])))
            scale[i] = max(MAD_SCALE * mad, math.sqrt(med[i]), MIN_SCALE)
            score[i] = (v - med[i]) / scale[i]
            p[i] = poisson_upper_tail(int(v), max(med[i], POISSON_MIN_MEAN))
            if not incomplete[i] and v > med[i]:
                spike[i] = bool(score[i] >= thr) if method == "robust_z" else bool(p[i] < thr)
        if not incomplete[i]:
            complete_before.append(v)
    out["baseline_n"] = n_base
    out["baseline_median"] = med
    out["baseline_scale"] = scale
    out["score"] = score
    out["p_value"] = p
    out["is_spike"] = spike
    out.attrs.update(spike_method=method, spike_threshold=thr, spike_baseline=baseline,
                     spike_min_baseline=min_baseline)
    return out


SPIKE_COLUMNS = ("by", "key", "period_start", "value", "baseline_median", "score", "p_value", "method", "threshold")


def query_spikes(con: Con, flt: Filter, by: str = "conduct", period: str = "month", method: str = "robust_z",
                 threshold: float | None = None, baseline: int = BASELINE_PERIODS,
                 top_n: int = SPIKE_TOP_COMPANIES) -> pd.DataFrame:
    """Spikes (``detect_spikes``) in the complaints of each conduct (``by="conduct"``; the
    filter's label source) or of each of the ``top_n`` companies with most complaints in the
    view (``by="company"``; collector, else creditor), per ``period``.

    Each series is zero-filled over the covered periods and shares the trend's incomplete
    edges (``query_trend``). One grouped query per call (cost grows with codes or companies
    × periods).

    Columns ``SPIKE_COLUMNS``: ``by`` (str), ``key`` (conduct code or company name),
    ``period_start`` (datetime64), ``value`` (int64), ``baseline_median``, ``score``,
    ``p_value`` (float64), ``method`` (str), ``threshold`` (float64). Only flagged periods,
    newest first, then by key. Raises ``ValueError`` for an unknown ``by``, period or
    method.
    """
    if by not in SPIKE_BY:
        raise ValueError(f"unknown spike series {by!r}; use one of {', '.join(SPIKE_BY)}")
    thr = spike_threshold(method, threshold)
    col, pexpr = _PERIOD_SQL[_check_period(period)]
    if by == "conduct":
        ccol = conduct_column(flt.label_source)
        rel, p = relation(flt, "complaint", [col, ccol])
        raw = con.execute(f"""
            WITH combos AS (SELECT {pexpr} AS period_start, {ccol} AS conducts, sum(n) AS n
                            FROM {rel} f WHERE {col} IS NOT NULL GROUP BY ALL)
            SELECT period_start, conduct_code AS key, sum(n)::BIGINT AS value
            FROM (SELECT period_start, unnest(conducts) AS conduct_code, n FROM combos)
            GROUP BY ALL ORDER BY key, period_start""", p).df()
    else:
        rel, p = relation(flt, "complaint", [col, "company_name"])
        raw = con.execute(f"""
            WITH g AS (SELECT {pexpr} AS period_start, company_name AS key, sum(n) AS n
                       FROM {rel} f WHERE {col} IS NOT NULL AND company_name IS NOT NULL GROUP BY ALL),
            top AS (SELECT key FROM g GROUP BY key ORDER BY sum(n) DESC, key LIMIT ?)
            SELECT period_start, key, n::BIGINT AS value FROM g SEMI JOIN top USING (key)
            ORDER BY key, period_start""", p + [int(top_n)]).df()
    coverage, gaps = query_coverage(con, flt), query_coverage_gaps(con, flt)
    parts = []
    for key, sub in raw.groupby("key", sort=True):
        flagged = detect_spikes(_assemble(sub[["period_start", "value"]], period, coverage, gaps), method, thr,
                                baseline)
        flagged = flagged[flagged["is_spike"]]
        if len(flagged):
            parts.append(flagged.assign(key=key))
    if not parts:
        return pd.DataFrame({"by": pd.Series([], dtype=object), "key": pd.Series([], dtype=object),
                             "period_start": pd.Series([], dtype="datetime64[ns]"),
                             "value": pd.Series([], dtype="int64"),
                             **{c: pd.Series([], dtype="float64") for c in ("baseline_median", "score", "p_value")},
                             "method": pd.Series([], dtype=object), "threshold": pd.Series([], dtype="float64")})
    out = pd.concat(parts, ignore_index=True).assign(by=by, method=method, threshold=thr)
    out = out.sort_values(["period_start", "key"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return out[list(SPIKE_COLUMNS)]


def spike_rule_text(lang: str, method: str = "robust_z", threshold: float | None = None,
                    baseline: int = BASELINE_PERIODS, min_baseline: int = MIN_BASELINE_PERIODS) -> str:
    """How spikes are found, in words (chart captions and table notes): what a spike is in
    plain words first, the statistical method after. ``odds``: the Poisson threshold as
    "once in N" (0.001 → 1,000)."""
    thr = spike_threshold(method, threshold)
    return t(f"trends_spike_rule_{method}", lang, threshold=f"{thr:g}", baseline=baseline, min_baseline=min_baseline,
             odds=f"{round(1 / thr):,}" if 0 < thr < 1 else "")


def spikes_table(df: pd.DataFrame, period: str, lang: str) -> pd.DataFrame:
    """``query_spikes``' frame for people: period label, the series (conduct label or
    company name), count, baseline median, score (or p for the Poisson method), headers in
    ``lang``."""
    if df.empty:
        return pd.DataFrame()
    by = df["by"].iloc[0]
    method = df["method"].iloc[0]
    key_label = (df["key"].map(lambda c: codes.label("conduct", c, lang)) if by == "conduct" else df["key"])
    out = pd.DataFrame({
        t("trends_col_period", lang): [period_label(x, period) for x in df["period_start"]],
        t("conduct" if by == "conduct" else "company", lang): key_label.to_numpy(),
        t("trends_col_value", lang): df["value"].to_numpy(),
        t("trends_col_baseline_median", lang): df["baseline_median"].round(1).to_numpy(),
    })
    if method == "poisson":
        out[t("trends_col_p_value", lang)] = df["p_value"].map(lambda v: f"{v:.2g}").to_numpy()
    else:
        out[t("trends_col_score", lang)] = df["score"].round(1).to_numpy()
    return out


# ---- events ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _read_events(path: str) -> pd.DataFrame:
    p = Path(path)
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        found = list(reader.fieldnames or [])
        if found != list(EVENT_COLUMNS):
            raise ValueError(f"{p.name}: expected the columns {', '.join(EVENT_COLUMNS)}; found {', '.join(found)}")
        rows = list(reader)
    seen: dict[date, int] = {}
    for line, r in enumerate(rows, start=2):
        what = f"{p.name} line {line} ({(r.get('title_en') or '').strip()[:60] or 'no title'})"
        raw = (r["event_date"] or "").strip()
        try:
            if len(raw) != 10:
                raise ValueError
            d = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{what}: event_date {raw!r} is not a date written YYYY-MM-DD") from None
        if d in seen:
            raise ValueError(f"{what}: event_date {raw} is already used on line {seen[d]} (one event per date)")
        seen[d] = line
        if not codes.is_code("jurisdiction", (r["jurisdiction"] or "").strip()):
            raise ValueError(f"{what}: unknown jurisdiction {r['jurisdiction']!r}; "
                             f"use one of {', '.join(codes.codes('jurisdiction'))}")
        if (r["status"] or "").strip() not in EVENT_STATUSES:
            raise ValueError(f"{what}: status {r['status']!r} must be one of {', '.join(EVENT_STATUSES)} "
                             "(RULEBOOK.md verification status)")
        for c in ("label_en", "label_zh", "title_en", "title_zh", "source"):
            if not (r[c] or "").strip():
                raise ValueError(f"{what}: {c} is empty")
        r["event_date"] = d
    out = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for c in EVENT_COLUMNS[1:]:
        out[c] = out[c].fillna("").astype(str).str.strip()
    out["event_date"] = pd.to_datetime(pd.Series([r["event_date"] for r in rows], dtype=object))
    return out.sort_values("event_date", kind="stable").reset_index(drop=True)


def load_events(jurisdictions=None, path: str | Path = EVENTS_CSV) -> pd.DataFrame:
    """Dated rule events (``analysis/maps/events.csv``; every date taken from
    ../shared/RULEBOOK.md with its verification status), oldest first.

    ``jurisdictions``: codes to keep (None: all). Columns ``EVENT_COLUMNS``:
    ``event_date`` (datetime64), ``jurisdiction``, ``rule_id`` (RULEBOOK rule ids, ``;``
    separated, may be empty), ``instrument`` (where in RULEBOOK), ``label_en`` /
    ``label_zh`` (short chart labels), ``title_en`` / ``title_zh``, ``status`` (``V``
    checked against the rule's text, ``S`` secondary sources only, ``R`` unverified: of the
    *date*), ``source`` (the RULEBOOK passage). Raises ``ValueError`` naming the file and
    line for a bad date, a date used twice, an unknown jurisdiction or status, an empty
    label or title, or columns other than ``EVENT_COLUMNS``.
    """
    out = _read_events(str(path)).copy()
    if jurisdictions is not None:
        out = out[out["jurisdiction"].isin(list(jurisdictions))].reset_index(drop=True)
    return out


def event_label(event: pd.Series, lang: str) -> str:
    """Short label with the date's status: "Regulation F (V)"."""
    return f"{event['label_zh' if lang == 'zh' else 'label_en']} ({event['status']})"


def event_choice_label(event: pd.Series, lang: str) -> str:
    """"2021-11-30 · US · Regulation F (12 CFR part 1006) in effect … (V)" for a select box."""
    title = event["title_zh" if lang == "zh" else "title_en"]
    jur = codes.label("jurisdiction", event["jurisdiction"], lang)
    return f"{pd.Timestamp(event['event_date']):%Y-%m-%d} · {jur} · {title} ({event['status']})"


def query_jurisdictions(con: Con, flt: Filter) -> list[str]:
    """Jurisdictions in view: the filter's, else those of the filtered complaints (cube)."""
    if flt.jurisdiction:
        return list(flt.jurisdiction)
    rel, p = relation(flt, "complaint", ["jurisdiction"])
    return [r[0] for r in con.execute(f"SELECT DISTINCT jurisdiction FROM {rel} f WHERE jurisdiction IS NOT NULL "
                                      "ORDER BY jurisdiction", p).fetchall()]


def query_events_in_view(con: Con, flt: Filter) -> pd.DataFrame:
    """``load_events`` of the jurisdictions in view, with ``is_covered`` (bool: the event
    date lies within the data's coverage, ``query_coverage``)."""
    ev = load_events(query_jurisdictions(con, flt))
    lo, hi = query_coverage(con, flt)
    if lo is None:
        ev["is_covered"] = False
    else:
        ev["is_covered"] = (ev["event_date"] >= pd.Timestamp(lo)) & (ev["event_date"] <= pd.Timestamp(hi))
    return ev


def default_event(events: pd.DataFrame) -> str | None:
    """ISO date of the event a page starts with: the latest one inside the data's coverage,
    else the latest one; None without events."""
    if events.empty:
        return None
    covered = events[events["is_covered"]] if "is_covered" in events.columns else events.iloc[0:0]
    pick = covered if len(covered) else events
    return f"{pick['event_date'].max():%Y-%m-%d}"


# ---- before / after -------------------------------------------------------------------------

def _add_months(d: date, k: int) -> date:
    return (pd.Timestamp(d) + pd.DateOffset(months=k)).date()


def before_after(con: Con, flt: Filter, event_date: date, months: int = 12, measure: str = "complaints") -> dict:
    """``measure`` in the ``months`` calendar months before ``event_date`` and after it.

    The event month: when the event is on the first day of a month (the rule applies to the
    whole month), that month is the first month *after*; otherwise it is partly before and
    partly after and belongs to neither side. So "before" is the ``months`` months ending
    with the month before the event month; "after" starts with the event month (event on
    day 1) or the month after it.

    Only **complete** months count on either side: months the data in view covers from the
    first to the last day (``query_coverage``, so also the filter's dates), not in a gap of
    the data (``query_coverage_gaps``). A covered month without counted rows counts as 0.

    Returns a dict: ``event_date`` (date), ``measure``, ``months``, ``event_month`` (date,
    first day), ``event_month_side`` (``"after"`` or ``"excluded"``), ``before`` and
    ``after`` (dicts: ``first_month``, ``last_month`` (dates: the window asked for),
    ``months_requested``, ``months_with_data`` (complete months in the window),
    ``total`` (int), ``monthly_mean`` (float, None without a complete month),
    ``is_short`` (bool: fewer complete months than asked)), ``change`` (after mean minus
    before mean; None when a side has no complete month) and ``change_pct`` (percent of
    the before mean; None when that is 0 or missing).
    Raises ``ValueError`` for ``months < 1`` or an unknown measure.
    """
    parse_measure(measure)
    if int(months) < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    months = int(months)
    event_date = pd.Timestamp(event_date).date()
    event_month = event_date.replace(day=1)
    after_first = event_month if event_date.day == 1 else _add_months(event_month, 1)
    before_first = _add_months(event_month, -months)
    after_end = _add_months(after_first, months)  # exclusive
    lo, hi = query_coverage(con, flt)
    gaps = query_coverage_gaps(con, flt)
    values: dict[date, int] = {}
    win_from = max(before_first, flt.date_from) if flt.date_from else before_first
    win_to = min(after_end - timedelta(days=1), flt.date_to) if flt.date_to else after_end - timedelta(days=1)
    if lo is not None and win_from <= win_to:
        tr = query_trend(con, dataclasses.replace(flt, date_from=win_from, date_to=win_to), measure, "month")
        values = {ts.date(): int(v) for ts, v in zip(tr["period_start"], tr["value"])}

    def side(first: date) -> dict:
        ms = [_add_months(first, i) for i in range(months)]
        complete = [m for m in ms if lo is not None and lo <= m and hi >= period_end(m, "month") and m not in gaps]
        total = sum(values.get(m, 0) for m in complete)
        return {"first_month": ms[0], "last_month": ms[-1], "months_requested": months,
                "months_with_data": len(complete), "total": int(total),
                "monthly_mean": (total / len(complete)) if complete else None, "is_short": len(complete) < months}

    before, after = side(before_first), side(after_first)
    change = pct = None
    if before["monthly_mean"] is not None and after["monthly_mean"] is not None:
        change = after["monthly_mean"] - before["monthly_mean"]
        pct = 100.0 * change / before["monthly_mean"] if before["monthly_mean"] else None
    return {"event_date": event_date, "measure": measure, "months": months, "event_month": event_month,
            "event_month_side": "after" if event_date.day == 1 else "excluded",
            "before": before, "after": after, "change": change, "change_pct": pct}


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:,.1f}"


def before_after_table(result: dict, lang: str) -> pd.DataFrame:
    """``before_after``'s result as a two-row table for people (headers in ``lang``)."""
    rows = []
    for side in ("before", "after"):
        s = result[side]
        rows.append({t("trends_ba_side", lang): t(f"trends_ba_{side}", lang),
                     t("trends_ba_window", lang): f"{s['first_month']:%Y-%m} – {s['last_month']:%Y-%m}",
                     t("trends_ba_months_with_data", lang): f"{s['months_with_data']} / {s['months_requested']}",
                     t("trends_ba_total", lang): f"{s['total']:,}",
                     t("trends_ba_mean", lang): _num(s["monthly_mean"])})
    return pd.DataFrame(rows)


def before_after_sentences(result: dict, event_title: str, lang: str) -> list[str]:
    """What ``before_after`` found, in plain sentences (``event_title`` comes from the events
    file: show these as plain text)."""
    b, a = result["before"], result["after"]
    month = f"{result['event_month']:%Y-%m}"
    out = [t("trends_ba_event_month_" + result["event_month_side"], lang, month=month)]
    for name, s in (("before", b), ("after", a)):
        if s["months_with_data"] == 0:
            out.append(t("trends_ba_no_side", lang, side=t(f"trends_ba_{name}_word", lang)))
        elif s["is_short"]:
            out.append(t("trends_ba_short", lang, side=t(f"trends_ba_{name}_word", lang), have=s["months_with_data"],
                         want=s["months_requested"]))
    if result["change"] is not None:
        pct = "–" if result["change_pct"] is None else f"{result['change_pct']:+.1f}%"
        out.insert(0, t("trends_ba_sentence", lang, measure=measure_label(result["measure"], lang),
                        event=event_title, nb=b["months_with_data"], na=a["months_with_data"],
                        before=_num(b["monthly_mean"]), after=_num(a["monthly_mean"]),
                        change=f"{result['change']:+,.1f}", pct=pct))
    if result["change"] is not None and b["total"] == 0 and a["total"] == 0:
        out.insert(1, t("trends_ba_both_zero", lang, measure=measure_label(result["measure"], lang)))
    out.append(t("trends_ba_caveat", lang))
    return out


# ---- chart frame, figure, export hooks -----------------------------------------------------

def query_trend_chart(con: Con, flt: Filter, measure: str = "complaints", period: str = "month") -> pd.DataFrame:
    """The frame behind the trend chart: ``query_trend`` with spikes (``detect_spikes``,
    default method) and the events of the jurisdictions in view.

    Columns: ``period_start``, the measure's count column (``Measure.count_column``:
    ``complaint_count``, ``improper_complaint_count``, ``incident_count`` or
    ``outside_count``; int64), ``period_change``, ``period_change_pct`` (``change`` and
    ``change_pct`` of ``query_trend``), ``is_incomplete``, ``baseline_median``,
    ``spike_score``, ``spike_p_value`` (float64; ``score`` and ``p_value`` of
    ``detect_spikes``), ``is_spike`` (bool), ``event_dates`` (str: ISO dates
    of the events in the period, ``;`` separated, "" for none), ``trend_measure``,
    ``trend_period`` (str, the same on every row). ``attrs``: the spike settings. Names are
    unique to this chart, so export headers for them cannot clash with other charts'.
    """
    m = parse_measure(measure)
    tr = detect_spikes(query_trend(con, flt, measure, period))
    events = load_events(query_jurisdictions(con, flt))
    dates = [pd.Timestamp(d) for d in events["event_date"]]
    ends = [pd.Timestamp(period_end(s.date(), period)) for s in tr["period_start"]]
    tr["event_dates"] = [";".join(f"{d:%Y-%m-%d}" for d in dates if s <= d <= e)
                         for s, e in zip(tr["period_start"], ends)]
    out = tr.rename(columns={"value": m.count_column})
    out = out.rename(columns={"change": "period_change", "change_pct": "period_change_pct", "score": "spike_score",
                              "p_value": "spike_p_value"})
    out = out[["period_start", m.count_column, "period_change", "period_change_pct", "is_incomplete", "baseline_median",
               "spike_score", "spike_p_value", "is_spike", "event_dates"]].assign(trend_measure=measure, trend_period=period)
    out.attrs.update(tr.attrs)
    return out


def chart_measure(frame: pd.DataFrame) -> Measure:
    """The ``Measure`` of a ``query_trend_chart`` frame."""
    return parse_measure(frame["trend_measure"].iloc[0]) if len(frame) else parse_measure("complaints")


def trend_count(frame: pd.DataFrame, kpis: dict | None = None) -> int:
    """Records a trend chart rests on: the sum of its counts."""
    return int(frame[chart_measure(frame).count_column].sum()) if len(frame) else 0


def chart_args(unit: str):
    """``ChartSpec.args`` of the trend chart of ``unit`` (``complaints`` / ``incidents``):
    ``choices -> (measure, period)`` from the page's URL choices, falling back to the unit's
    plain count and ``month`` (a report pack passes no choices)."""
    default = "complaints" if unit == "complaints" else "incidents"

    def args(choices: dict) -> tuple:
        measure = choices.get("measure", default)
        try:
            ok = parse_measure(measure).unit == unit
        except ValueError:
            ok = False
        period = choices.get("period", "month")
        return (measure if ok else default, period if period in PERIODS else "month")
    return args


def chart_name(measure: str) -> str:
    """Catalogue chart that draws ``measure`` (``trends_complaints`` / ``trends_incidents``)."""
    return f"trends_{parse_measure(measure).unit}"


def _label_px(text: str, size: float = 11) -> float:
    """Rough width in px of a label: CJK characters ≈ 1 em, others ≈ 0.58 em, plus padding."""
    return sum(size * (1.0 if ord(ch) >= 0x2E80 else 0.58) for ch in text) + 10


def _stagger(xs: list[pd.Timestamp], texts: list[str], span_days: float, levels: int = 4,
             plot_px: float = 480, leftward: list[bool] | None = None) -> list[int]:
    """Label rows for event labels beside their lines (to the right, or to the left where
    ``leftward``): the first row where the label does not run into a label already in that row
    (widths estimated for a plot ``plot_px`` wide: a 1024 px window with the sidebar; wider ones only
    leave more room); when no row is free, the row whose labels end nearest."""
    rows: list[list[tuple[pd.Timestamp, pd.Timestamp]]] = [[] for _ in range(levels)]
    out = []
    for i, (x, text) in enumerate(zip(xs, texts)):
        w = pd.Timedelta(days=_label_px(text) / plot_px * span_days)
        lo, hi = (x - w, x) if leftward and leftward[i] else (x, x + w)
        free = [r for r in range(levels) if all(hi <= a or lo >= b for a, b in rows[r])]
        r = free[0] if free else min(range(levels), key=lambda k: max(b for _, b in rows[k]))
        rows[r].append((lo, hi))
        out.append(r)
    return out


def make_trend_figure(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """The trend chart of a ``query_trend_chart`` frame: the measure as a line (complete
    periods solid; an incomplete first or last period dashed with a hollow marker and
    labelled), spikes as diamonds whose hover gives the method and threshold, the change on
    the previous period as bars in a lower panel, and rule events as dashed vertical lines
    with short staggered labels carrying their date status (hover: full title and source).
    At most 5 colours. Title: the catalogue's (``trends_chart_<unit>``); the measure is the
    line's legend entry (and the axis title when it fits), the period the x-axis title.
    Clicking a period filters to its dates (and the measure's conduct, if any); traces keep
    their names (``cw_value`` …) as ``analysis.drill.role``."""
    from plotly.subplots import make_subplots

    from analysis.figures import FONT_FAMILY, _layout

    m = chart_measure(df)
    period = df["trend_period"].iloc[0]
    col = m.count_column
    x = pd.to_datetime(df["period_start"])
    labels = [period_label(v, period) for v in x]
    vals = df[col].astype("int64").tolist()
    inc = df["is_incomplete"].astype(bool).tolist()
    name = measure_label(m.key, lang)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.07)

    def hover(i: int) -> str:
        ch = df["period_change"].iloc[i]
        pct = df["period_change_pct"].iloc[i]
        text = t("trends_hover_value", lang, period=labels[i], value=f"{vals[i]:,}")
        if not pd.isna(ch):
            text += "<br>" + t("trends_hover_change", lang, change=f"{int(ch):+,}",
                               pct="" if pd.isna(pct) else f" ({pct:+.1f}%)")
        if inc[i]:
            text += "<br>" + t("trends_legend_incomplete", lang)
        return text

    full = [i for i in range(len(df)) if not inc[i]]
    # the line breaks where periods are missing (months the data does not cover)
    step = _offset(period)
    lx, ly, lh = [], [], []
    for n, i in enumerate(full):
        if n and x.iloc[full[n - 1]] + step != x.iloc[i]:
            lx.append(None)
            ly.append(None)
            lh.append("")
        lx.append(x.iloc[i])
        ly.append(vals[i])
        lh.append(hover(i))
    fig.add_scatter(x=lx, y=ly, mode="lines+markers", name=name, connectgaps=False,
                    line={"color": VALUE_COLOR, "width": 2}, marker={"size": 5}, meta="cw_value",
                    hovertext=lh, hoverinfo="text", row=1, col=1)
    seg_x, seg_y, seg_sym, seg_size, seg_hover = [], [], [], [], []
    for i in [i for i in range(len(df)) if inc[i]]:
        j = i - 1 if i == len(df) - 1 and i > 0 else (i + 1 if i + 1 < len(df) and not inc[i + 1] else None)
        pts = ([j, i] if j is not None and j < i else [i, j]) if j is not None else [i]
        for k in pts:
            seg_x.append(x.iloc[k])
            seg_y.append(vals[k])
            seg_sym.append("circle-open" if k == i else "circle")
            seg_size.append(11 if k == i else 1)
            seg_hover.append(hover(k))
        seg_x.append(None)
        seg_y.append(None)
        seg_sym.append("circle")
        seg_size.append(1)
        seg_hover.append("")
        # at the ends of the axis the label reads inwards (centred, half of it was cut off)
        fig.add_annotation(x=x.iloc[i], y=vals[i], text=t("trends_incomplete_short", lang), showarrow=False,
                           yshift=16, xanchor="right" if i == len(df) - 1 and i else "left" if i == 0 else "center",
                           font={"size": 11, "color": VALUE_COLOR}, row=1, col=1)
    if seg_x:
        fig.add_scatter(x=seg_x, y=seg_y, mode="lines+markers", name=t("trends_legend_incomplete", lang),
                        line={"color": VALUE_COLOR, "width": 2, "dash": "dash"},
                        marker={"symbol": seg_sym, "size": seg_size, "color": VALUE_COLOR,
                                "line": {"width": 2, "color": VALUE_COLOR}},
                        meta="cw_incomplete", hovertext=seg_hover, hoverinfo="text", connectgaps=False, row=1, col=1)
    method = df.attrs.get("spike_method", "robust_z")
    thr = df.attrs.get("spike_threshold", spike_threshold(method))
    base_n = df.attrs.get("spike_baseline", BASELINE_PERIODS)
    sp = [i for i in range(len(df)) if bool(df["is_spike"].iloc[i])]
    if sp:
        fig.add_scatter(
            x=[x.iloc[i] for i in sp], y=[vals[i] for i in sp], mode="markers", name=t("trends_legend_spike", lang),
            marker={"symbol": "diamond", "size": 13, "color": SPIKE_COLOR, "line": {"width": 1, "color": "white"}},
            meta="cw_spike", hoverinfo="text",
            hovertext=[hover(i) + "<br>" + t(f"trends_spike_hover_{method}", lang, score=f"{df['spike_score'].iloc[i]:.1f}",
                                             p=f"{df['spike_p_value'].iloc[i]:.2g}", threshold=f"{thr:g}", n=base_n,
                                             median=f"{df['baseline_median'].iloc[i]:,.1f}") for i in sp],
            row=1, col=1)
    ch = df["period_change"]
    bar_idx = [i for i in range(len(df)) if not pd.isna(ch.iloc[i])]
    colors = [UP_COLOR if ch.iloc[i] >= 0 else DOWN_COLOR for i in bar_idx]
    fig.add_bar(x=[x.iloc[i] for i in bar_idx], y=[int(ch.iloc[i]) for i in bar_idx],
                name=t("trends_change_axis", lang), showlegend=False, meta="cw_change",
                marker={"color": ["rgba(0,0,0,0)" if inc[i] else c for i, c in zip(bar_idx, colors)],
                        "line": {"color": colors, "width": 1.5}},
                hovertext=[hover(i) for i in bar_idx], hoverinfo="text", row=2, col=1)
    # Events: dashed lines through both panels, short labels staggered in three rows.
    wanted = sorted({d for cell in df["event_dates"] for d in str(cell).split(";") if d})
    top = max(vals) if vals else 1
    if wanted:
        ev = load_events()
        ev = ev[ev["event_date"].dt.strftime("%Y-%m-%d").isin(wanted)].reset_index(drop=True)
        span = max(1.0, (x.iloc[-1] - x.iloc[0]).days)
        # a label in the last third reads leftwards from its line: plotly widens the axis to hold
        # an annotation, and one reading right ran the axis a year past the data
        leftward = [(d - x.iloc[0]).days > span * 2 / 3 for d in ev["event_date"]]
        rows = _stagger(list(ev["event_date"]), [event_label(e, lang) for _, e in ev.iterrows()], span,
                        leftward=leftward)
        for (_, e), r, right in zip(ev.iterrows(), rows, leftward):
            d = f"{e['event_date']:%Y-%m-%d}"
            fig.add_shape(type="line", xref="x", yref="paper", x0=d, x1=d, y0=0, y1=1,
                          line={"color": EVENT_COLOR, "width": 1.2, "dash": "dash"})
            fig.add_annotation(x=d, xref="x", yref="paper", y=1.0 - 0.065 * r, yanchor="top",
                               xanchor="right" if right else "left", xshift=-3 if right else 3,
                               text=event_label(e, lang), showarrow=False,
                               font={"size": 11, "color": EVENT_COLOR}, bgcolor="rgba(255,255,255,0.85)",
                               hovertext=f"{d} · {e['title_zh' if lang == 'zh' else 'title_en']} ({e['status']})<br>"
                                         f"{e['source']}")
    # the measure as the axis title when it fits beside the upper panel (~300 px), else the unit
    fig.update_yaxes(title=name if _label_px(name, 14) <= 300 else t(m.unit, lang), rangemode="tozero",
                     range=[0, top * (1.6 if wanted else 1.15) + 1], row=1, col=1)
    fig.update_yaxes(title=t("trends_change_axis_short", lang), zeroline=True, zerolinecolor="#999", row=2, col=1)
    fig.update_xaxes(title=t(f"trends_axis_{period}", lang), row=2, col=1)
    fig.update_xaxes(tickformat="%Y-%m")  # numbers, the same in both languages
    if len(x):  # the axis ends with the data (half a period either side), whatever its labels
        half = (pd.Timestamp(x.iloc[0]) + _offset(period) - pd.Timestamp(x.iloc[0])) / 2
        fig.update_xaxes(range=[pd.Timestamp(x.iloc[0]) - half, pd.Timestamp(x.iloc[-1]) + half])
    # a click on a period (point, spike or change bar): the view narrows to that period
    extra = {"conduct": [m.conduct]} if m.conduct else {}
    for tr in fig.data:
        drill.tag(tr, [None if v is None else {**drill.period_target(v, period), **extra} for v in tr.x])
    fig = _layout(fig, t(f"trends_chart_{m.unit}", lang), height=540)
    fig.update_layout(font={"family": FONT_FAMILY}, bargap=0.15, showlegend=True)
    return fig


def suppress_trend_figure(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    """Export suppression of a trend figure, in place (for ``analysis.export.figure.
    SUPPRESSORS``): a count from 1 to k-1 is left out of the lines and spike markers, and a
    change bar is left out when its period's or the previous period's count is small (the
    bar would give the count back)."""
    from analysis.export.suppress import is_small

    col = chart_measure(frame).count_column
    small = {pd.Timestamp(s): is_small(v, k) for s, v in zip(frame["period_start"], frame[col])}
    starts = list(pd.to_datetime(frame["period_start"]))
    prev_small = {s: (i > 0 and small[starts[i - 1]]) for i, s in enumerate(starts)}
    for tr in fig.data:
        if drill.role(tr) in ("cw_value", "cw_incomplete", "cw_spike"):
            tr.y = [None if (x is not None and small.get(pd.Timestamp(x), False)) else y
                    for x, y in zip(tr.x, tr.y)]
            tr.hovertext = None
        elif drill.role(tr) == "cw_change":
            tr.y = [None if small.get(pd.Timestamp(x), False) or prev_small.get(pd.Timestamp(x), False) else y
                    for x, y in zip(tr.x, tr.y)]
            tr.hovertext = None


def describe_trend_chart(built, lang: str, opts, args: tuple = ()) -> str:
    """One or two sentences on a trend chart (for ``analysis.export.describe.DESCRIBERS``):
    span, last complete period and its change, the highest period and the spikes. Counts
    from 1 to k-1 are written "<k" when suppression is on."""
    from analysis.export.suppress import count_text

    f = built.frame
    if f is None or f.empty:
        return ""
    m = chart_measure(f)
    period = f["trend_period"].iloc[0]
    col = m.count_column

    def c(v) -> str:
        return count_text(int(v), opts.k, suppress=opts.suppress)

    done = f[~f["is_incomplete"]]
    peak = f.loc[f[col].idxmax()]
    spikes = [period_label(s, period) for s in f.loc[f["is_spike"], "period_start"]]
    last = done.iloc[-1] if len(done) else None
    return t("trends_describe", lang, measure=measure_label(m.key, lang),
             first=period_label(f["period_start"].iloc[0], period), last=period_label(f["period_start"].iloc[-1], period),
             n=len(f), peak=period_label(peak["period_start"], period), peak_v=c(peak[col]),
             last_done=period_label(last["period_start"], period) if last is not None else "–",
             last_v=c(last[col]) if last is not None else "–",
             spikes="、".join(spikes) if lang == "zh" and spikes else (", ".join(spikes) if spikes else "–"))


#: Catalogue charts of the Trends page, by what they count (a spec has one unit).
CHART_NAMES = ("trends_complaints", "trends_incidents")
#: Export hooks in the form of ``analysis.export.figure.SUPPRESSORS`` and
#: ``analysis.export.describe.DESCRIBERS`` (registered there by the export module's owner).
SUPPRESSORS = {name: suppress_trend_figure for name in CHART_NAMES}
DESCRIBERS = {name: describe_trend_chart for name in CHART_NAMES}


def chart_specs(spec_cls) -> tuple:
    """The Trends charts for ``analysis.charts.CHARTS`` (``spec_cls`` is ``ChartSpec``, passed
    in so this module need not import the catalogue): ``trends_complaints`` (measures
    counting complaints) and ``trends_incidents`` (incidents), each reading
    ``query_trend_chart(con, flt, measure, period)`` with the page's choices (``chart_args``;
    defaults: the plain count, by month)."""
    return tuple(
        spec_cls(f"trends_{unit}", "trends", "analysis.trends:query_trend_chart", make_trend_figure, unit,
                 trend_count, args=chart_args(unit), has_rule_flags=True, time_coverage=unit == "incidents",
                 title_key=f"trends_chart_{unit}")
        for unit in ("complaints", "incidents"))
