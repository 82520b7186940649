"""Export figures: a copy of the UI figure with small counts suppressed and, inside the
image, the title, a subtitle (filter, n, sources) and a footnote (rules, time coverage,
suppression, date). The figure the UI shows is never changed.

Suppression per chart (what a reader sees for a count from 1 to k-1):

* bars of counts (``bar_counts``): the bar is drawn at 0 and its text reads "<5";
  stacked segments are left out (a stacked bar is shorter by at most k-1 per segment) and
  the bar ends with how many were: "+3×<5" (a company whose every segment is small keeps a
  row that says so instead of vanishing);
* heatmap cells (``heatmap_counts``): the cell is painted grey (``SUPPRESSED_CELL``, unlike
  the near-white of a true zero) and reads "<5";
* count lines (``line_counts``): the point is left out, so the line has a gap;
* share lines / 100 % bars / rate bars resting on a small count (``outside_trend``,
  ``outcome_mix``, ``timeliness``): the point, segment or bar is left out ("<5" text on
  rate bars), because the share would give the count back;
* flow links (``sankey``): links with a small count are left out.
"""
from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.charts import CHART_BY_NAME, BuiltChart, chart_hook
from analysis.export.context import ExportContext, ExportOptions, chart_jurisdictions, chart_rule_ids
from analysis.export.suppress import count_text, is_small, mark, share_text
from analysis.figures import CHART_NOTE, FONT_FAMILY, wrap_lines
from analysis.i18n import t

# ---- suppression ----------------------------------------------------------------------------


def _arr(values) -> list:
    return list(values) if values is not None else []


