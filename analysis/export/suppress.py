"""Small-number suppression: counts from 1 to k-1 become "<k" in exported tables and charts.

What counts as a count: columns named ``*_count`` (the house naming rule for counts). A
count of 0 is kept: a true zero identifies no one, and showing "<5" for a category that
never occurs would be wrong. Values derived from a suppressed count in the same row would
give the count back by arithmetic (3 complaints = 0.044 % of 6,810), so those cells
(``DERIVED``; a period-over-period change also when the previous row's count is small,
``DERIVED_WITH_PREVIOUS``) become "–"; every other cell is left exactly as it was.

Not done (stated in the report's caveats): secondary suppression, i.e. recovering a
suppressed cell from a row or column total by subtraction.
"""
from __future__ import annotations

import pandas as pd

DEFAULT_K = 5
DERIVED_MARK = "–"

#: Derived columns → the count columns of the same row they are computed from.
DERIVED: dict[str, tuple[str, ...]] = {
    "share_pct": ("complaint_count", "incident_count"),
    "outside_share_pct": ("outside_count", "exact_time_incident_count"),
    "timely_rate_pct": ("complaint_count",),
    "relief_share_pct": ("complaint_count",),
    "median_response_days": ("complaint_count",),
    "mean_response_days": ("complaint_count",),
    "rate_per_million": ("complaint_count",),
    "others_share_pct": ("others_complaint_count", "others_base_count"),
    "allegation_share_pct": ("allegation_count", "complaint_count"),
}
_PERIOD_COUNTS = ("complaint_count", "improper_complaint_count", "incident_count", "outside_count")
#: Derived columns → count columns they are computed from in the same row AND the row before
#: (period-over-period change: this period's count minus the previous one; rows in period order).
DERIVED_WITH_PREVIOUS: dict[str, tuple[str, ...]] = {
    "period_change": _PERIOD_COUNTS,
    "period_change_pct": _PERIOD_COUNTS,
}


def mark(k: int = DEFAULT_K) -> str:
    """The text a suppressed count shows: ``"<5"`` for k = 5."""
    return f"<{k}"


def is_small(value, k: int = DEFAULT_K) -> bool:
    """True for a count that must be suppressed: 0 < value < k."""
    try:
        return value is not None and not pd.isna(value) and 0 < float(value) < k
    except (TypeError, ValueError):
        return False


def count_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` that hold counts (named ``*_count``)."""
    return [c for c in frame.columns if str(c).endswith("_count")]


def suppress_frame(frame: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """Copy of ``frame`` with every count in 1..k-1 replaced by the string ``"<k"`` and the
    cells derived from it in the same row (``DERIVED``) by ``"–"``. Count columns that
    get a mark become object columns; nothing else changes."""
    out = frame.copy()
    small = {c: frame[c].map(lambda v: is_small(v, k)) for c in count_columns(frame)}
    derived = [(c, s, False) for c, s in DERIVED.items()] + [(c, s, True) for c, s in DERIVED_WITH_PREVIOUS.items()]
    for col, sources, previous in derived:
        if col not in out.columns:
            continue
        hit = pd.Series(False, index=frame.index)
        for s in sources:
            if s in small:
                hit |= small[s]
                if previous:
                    hit |= small[s].shift(1, fill_value=False).astype(bool)
        if hit.any():
            out[col] = out[col].astype(object)
            out.loc[hit, col] = DERIVED_MARK
    for col, hit in small.items():
        if hit.any():
            out[col] = out[col].astype(object)
            out.loc[hit, col] = mark(k)
    return out


def count_text(n: int, k: int = DEFAULT_K, *, suppress: bool = True) -> str:
    """``n`` formatted with thousands separators, or ``"<k"`` when suppressed."""
    return mark(k) if suppress and is_small(n, k) else f"{int(n):,}"


def share_text(part: int, whole: int, k: int = DEFAULT_K, *, suppress: bool = True) -> str:
    """``part`` as a percent of ``whole`` ("0.1%"), or "–" when ``whole`` is 0 or, with
    suppression, when either count is from 1 to k-1: a share of a hidden count would give it
    back (0.1% of 1,942 can only be 1 or 2)."""
    if not whole or (suppress and (is_small(part, k) or is_small(whole, k))):
        return "–"
    return f"{100.0 * part / whole:.1f}%"
