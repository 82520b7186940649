"""Drill-down: what a click on a chart filters to.

A figure builder tags each clickable trace with one *target* per point: the filter fields
and values that point stands for, e.g. ``{"conduct": ["CEASE_IGNORED"]}`` for a bar, or
``{"date_from": ["2024-03-01"], "date_to": ["2024-03-31"]}`` for a month. The tag lives in
the trace's ``meta`` (plotly keeps it out of the drawing), so figures stay plain plotly
figures and the dashboard (``ui.page.chart_block``) turns a clicked point into a filter.
Field names are those of ``analysis.filters.FIELDS``; values are URL values (codes, ISO dates).
"""
from __future__ import annotations

import calendar
from datetime import date
from typing import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from analysis.filters import FIELD_BY_NAME

Target = dict[str, list[str]]


def tag(trace, targets: Iterable[Mapping[str, Iterable[str]] | None]):
    """Attach one target per point of ``trace`` (None: the point is not clickable); returns
    the trace. Raises ``KeyError`` for a field that is not a filter field."""
    clean = []
    for target in targets:
        if target is None:
            clean.append(None)
            continue
        for name in target:
            FIELD_BY_NAME[name]
        clean.append({k: [str(v) for v in vals] for k, vals in target.items()})
    meta = dict(trace.meta) if isinstance(trace.meta, dict) else {}
    meta["drill"] = clean
    trace.meta = meta
    return trace


def month_target(month) -> Target:
    """The target of one calendar month: ``date_from`` its first day, ``date_to`` its last."""
    d = pd.Timestamp(month).date().replace(day=1)
    return {"date_from": [d.isoformat()],
            "date_to": [date(d.year, d.month, calendar.monthrange(d.year, d.month)[1]).isoformat()]}


def is_drillable(fig: go.Figure) -> bool:
    """True when some trace of ``fig`` carries targets."""
    return any(isinstance(tr.meta, dict) and tr.meta.get("drill") for tr in fig.data)


def targets_of(fig: go.Figure, points: Iterable[Mapping]) -> Target:
    """The filter values of the clicked ``points`` (Streamlit's selection points: dicts with
    ``curve_number`` and ``point_index``), merged field by field in click order, duplicates
    dropped. Points without a target are ignored; ``{}`` when none has one."""
    out: Target = {}
    for pt in points:
        curve, index = pt.get("curve_number"), pt.get("point_index", pt.get("point_number"))
        if curve is None or index is None or curve >= len(fig.data):
            continue
        meta = fig.data[curve].meta
        targets = meta.get("drill") if isinstance(meta, dict) else None
        if not targets or not isinstance(index, int) or index >= len(targets) or targets[index] is None:
            continue
        for name, values in targets[index].items():
            out[name] = list(dict.fromkeys(out.get(name, []) + list(values)))
    return out