def _bar_counts(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    stacked = fig.layout.barmode == "stack"
    hidden: dict = {}  # stacked: category -> [segments hidden, length drawn]
    for tr in list(fig.data):
        if tr.type != "bar":
            continue
        axis, cat = ("x", "y") if tr.orientation == "h" else ("y", "x")
        vals = _arr(getattr(tr, axis))
        small = [is_small(v, k) for v in vals]
        if stacked:
            for c, v, s in zip(_arr(getattr(tr, cat)), vals, small):
                h = hidden.setdefault(c, [0, 0])
                h[0] += s
                h[1] += 0 if (s or v is None or v != v) else v
        if not any(small):
            continue
        new = [0 if s else v for v, s in zip(vals, small)]
        setattr(tr, axis, [None if (s and stacked) else v for v, s in zip(new, small)])
        if tr.text is not None and not isinstance(tr.text, str):
            tr.text = [mark(k) if s else x for x, s in zip(tr.text, small)]
        elif not stacked:
            tr.text = [mark(k) if s else "" for s in small]
            tr.textposition = "outside"
            tr.cliponaxis = False
    _mark_hidden_segments(fig, hidden, k)


def _mark_hidden_segments(fig: go.Figure, hidden: dict, k: int) -> None:
    """After the end of each stacked bar with hidden segments (``hidden``: category ->
    [segments hidden, length drawn]), "+n×<5", so no bar or segment silently vanishes."""
    marked = {c: h for c, h in hidden.items() if h[0]}
    if not marked:
        return
    horizontal = next(tr for tr in fig.data if tr.type == "bar").orientation == "h"
    cats, ends = list(marked), [marked[c][1] for c in marked]
    text = [f" +{marked[c][0]}×{mark(k)}" for c in cats]
    fig.add_trace(go.Scatter(x=ends if horizontal else cats, y=cats if horizontal else ends, mode="text",
                             text=text, textposition="middle right" if horizontal else "top center",
                             textfont={"size": 11, "color": "#666"}, showlegend=False, hoverinfo="skip",
                             cliponaxis=False))


#: The colour of a suppressed heatmap cell: a grey no count colour scale uses, so a hidden
#: count of 1–4 is not read as none.
SUPPRESSED_CELL = "#c8c8c8"


def _heatmap_counts(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    for tr in list(fig.data):
        if tr.type != "heatmap":
            continue
        z = np.array(tr.z, dtype=object)
        small = np.vectorize(lambda v: is_small(v, k), otypes=[bool])(z)
        if not small.any():
            continue
        has_text = tr.text is not None
        text = np.array(tr.text, dtype=object) if has_text else np.full(z.shape, "", dtype=object)
        text[small] = mark(k)
        z[small] = None
        # the colour scale of the counts left (a blank cell is None or NaN: never its maximum,
        # which made every cell the darkest colour)
        rest = [float(v) for v in z.ravel() if v is not None and not (isinstance(v, float) and math.isnan(v))]
        tr.zmin, tr.zmax = 0, max(max(rest, default=0.0), float(k))
        tr.z = z.tolist()
        tr.text = text.tolist()
        tr.texttemplate = "%{text}"
        fig.add_trace(go.Heatmap(  # the suppressed cells, grey, over the blank ones
            z=np.where(small, 1, None).tolist(), x=tr.x, y=tr.y, xaxis=tr.xaxis, yaxis=tr.yaxis,
            colorscale=[[0, SUPPRESSED_CELL], [1, SUPPRESSED_CELL]], showscale=False, hoverinfo="skip",
            text=np.where(small, mark(k), "").tolist(), texttemplate="%{text}", xgap=tr.xgap, ygap=tr.ygap))


def _line_counts(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    for tr in fig.data:
        if tr.type == "scatter":
            tr.y = [None if is_small(v, k) else v for v in _arr(tr.y)]


def _outside_trend(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    for tr in fig.data:
        if tr.type == "scatter" and tr.customdata is not None:
            cd = [list(r) for r in tr.customdata]
            tr.y = [None if any(is_small(v, k) for v in c) else y for y, c in zip(_arr(tr.y), cd)]
            tr.customdata = [[mark(k) if is_small(v, k) else v for v in c] for c in cd]


def _outcome_mix(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    hidden: dict = {}  # channel -> [segments hidden, share drawn]
    for tr in list(fig.data):
        if tr.type == "bar" and tr.customdata is not None:
            cd = list(tr.customdata)
            for c, x, n in zip(_arr(tr.y), _arr(tr.x), cd):
                h = hidden.setdefault(c, [0, 0.0])
                h[0] += is_small(n, k)
                h[1] += 0.0 if (is_small(n, k) or x is None or x != x) else float(x)
            tr.x = [None if is_small(c, k) else x for x, c in zip(_arr(tr.x), cd)]
            tr.customdata = [mark(k) if is_small(c, k) else c for c in cd]
    _mark_hidden_segments(fig, hidden, k)


def _timeliness(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    small = [is_small(v, k) for v in frame["complaint_count"]]
    for tr in fig.data:
        if tr.type == "bar" and len(_arr(tr.x)) == len(small):
            tr.x = [None if s else x for x, s in zip(tr.x, small)]
            tr.text = [mark(k) if s else x for x, s in zip(_arr(tr.text), small)]


def _sankey(fig: go.Figure, frame: pd.DataFrame, k: int) -> None:
    for tr in fig.data:
        if tr.type == "sankey":
            vals = [0 if is_small(v, k) else v for v in _arr(tr.link.value)]
            if any(vals):
                tr.link.value = vals
            else:  # every flow is small: plotly cannot draw a flow chart without a flow
                fig.data = [t for t in fig.data if t.type != "sankey"]
                fig.update_xaxes(visible=False)
                fig.update_yaxes(visible=False)
                fig.add_annotation(text=f"{mark(k)}", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                                   font={"size": 28, "color": "#888"})
                return


SUPPRESSORS = {
    "overview_monthly_trend": _line_counts, "time_coverage": _bar_counts,
    "time_heatmap_cn": _heatmap_counts, "time_heatmap_us": _heatmap_counts, "time_heatmap_uk": _heatmap_counts,
    "time_outside_share_trend": _outside_trend, "conduct_counts": _bar_counts, "method_counts": _bar_counts,
    "conduct_trend": _line_counts, "conduct_cooccurrence": _heatmap_counts, "company_conduct": _bar_counts,
    "outcome_mix_filed_with": _outcome_mix, "outcome_mix_submission_medium": _outcome_mix,
    "channel_timeliness_filed_with": _timeliness, "channel_timeliness_submission_medium": _timeliness,
    "channel_flow": _sankey,
    "time_allegation_share": _outside_trend, "time_allegation_companies": _bar_counts,
}

#: What the footnote says each suppression rule does (i18n keys); a rule of a page's own module
#: (trends, places, companies) gets the general sentence ``x_suppressed``.
SUPPRESSION_NOTES = {
    _bar_counts: "x_suppressed_bars", _heatmap_counts: "x_suppressed_cells", _line_counts: "x_suppressed_lines",
    _outside_trend: "x_suppressed_shares", _timeliness: "x_suppressed_shares", _outcome_mix: "x_suppressed_mix",
    _sankey: "x_suppressed_flows",
}

_N_IN_LABEL = re.compile(r"n=(\d[\d,]*)")


def _small_n_labels(fig: go.Figure, k: int) -> None:
    """Category labels carrying the count they rest on ("Web (n=3)", ``figures.n_label``):
    a count from 1 to k-1 reads "n<5" (the label would give the count back)."""
    def fix(label):
        if not isinstance(label, str):
            return label
        return _N_IN_LABEL.sub(lambda m: f"n{mark(k)}" if is_small(int(m.group(1).replace(",", "")), k)
                               else m.group(0), label)
    for tr in fig.data:
        if tr.type == "bar":
            axes = ("y" if tr.orientation == "h" else "x",)
        elif tr.type == "scatter" and tr.mode == "text":  # notes placed on bars (``_bar_counts``)
            axes = ("x", "y")
        else:
            continue
        for axis in axes:
            vals = getattr(tr, axis)
            if vals is not None:
                setattr(tr, axis, [fix(v) for v in vals])


def suppress_figure(fig: go.Figure, name: str, frame: pd.DataFrame, k: int) -> go.Figure:
    """Copy of ``fig`` (catalogue chart ``name`` drawn from ``frame``) with counts 1..k-1
    suppressed as described in the module docstring, and counts in category labels
    ("n=3") marked. The rule is ``SUPPRESSORS[name]`` or the ``SUPPRESSORS`` of the module
    holding the chart's query (``analysis.charts.chart_hook``). Raises ``KeyError`` for a
    chart without a suppression rule, so a new catalogue chart cannot be exported unprotected."""
    rule = chart_hook(CHART_BY_NAME[name], "SUPPRESSORS", SUPPRESSORS)
    if rule is None:
        raise KeyError(f"chart {name!r} has no suppression rule")
    out = go.Figure(fig)
    rule(out, frame, k)
    _small_n_labels(out, k)
    return out


# ---- title, subtitle, footnote --------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    """Rough rendered width in px: CJK and full-width characters ≈ 1 em, others ≈ 0.56 em."""
    return sum(size * (1.0 if ord(ch) >= 0x2E80 else 0.56) for ch in text)


def wrap(text: str, max_px: float, size: float) -> list[str]:
    """Split ``text`` into lines no wider than ``max_px`` at font ``size`` (``text_width``;
    breaks as ``analysis.figures.wrap_lines``)."""
    return wrap_lines(text, lambda s: text_width(s, size), max_px)


def n_text(built: BuiltChart, lang: str, opts: ExportOptions) -> str:
    """"6,810 complaints" / "6,810 条投诉" (or "<5 …" when suppressed)."""
    n = count_text(built.n, opts.k, suppress=opts.suppress)
    if built.spec.unit == "complaints":
        return f"{n} complaints" if lang == "en" else f"{n} 条投诉"
    return f"{n} incidents" if lang == "en" else f"{n} 个催收事件"


def footnote_lines(built: BuiltChart, ctx: ExportContext, opts: ExportOptions) -> list[str]:
    """Footnote sentences of an exported chart, in order."""
    lang, spec = ctx.lang, built.spec
    out = []
    if spec.has_rule_flags:
        rules = chart_rule_ids(spec, built.frame, ctx)
        out.append(t("x_unreviewed", lang, rules=", ".join(rules)) if rules else t("x_unreviewed_none", lang))
    if spec.time_coverage:
        exact, total = ctx.kpis["exact_time_incident_count"] or 0, ctx.kpis["incident_count"] or 0
        if total:
            out.append(t("x_time_coverage", lang, pct=share_text(exact, total, opts.k, suppress=opts.suppress),
                         exact=count_text(exact, opts.k, suppress=opts.suppress),
                         total=count_text(total, opts.k, suppress=opts.suppress)))
    if opts.suppress:
        rule = chart_hook(CHART_BY_NAME[spec.name], "SUPPRESSORS", SUPPRESSORS) if spec.name in CHART_BY_NAME else None
        out.append(t(SUPPRESSION_NOTES.get(rule, "x_suppressed"), lang, k=opts.k, km1=opts.k - 1))
    out.append(t("x_allegations", lang) + " " + t("x_made", lang, date=ctx.day.isoformat()))
    return out


def subtitle_lines(built: BuiltChart, ctx: ExportContext, opts: ExportOptions) -> list[str]:
    """Subtitle sentences: filter and n, then sources with date spans."""
    return [t("x_filter", ctx.lang, desc=ctx.filter_text) + " · " + t("x_n", ctx.lang, n=n_text(built, ctx.lang, opts)),
            t("x_sources", ctx.lang, sources=ctx.source_text(chart_jurisdictions(built.spec, built.frame)))]


def lang_is_spaced(text: str) -> bool:
    """True when ``text`` is mostly not CJK: its wrapped lines are joined with a space."""
    cjk = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return cjk * 2 < len(text)


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _label_px(values, size: float = 13) -> float:
    vals = [str(v) for v in values if v is not None]
    return max((text_width(v, size) for v in vals), default=0)


def decorate(fig: go.Figure, built: BuiltChart, ctx: ExportContext, opts: ExportOptions) -> go.Figure:
    """Copy of ``fig`` sized ``opts.width`` wide with title + subtitle above the plot and
    the footnote below it, all inside the image. The plot area keeps the height it has in
    the UI, so annotations placed in plot fractions stay where the builder put them."""
    out = go.Figure(fig)
    lay = fig.layout
    width = opts.width
    h0 = lay.height or 450
    t0 = lay.margin.t if lay.margin.t is not None else 60
    b0 = lay.margin.b if lay.margin.b is not None else 10
    trace_types = {tr.type for tr in fig.data}
    # Space below the plot for tick labels and the axis title.
    if "sankey" in trace_types:
        axis_space = 12
    elif lay.xaxis.tickangle not in (None, 0):
        xs = fig.data[0].x if fig.data and fig.data[0].x is not None else []
        axis_space = 34 + _label_px(xs) * math.sin(math.radians(abs(lay.xaxis.tickangle)))
    else:
        axis_space = 58
    if lay.legend.yref != "container":  # a legend under the plot in the UI moves above it here
        axis_space = max(axis_space, b0)
    plot_h = max(220, h0 - t0 - axis_space)
    # Left margin: y tick labels (category labels of horizontal bars / heatmaps) + y title.
    left = 16
    if "sankey" not in trace_types:
        ylabels = []
        for tr in fig.data:
            y = getattr(tr, "y", None)
            if y is not None and any(isinstance(v, str) for v in y):
                ylabels.extend(y)
        left = (_label_px(ylabels) + 14) if ylabels else 52
        if lay.yaxis.title.text:
            left += 24
        # an upright y-axis title (figures.upright_y_titles: right-aligned to the axis line)
        # reaches left of the axis by its width: the margin holds it (it was cut to "例（%）")
        upright = [a.text for a in lay.annotations if a.xanchor == "right" and a.x == 0
                   and str(a.xref or "").endswith("domain") and a.text]
        if upright:
            left = max(left, max(text_width(x, 12) for x in upright) + 16)
    left = min(left, width * 0.45)

    wrap_px = width - 40
    title = lay.title.text or ""
    legend_vertical = lay.legend.orientation == "v"
    # a legend beside the plot reaches up past the plot's top: the subtitle stops short of it
    legend_w = (max((text_width(tr.name, 13) for tr in fig.data if tr.name and tr.showlegend is not False),
                    default=0) + 60) if legend_vertical and lay.showlegend is not False else 0
    subs = [ln for s in subtitle_lines(built, ctx, opts) for ln in wrap(s, wrap_px - legend_w, 12.5)]
    # a note under the chart (figures.CHART_NOTE) would sit where the footnote goes: it opens the footnote
    notes = [re.sub(r"\s*<br>\s*", " " if lang_is_spaced(a.text) else "", a.text)
             for a in lay.annotations if a.name == CHART_NOTE]
    out.layout.annotations = [a for a in lay.annotations if a.name != CHART_NOTE]
    foots = [ln for s in notes + footnote_lines(built, ctx, opts) for ln in wrap(s, wrap_px, 11.5)]
    header_h = 16 + 26 + 17 * len(subs) + 10
    legend_h = 0
    if lay.showlegend is not False and not legend_vertical:
        names = [tr.name for tr in fig.data if tr.name and tr.showlegend is not False]
        if len(names) > 1 or (names and lay.showlegend):
            total = sum(46 + text_width(n, 13) for n in names)
            legend_h = 24 * max(1, math.ceil(total / (width - left - 30))) + 6
    top_extra = 22 if any(s.yref == "paper" and (s.y1 or 0) > 1 for s in lay.shapes) else 0
    t_new = header_h + legend_h + top_extra + 8
    foot_h = 17 * len(foots) + 14
    b_new = axis_space + foot_h
    out.update_layout(width=width, height=int(t_new + plot_h + b_new), font={"family": FONT_FAMILY},
                      margin={"t": t_new, "b": b_new, "l": left, "r": max(30, lay.margin.r or 0)},
                      title={"text": ""})
    # Title and subtitle as annotations anchored to the top-left of the image (multi-line
    # titles are placed unreliably by plotly), the footnote to the bottom-left.
    common = {"xref": "paper", "yref": "paper", "x": 0, "xanchor": "left", "xshift": -(left - 12),
              "showarrow": False, "align": "left"}
    out.add_annotation(text=f"<b>{_esc(title)}</b>", y=1, yanchor="top", yshift=t_new - 12,
                       font={"size": 18, "color": "#1f2d3d", "family": FONT_FAMILY}, **common)
    out.add_annotation(text="<br>".join(_esc(s) for s in subs), y=1, yanchor="top", yshift=t_new - 42,
                       font={"size": 12.5, "color": "#444", "family": FONT_FAMILY}, **common)
    if legend_h:
        out.update_layout(legend={"yref": "paper", "y": 1.0 + (top_extra + 4) / plot_h, "yanchor": "bottom",
                                  "x": 0, "xanchor": "left"})
    out.add_annotation(text="<br>".join(_esc(s) for s in foots), y=0, yanchor="top", yshift=-axis_space,
                       font={"size": 11.5, "color": "#555", "family": FONT_FAMILY}, **common)
    return out


def export_figure(built: BuiltChart, ctx: ExportContext, opts: ExportOptions) -> go.Figure | None:
    """The figure of ``built`` as exported: suppressed (when ``opts.suppress``) and
    decorated. None when the chart has nothing to draw."""
    if built.figure is None:
        return None
    fig = suppress_figure(built.figure, built.spec.name, built.frame, opts.k) if opts.suppress else built.figure
    if built.spec.name.startswith("channel_timeliness_"):
        # The UI's "auto" text position runs long labels off the right edge in print.
        fig = go.Figure(fig)
        fig.update_traces(textposition="inside", insidetextanchor="start", selector={"type": "bar"})
    return decorate(fig, built, ctx, opts)
