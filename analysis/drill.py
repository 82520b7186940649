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
from datetime import date, timedelta
from typing import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from analysis.filters import FIELD_BY_NAME

Target = dict[str, list[str]]


def tag(trace, targets: Iterable[Mapping[str, Iterable[str]] | None]):
    """Attach one target per point of ``trace`` (None: the point is not clickable); returns
    the trace. A string ``meta`` the trace had (a builder's name for the trace) is kept as
    ``meta["role"]`` (read it with ``role``). Raises ``KeyError`` for a field that is not a
    filter field."""
    clean = []
    for target in targets:
        if target is None:
            clean.append(None)
            continue
        for name in target:
            FIELD_BY_NAME[name]
        clean.append({k: [str(v) for v in vals] for k, vals in target.items()})
    meta = dict(trace.meta) if isinstance(trace.meta, dict) else (
        {"role": trace.meta} if isinstance(trace.meta, str) else {})
    meta["drill"] = clean
    trace.meta = meta
    return trace


def cell_overlay(x: list, y: list, targets: list, hovertext: list, size: float) -> go.Scatter:
    """Clickable points over heatmap cells (plotly selects no heatmap cell): one invisible
    square marker of ``size`` px per cell at (``x[i]``, ``y[i]``), tagged with ``targets[i]``
    and carrying the cell's ``hovertext`` (give the heatmap ``hoverinfo="skip"`` so the
    hover is shown once)."""
    trace = go.Scatter(x=x, y=y, mode="markers", marker={"symbol": "square", "size": size, "opacity": 0},
                       hovertext=hovertext, hovertemplate="%{hovertext}<extra></extra>", showlegend=False)
    return tag(trace, targets)


def role(trace) -> str | None:
    """The builder's name for ``trace``: its string ``meta``, kept by ``tag`` as ``meta["role"]``."""
    meta = trace.meta
    return meta if isinstance(meta, str) else (meta.get("role") if isinstance(meta, dict) else None)


def period_target(start, period: str) -> Target:
    """The target of one ISO week / calendar month / quarter (``period``: ``week``, ``month``,
    ``quarter``) starting on ``start``: ``date_from`` its first day, ``date_to`` its last.
    Raises ``ValueError`` for another period."""
    d = pd.Timestamp(start).date()
    if period == "week":
        end = d + timedelta(days=6)
    elif period == "month":
        return month_target(d)
    elif period == "quarter":
        last_month = d.month + 2
        end = date(d.year, last_month, calendar.monthrange(d.year, last_month)[1])
    else:
        raise ValueError(f"unknown period {period!r}")
    return {"date_from": [d.isoformat()], "date_to": [end.isoformat()]}


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
