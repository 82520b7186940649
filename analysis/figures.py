"""Figure builders: each takes a DataFrame from ``analysis.queries`` and a language and
returns a plotly Figure. Category order and colours come from ``analysis.codes``, so a
code looks the same on every page and in every export. No Streamlit here.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from analysis import codes, drill
from analysis.filters import FIELD_BY_NAME, PRODUCT_NOT_RECORDED, product_label  # noqa: F401  (product_label: re-exported)
from analysis.i18n import STRINGS, t
from analysis.queries import MIN_COUNT
from analysis.rules import TIME_WINDOW_RULES, forbidden_hours, partly_forbidden_hours

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, Noto Sans, Arial, sans-serif"
FORBIDDEN_FILL = "rgba(213, 94, 0, 0.16)"
FORBIDDEN_LINE = "#D55E00"
#: Most colour categories a chart may use (house style: at most ~8 colours); a stacked chart
#: keeps the largest ``MAX_COLOURS - 1`` categories and adds "other".
MAX_COLOURS = 8
#: Light grey of the "other" category (lighter than the palette's own grey).
OTHER_COLOUR = "#CCCCCC"


# ---- labels ------------------------------------------------------------------------------------

def is_missing(value) -> bool:
    """True for a value that was not recorded: None, NaN, pandas NA or an empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values
        return False


def code_label(list_name: str, code, lang: str = "en") -> str:
    """``codes.label`` with every missing value (None, NaN, NA, "") shown as "Not recorded" /
    "未记录", never as "None", "nan" or an empty label."""
    return t("not_recorded", lang) if is_missing(code) else codes.label(list_name, code, lang)


def _char_units(ch: str) -> int:
    return 2 if ord(ch) >= 0x2E80 else 1


def label_units(text: str) -> int:
    """Width of ``text`` in Latin-character units (a CJK / full-width character counts 2)."""
    return sum(_char_units(ch) for ch in text)


#: ``name`` of an annotation that is a note under the chart (a sentence on how to read it): an
#: export moves its text into the image's footnote (``analysis.export.figure.decorate``).
CHART_NOTE = "chart_note"

#: Width (``label_units``) of a note under a chart before it breaks: about 520 px at 12 px, so
#: it fits the narrowest chart (a 1024 px window with the sidebar open).
NOTE_UNITS = 80


def wrap_label(text, max_units: int = 22, escape: bool = False) -> str:
    """``text`` broken into lines of at most ``max_units`` (``label_units``) joined with
    ``<br>`` (plotly's line break), so long category labels stay whole instead of being cut
    at the chart's edge (``wrap_lines``). ``escape``: HTML-escape the text first (values from
    files, e.g. company names, which plotly would otherwise read as markup)."""
    text = str(text)
    if escape:
        text = html.escape(text, quote=False)
    if label_units(text) <= max_units:
        return text
    return "<br>".join(wrap_lines(text, label_units, max_units))


def wrap_lines(text: str, width, max_width: float) -> list[str]:
    """``text`` split into lines no wider than ``max_width`` as measured by ``width(str)``
    (label units, or pixels for exported titles). Breaks at spaces, after "/" "、" "，" (preferred
    when not too early in the line) and between CJK characters; a single word longer than a
    line is kept whole. The one line-breaking routine of chart labels and export titles."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if _char_units(ch) == 2 and ch not in "（）「」，、/":
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        elif ch in "/、，":
            tokens.append(word + ch)
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    lines, cur = [], ""
    for tok in tokens:
        if cur and width((cur + tok).rstrip()) > max_width:
            cut = max(cur.rstrip().rfind(c) for c in "/、，")
            if cut >= 0 and width(cur[:cut + 1]) >= 0.4 * max_width:
                lines.append(cur[:cut + 1].rstrip())
                cur = cur[cut + 1:].lstrip() + tok
            else:
                lines.append(cur.rstrip())
                cur = tok.lstrip()
        else:
            cur += tok
    if cur.strip():
        lines.append(cur.rstrip())
    return lines or [""]


def label_px(labels, size: float = 13) -> float:
    """Rough rendered width in px of the widest line of ``labels`` (``<br>``-wrapped) at font
    ``size``: a Latin character ≈ 0.58 em, a CJK character ≈ 1 em."""
    widths = [label_units(line) * size * 0.5 + 0.08 * size * len(line)
              for lab in labels for line in str(lab).split("<br>")]
    return max(widths, default=0.0)


def n_label(label: str, n, lang: str = "en") -> str:
    """A category label with the count it rests on: "Web (n=1,234)" / "网页（n=1,234）"."""
    return t("n_label", lang, label=label, n=f"{int(n):,}")


def _month_axis(fig: go.Figure) -> None:
    """Month axes: tick labels as months (a single month otherwise gets sub-second ticks)."""
    months = {str(x) for tr in fig.data if tr.x is not None for x in tr.x}
    fig.update_xaxes(tickformat="%Y-%m", dtick="M1" if len(months) <= 12 else None, hoverformat="%Y-%m")


#: Legend entries that fit on one line beside a chart's title; more go under the chart.
LEGEND_BESIDE_TITLE_MAX = 4
#: Width in px a legend line under a chart may take (the narrowest chart: half the page).
LEGEND_LINE_PX = 560


def _layout(fig: go.Figure, title: str, *, height: int = 420, legend: bool = True) -> go.Figure:
    """Title, font, template and legend of every chart. A legend of at most
    ``LEGEND_BESIDE_TITLE_MAX`` entries sits on the title's line at the right; a longer one
    would run into the title, so it goes under the chart (the chart grows by its lines)."""
    fig.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 17}},
        template="plotly_white", font={"family": FONT_FAMILY, "size": 13}, height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10}, showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )
    names = [tr.name for tr in fig.data if tr.name and tr.showlegend is not False]
    if legend and len(names) > LEGEND_BESIDE_TITLE_MAX:
        line_px = [label_px([n]) + 48 for n in names]  # symbol and gap beside each name
        lines, used = 1, 0.0
        for w in line_px:
            if used and used + w > LEGEND_LINE_PX:
                lines, used = lines + 1, 0.0
            used += w
        below = 22 * lines + 16
        fig.update_layout(height=height + below, margin={"b": 56 + below},
                          legend={"yref": "container", "y": 0, "yanchor": "bottom", "xanchor": "left", "x": 0})
    return fig


#: Languages whose y-axis titles are written upright above the axis instead of rotated: a
#: rotated CJK title reads sideways (Chinese charts name the value axis above it, horizontally).
UPRIGHT_Y_TITLE_LANGS = frozenset({"zh"})
#: Pixels added to the top margin for an upright title above the top axis.
UPRIGHT_Y_TITLE_PX = 16


def upright_y_titles(fig: go.Figure, lang: str) -> go.Figure:
    """In ``UPRIGHT_Y_TITLE_LANGS``, move every visible y-axis title of ``fig`` (``yaxis``,
    ``yaxis2`` …) to a horizontal annotation just above the top of its axis, on the axis's side
    (left: right-aligned to the axis line; right: left-aligned), in the axis title's font. Other
    languages keep the rotated title. Changes ``fig`` in place and returns it."""
    if lang not in UPRIGHT_Y_TITLE_LANGS:
        return fig
    at_top = False
    # shapes drawn above the plot (the heatmap's forbidden-hours band): the title goes above them
    above = max([float(s.y1) for s in fig.layout.shapes if s.yref == "paper" and s.y1 is not None and s.y1 > 1]
                + [1.0])
    for key in [k for k in fig.layout.to_plotly_json() if k.startswith("yaxis")]:
        ax = fig.layout[key]
        text = ax.title.text if ax.title is not None else None
        if not text or ax.visible is False:
            continue
        anchor = ax.anchor if ax.anchor and ax.anchor != "free" else "x"
        right = ax.side == "right"
        font = ax.title.font.to_plotly_json() if ax.title.font is not None else {}
        top = ax.domain is None or ax.domain[1] >= 0.999
        size = font.get("size") or 12
        fig.add_annotation(text=text, showarrow=False, textangle=0,
                           xref=f"{anchor} domain", x=1.0 if right else 0.0,
                           xanchor="left" if right else "right",
                           yref=f"y{key[len('yaxis'):]} domain", y=above if top else 1.0, yanchor="bottom", yshift=2,
                           font={"size": 12, "color": "#444", **font})
        ax.title.text = None
        # the margin on the title's side holds the whole title (plotly's automargin sees only ticks)
        side = "r" if right else "l"
        need = int(label_units(text) * size * 0.6) + 8
        if (fig.layout.margin[side] or 0) < need:
            fig.update_layout(margin={side: need})
        at_top = at_top or top
    if at_top:  # room between the chart's title and the name of the top axis (and any band above the plot)
        band = int((above - 1.0) * (fig.layout.height or 450))
        added = UPRIGHT_Y_TITLE_PX + band
        # the figure grows by the room added, so the plot keeps its height and what is placed
        # below it in plot fractions (the heatmap's note) stays clear of the axis title
        fig.update_layout(margin={"t": (fig.layout.margin.t or 60) + added},
                          height=(fig.layout.height or 450) + added)
    return fig


def pct_text(v: float) -> str:
    """Percent ``v`` (0–100) for labels, one decimal: "<0.1%" rather than a misleading "0.0%" for a
    tiny non-zero share."""
    return "<0.1%" if 0 < v < 0.05 else f"{v:.1f}%"


#: Longest line (``label_units``) of a category label: bar charts, heatmap axes, company names.
BAR_LABEL_UNITS = 24
HEATMAP_LABEL_UNITS = 18
COMPANY_LABEL_UNITS = 30


def _row_px(labels, base: int = 28) -> int:
    """Height per category row: ``base`` px, more when a label runs over several lines."""
    lines = max((str(x).count("<br>") + 1 for x in labels), default=1)
    return max(base, 8 + 16 * lines)


def _with_month_gaps(df: pd.DataFrame, month_col: str, keys: list[str] | None = None) -> pd.DataFrame:
    """Insert empty rows for months missing *between* covered months, so lines break
    instead of bridging a stretch the data does not cover (e.g. two exports years apart)."""
    if df.empty:
        return df
    months = pd.to_datetime(df[month_col])
    full = pd.date_range(months.min(), months.max(), freq="MS")
    if len(full) == months.nunique() and not keys:
        return df
    if keys:
        parts = []
        for key, sub in df.groupby(keys, sort=False):
            sub = sub.set_index(pd.to_datetime(sub[month_col])).reindex(full)
            sub[month_col] = sub.index
            for k, v in zip(keys, key if isinstance(key, tuple) else (key,)):
                sub[k] = v
            parts.append(sub.reset_index(drop=True))
        return pd.concat(parts, ignore_index=True)
    out = df.set_index(months).reindex(full)
    out[month_col] = out.index
    return out.reset_index(drop=True)


def make_monthly_trend(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Line chart of ``query_complaints_by_month``: all complaints and those with conduct.
    Clicking a point filters to its month."""
    df = _with_month_gaps(df, "received_month")
    fig = go.Figure()
    months = [drill.month_target(m) for m in df["received_month"]]
    fig.add_scatter(x=df["received_month"], y=df["complaint_count"], mode="lines+markers",
                    name=t("trend_all", lang), line={"color": "#0072B2", "width": 2})
    fig.add_scatter(x=df["received_month"], y=df["improper_complaint_count"], mode="lines+markers",
                    name=t("trend_improper", lang), line={"color": "#D55E00", "width": 2})
    for tr in fig.data:  # a click on a month: the view narrows to that month
        drill.tag(tr, months)
    fig.update_xaxes(title=t("month", lang))
    fig.update_yaxes(title=t("complaints", lang), rangemode="tozero")
    _count_axis(fig, "y", df["complaint_count"].max() if len(df) else 0)
    _month_axis(fig)
    return _layout(fig, t("trend_title", lang))


def _count_axis(fig: go.Figure, axis: str, top) -> None:
    """Whole-number ticks on an axis of counts: one per count when the largest is small
    (plotly would tick 0.2, 0.4 … for a count of 1), thousands separated."""
    top = 0 if top is None or top != top else float(top)
    opts = {"tickformat": ",d"} | ({"dtick": 1} if top < 6 else {})
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**opts)


#: The hour × weekday heatmap writes each cell's count when no cell holds more than this (two
#: digits fit a cell in a 1024 px window).
HEATMAP_NUMBERS_MAX = 99


def make_hour_weekday_heatmap(df: pd.DataFrame, jurisdiction: str, lang: str = "en") -> go.Figure:
    """Hour × weekday heatmap of incidents with an exact local time, for one jurisdiction,
    with its forbidden hours shaded (CN-TIME-01: 22:00–08:00; US-TIME-01: before 08:00 and
    after 21:00, hour 21 partly).

    ``df``: rows of ``query_incidents_by_hour_weekday`` (any jurisdictions; others ignored).
    """
    sub = df[df["jurisdiction"] == jurisdiction]
    days = list(range(1, 8)) + ([0] if (sub["occurred_weekday"] == 0).any() else [])
    grid = (sub.pivot_table(index="occurred_weekday", columns="occurred_hour", values="incident_count",
                            aggfunc="sum")
            .reindex(index=days, columns=range(24)).fillna(0).astype("int64"))
    y_labels = [codes.weekday_label(d, lang) if d else t("day_unknown", lang) for d in days]
    top = int(grid.values.max()) if grid.size else 0
    # few incidents: each cell says its count (a lone incident is a pale cell on the scale)
    numbers = {"text": [[str(v) if v else "" for v in row] for row in grid.values], "texttemplate": "%{text}",
               "textfont": {"size": 11}} if 0 < top <= HEATMAP_NUMBERS_MAX else {}
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=list(range(24)), y=y_labels, colorscale="Blues", zmin=0,
        zmax=max(5, top),
        colorbar={"title": {"text": t("incidents", lang)}, "tickformat": ",d"},
        hovertemplate="%{y} %{x}:00–%{x}:59<br>%{z}<extra></extra>", **numbers,
    ))
    rule = TIME_WINDOW_RULES.get(jurisdiction)
    if rule is not None:
        # Forbidden hours: a band above the grid (so no cell is hidden) and dashed edges.
        for h in forbidden_hours(jurisdiction):
            fig.add_shape(type="rect", xref="x", yref="paper", x0=h - 0.5, x1=h + 0.5, y0=1.01, y1=1.06,
                          fillcolor=FORBIDDEN_LINE, line_width=0)
        for h in partly_forbidden_hours(jurisdiction):
            fig.add_shape(type="rect", xref="x", yref="paper", x0=h - 0.5, x1=h + 0.5, y0=1.01, y1=1.06,
                          fillcolor=FORBIDDEN_FILL, line={"color": FORBIDDEN_LINE, "width": 1})
        start, end = rule.permitted_start_min / 60, rule.permitted_end_min / 60
        for x in (start - 0.5, end - 0.5):
            fig.add_vline(x=x, line={"color": FORBIDDEN_LINE, "width": 2, "dash": "dash"})
        fig.add_annotation(text=t("heatmap_forbidden" if rule.end_is_boundary else "heatmap_forbidden_cn", lang, rule=rule.rule_id), xref="paper", yref="paper",
                           x=0, y=-0.25, showarrow=False, font={"color": FORBIDDEN_LINE, "size": 12},
                           xanchor="left", yanchor="top", align="left")
    fig.update_xaxes(title=t("hour", lang), tickmode="array", tickvals=list(range(24)),
                     ticktext=[f"{h:02d}" for h in range(24)])
    fig.update_yaxes(title=t("weekday", lang), autorange="reversed")
    title = t("heatmap_title", lang, jur=codes.label("jurisdiction", jurisdiction, lang))
    fig = _layout(fig, title, height=420, legend=False)
    fig.update_layout(margin={"b": 115})
    return fig


def make_time_coverage_bar(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Horizontal bar of ``query_time_coverage``: incidents per time precision."""
    labels = [codes.label("time_precision", c, lang) for c in df["time_precision"]]
    fig = go.Figure(go.Bar(
        x=df["incident_count"], y=labels, orientation="h",
        marker_color=[codes.color("time_precision", c) for c in df["time_precision"]],
        text=[f"{n:,} ({pct_text(s)})" for n, s in zip(df["incident_count"], df["share_pct"])],
        textposition="outside", cliponaxis=False,
    ))
    fig.update_xaxes(range=[0, float(df["incident_count"].max() or 1) * 1.25])
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("incidents", lang))
    _count_axis(fig, "x", df["incident_count"].max())
    return _layout(fig, t("coverage_title", lang), height=300, legend=False)


#: A monthly share resting on fewer timed incidents than this is not drawn (it would swing
#: between 0 % and 100 % on one or two calls); the chart says so. The one threshold for shares
#: (``analysis.queries.MIN_COUNT``).
MIN_SHARE_BASE = MIN_COUNT


def make_outside_share_trend(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Line per jurisdiction of ``query_outside_share_by_month`` (percent of timed incidents).
    Months with fewer than ``MIN_SHARE_BASE`` timed incidents are left out, with a note."""
    fig = go.Figure()
    shown = df[df["exact_time_incident_count"] >= MIN_SHARE_BASE]
    for jur, sub in shown.groupby("jurisdiction", sort=True):
        sub = _with_month_gaps(sub, "occurred_month")
        fig.add_scatter(
            x=sub["occurred_month"], y=sub["outside_share_pct"], mode="lines+markers",
            name=codes.label("jurisdiction", jur, lang),
            customdata=sub[["outside_count", "exact_time_incident_count"]].values,
            hovertemplate="%{x|%Y-%m}: %{y:.1f}% (%{customdata[0]} / %{customdata[1]})<extra></extra>")
    if len(shown) < len(df):
        fig.add_annotation(text=t("share_min_base", lang, n=MIN_SHARE_BASE, months=len(df) - len(shown)),
                           xref="paper", yref="paper", x=0, y=-0.3, showarrow=False, xanchor="left",
                           font={"size": 12, "color": "#555"})
    fig.update_xaxes(title=t("month", lang))
    fig.update_yaxes(title=t("share_pct", lang), rangemode="tozero", ticksuffix="%")
    _month_axis(fig)
    fig = _layout(fig, t("outside_trend_title", lang))
    fig.update_layout(margin={"b": 80})
    if shown.empty:
        _nothing_drawn(fig)
    return fig


def _nothing_drawn(fig: go.Figure) -> None:
    """A chart whose every point was left out (too few to give a share): no empty axes with
    made-up ticks, only its note, moved to the middle."""
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    for a in fig.layout.annotations:
        a.update(x=0.5, y=0.5, xanchor="center", yanchor="middle", font={"size": 14, "color": "#555"})
    fig.update_layout(height=220, margin={"b": 20})


def make_allegation_share_trend(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Line per jurisdiction of ``query_allegations_by_month``: the percentage of complaints
    in the filter that allege contact outside the permitted hours without a clock time (e.g.
    CFPB's sub-issue "Called before 8am or after 9pm"), by received month. Hover: allegations
    and complaints of the month. Months whose share is not given (fewer than ``MIN_COUNT``
    complaints) are left out, with a note. Never placed on an hour: these records have none."""
    fig = go.Figure()
    shown = df[df["allegation_share_pct"].notna()]
    for jur, sub in shown.groupby("jurisdiction", sort=True):
        sub = _with_month_gaps(sub, "received_month")
        fig.add_scatter(
            x=sub["received_month"], y=sub["allegation_share_pct"], mode="lines+markers",
            name=codes.label("jurisdiction", jur, lang), line={"color": FORBIDDEN_LINE if jur == "US" else None},
            customdata=sub[["allegation_count", "complaint_count"]].values,
            hovertemplate="%{x|%Y-%m}: %{y:.2f}%<br>" + t("alleg_hover", lang, a="%{customdata[0]:,}",
                                                          n="%{customdata[1]:,}") + "<extra></extra>")
        drill.tag(fig.data[-1], [{**drill.month_target(m), "jurisdiction": [jur]} for m in sub["received_month"]])
    if len(shown) < len(df):
        fig.add_annotation(text=t("alleg_min_base", lang, n=MIN_COUNT, months=len(df) - len(shown)),
                           xref="paper", yref="paper", x=0, y=-0.3, showarrow=False, xanchor="left",
                           font={"size": 12, "color": "#555"})
    fig.update_xaxes(title=t("month", lang))
    fig.update_yaxes(title=t("alleg_share_axis", lang), rangemode="tozero", ticksuffix="%")
    _month_axis(fig)
    fig = _layout(fig, t("alleg_month_title", lang))
    fig.update_layout(margin={"b": 80}, showlegend=shown["jurisdiction"].nunique() > 1)
    if shown.empty:
        _nothing_drawn(fig)
    return fig


def make_allegation_company_bar(df: pd.DataFrame, lang: str = "en", top_n: int = 15) -> go.Figure:
    """Horizontal bars of ``query_allegations_by_company``: complaints alleging contact outside
    the permitted hours without a clock time, per company (largest at the top). The y label
    gives the company's complaints in the filter (n=…); the bar text the allegations and their
    share of those complaints, or "share not shown" below ``MIN_COUNT`` complaints."""
    d = df.iloc[::-1]
    ylabels = [n_label(wrap_label(c, COMPANY_LABEL_UNITS, escape=True), n, lang)
               for c, n in zip(d["company_name"], d["complaint_count"])]
    text = [f"{a:,} ({pct_text(s)})" if pd.notna(s) else f"{a:,}"
            for a, s in zip(d["allegation_count"], d["allegation_share_pct"])]
    hover = [t("alleg_hover", lang, a=f"{a:,}", n=f"{n:,}") for a, n in zip(d["allegation_count"], d["complaint_count"])]
    fig = go.Figure(go.Bar(
        x=d["allegation_count"], y=ylabels, orientation="h", marker_color=FORBIDDEN_LINE, text=text,
        textposition="outside", cliponaxis=False, hovertext=hover, hovertemplate="%{y}<br>%{hovertext}<extra></extra>"))
    drill.tag(fig.data[0], [{"company": [c], "company_role": ["attributed"]} for c in d["company_name"]])
    top = int(d["allegation_count"].max() or 1)
    fig.update_xaxes(title=t("alleg_count_axis", lang), range=[0, top * 1.12], tickformat=",d",
                     dtick=1 if top <= 10 else None)
    fig.update_yaxes(automargin=True)
    fig.add_annotation(text=t("alleg_company_note", lang, n=MIN_COUNT), xref="paper", yref="paper", x=0, y=1,
                       xanchor="left", yanchor="bottom", showarrow=False, font={"size": 12, "color": "#555"})
    fig = _layout(fig, t("alleg_company_title", lang, n=top_n),
                  height=max(300, 130 + _row_px(ylabels, 30) * len(d)), legend=False)
    fig.update_layout(margin={"t": 80, "r": int(label_px(text)) + 16, "l": int(label_px(ylabels)) + 12})
    return fig


def make_code_bar(df: pd.DataFrame, code_col: str, list_name: str, value_col: str, title: str,
                  lang: str = "en", share_col: str | None = None) -> go.Figure:
    """Horizontal bar of counts per code, largest first, colours from the code list. When
    ``list_name`` is a filter field (conduct, method), clicking a bar filters to its code."""
    d = df.sort_values([value_col, code_col], ascending=[True, False])
    text = ([f"{n:,} ({pct_text(s)})" for n, s in zip(d[value_col], d[share_col])] if share_col
            else [f"{n:,}" for n in d[value_col]])
    labels = [wrap_label(code_label(list_name, c, lang), BAR_LABEL_UNITS) for c in d[code_col]]
    fig = go.Figure(go.Bar(
        x=d[value_col], y=labels, orientation="h",
        marker_color=[codes.color(list_name, c) for c in d[code_col]], text=text, textposition="outside",
        cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    if list_name in FIELD_BY_NAME:  # a click on a bar: the view narrows to that code
        drill.tag(fig.data[0], [{list_name: [c]} for c in d[code_col]])
    fig.update_xaxes(range=[0, float(d[value_col].max() or 1) * 1.12])
    fig.update_xaxes(title=t("complaints", lang) if "complaint" in value_col else t("incidents", lang))
    _count_axis(fig, "x", d[value_col].max() if len(d) else 0)
    fig.update_yaxes(automargin=True)
    fig = _layout(fig, title, height=max(300, 70 + _row_px(labels) * len(d)), legend=False)
    # the count text sits right of the longest bar: room for it in the right margin
    fig.update_layout(margin={"r": int(label_px(text)) + 16, "l": int(label_px(labels)) + 12})
    return fig


def make_code_trend(df: pd.DataFrame, code_col: str, list_name: str, title: str, lang: str = "en",
                    top_n: int = 8) -> go.Figure:
    """Monthly lines of the ``top_n`` codes (by total) from a ``received_month`` × code frame.
    Clicking a point filters to that code (when a filter field) and month."""
    totals = df.groupby(code_col)["complaint_count"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top_n])
    fig = go.Figure()
    months = pd.date_range(pd.to_datetime(df["received_month"]).min(), pd.to_datetime(df["received_month"]).max(),
                           freq="MS") if len(df) else []
    covered = set(pd.to_datetime(df["received_month"]))
    for c in [c for c in codes.codes(list_name) if c in keep]:
        # months covered by the data but without this code are 0; months not covered stay gaps
        sub = df[df[code_col] == c].set_index(pd.to_datetime(df.loc[df[code_col] == c, "received_month"]))
        sub = sub.reindex(months)
        sub["complaint_count"] = [(0 if m in covered else None) if pd.isna(v) else v
                                  for m, v in zip(sub.index, sub["complaint_count"])]
        sub["received_month"] = sub.index
        fig.add_scatter(x=sub["received_month"], y=sub["complaint_count"], mode="lines+markers",
                        name=codes.label(list_name, c, lang), line={"color": codes.color(list_name, c)})
        if list_name in FIELD_BY_NAME:  # a click: that code in that month
            drill.tag(fig.data[-1], [{**drill.month_target(m), list_name: [c]} for m in sub["received_month"]])
    fig.update_xaxes(title=t("month", lang))
    fig.update_yaxes(title=t("complaints", lang), rangemode="tozero")
    _count_axis(fig, "y", df.loc[df[code_col].isin(keep), "complaint_count"].max() if len(df) else 0)
    _month_axis(fig)
    return _layout(fig, title, height=440)


def _cell_text(v: int, dense: bool = False) -> str:
    """A heatmap cell's number, short enough for a narrow cell: exact up to 9999, then
    "12k" / "1.2M" (the hover and the data export give the exact count); 0 is left blank.
    ``dense`` (many columns, so cells about 18 px wide in a 1024 px window): at most three
    characters, exact up to 999, then "2k" … "999k", "1M" … ."""
    if not v:
        return ""
    if dense and v >= 1000:
        return f"{round(v / 1000)}k" if v < 999_500 else f"{max(1, round(v / 1_000_000))}M"
    if v < 10_000:
        return str(v)
    if v < 1_000_000:
        return f"{v / 1000:.0f}k"
    return f"{v / 1_000_000:.1f}M"


def make_cooccurrence_heatmap(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Conduct × conduct heatmap of ``query_conduct_cooccurrence``.

    Cells: complaints with both conducts (``_cell_text``; blank when none). The diagonal (a
    conduct with itself = its own count) would dwarf every pair, so it is left out of the
    colour scale and blank; its count is in the hover (and in "Complaints by conduct"); the
    page says so under the chart (``cooccur_note``). Row
    labels are wrapped (``HEATMAP_LABEL_UNITS``), column labels are whole and slanted; both
    margins are sized from the labels so no label is cut. Clicking a cell filters to the
    complaints with both conducts (``conduct_match=all``); a diagonal cell to its conduct."""
    present = [c for c in codes.codes("conduct") if c in set(df["conduct_a"])]
    present += sorted(c for c in set(df["conduct_a"]) if not codes.is_code("conduct", c))
    grid = (df.pivot_table(index="conduct_a", columns="conduct_b", values="complaint_count", aggfunc="sum")
            .reindex(index=present, columns=present).fillna(0).astype("int64"))
    names = [codes.label("conduct", c, lang) for c in present]
    ylabels = [wrap_label(x, HEATMAP_LABEL_UNITS) for x in names]
    z = grid.values.astype(float)
    dense = len(present) > 12
    text = [["" if i == j else _cell_text(int(v), dense) for j, v in enumerate(row)]
            for i, row in enumerate(grid.values)]
    hover = [[t("cooccur_hover_self" if i == j else "cooccur_hover", lang, a=names[i], b=names[j], n=f"{v:,}")
              for j, v in enumerate(row)] for i, row in enumerate(grid.values)]
    z[z == 0] = float("nan")  # no complaint with both: blank, as the note says (0 would be the palest orange)
    for i in range(len(present)):
        z[i][i] = float("nan")
    # Cell numbers at a fixed size (plotly would otherwise shrink them to the cell); plotly
    # writes each in dark or white from the cell's colour, so they stay readable. No colour
    # bar: the numbers are in the cells, and the grid gets its width.
    fig = go.Figure(go.Heatmap(z=z, x=names, y=ylabels, colorscale="Oranges", zmin=0, xgap=1, ygap=1,
                               text=text, texttemplate="%{text}", textfont={"size": 10 if dense else 13},
                               hoverinfo="skip", showscale=False))
    rows = _row_px(ylabels, 30)
    # clickable cells: a pair filters to complaints with both conducts, the diagonal to one
    cells = [(i, j) for i in range(len(present)) for j in range(len(present))]
    fig.add_trace(drill.cell_overlay(
        [names[j] for i, j in cells], [ylabels[i] for i, j in cells],
        [{"conduct": [present[i]]} if i == j else {"conduct": [present[i], present[j]], "conduct_match": ["all"]}
         for i, j in cells], [hover[i][j] for i, j in cells], size=min(rows, 36)))
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False, tickfont={"size": 12})
    fig.update_xaxes(tickangle=-60, automargin=True, showgrid=False, tickfont={"size": 12})
    x_px = label_px(names, 12) * 0.87  # column labels slanted at 60°: their height below the grid
    fig = _layout(fig, t("cooccur_title", lang), height=int(84 + x_px + rows * len(present)), legend=False)
    # the first slanted column label reaches left of the grid by half its length
    fig.update_layout(margin={"l": int(max(label_px(ylabels, 12), label_px(names[:1], 12) * 0.5)) + 14,
                              "b": int(x_px) + 16, "r": 16})
    return fig


def make_company_conduct_bar(df: pd.DataFrame, lang: str = "en", top_n: int = 15) -> go.Figure:
    """Stacked horizontal bars of ``query_company_conduct``: companies by conduct.

    At most ``MAX_COLOURS`` colours: the ``MAX_COLOURS - 1`` conducts with most complaints
    across the companies shown keep their colour, the rest are summed as "Other conducts"
    (grey). A complaint counts once per conduct (multi-label), so a bar can be longer than
    the company's complaints; the y label gives those (n=…: its complaints with a conduct
    label, which a note under the chart says, as the Companies page counts all of them).
    Clicking a segment filters to the company and its conduct(s)."""
    order = list(dict.fromkeys(df["company_name"]))
    totals = df.drop_duplicates("company_name").set_index("company_name")["company_complaint_count"]
    companies = order[::-1]
    ylabels = [n_label(wrap_label(c, COMPANY_LABEL_UNITS, escape=True), totals[c], lang) for c in companies]
    by_conduct = df.groupby("conduct_code")["complaint_count"].sum()
    ranked = sorted(by_conduct.index, key=lambda c: (-by_conduct[c], codes.codes("conduct").index(c)
                                                      if codes.is_code("conduct", c) else 999, c))
    keep = ranked[:MAX_COLOURS - 1] if len(ranked) > MAX_COLOURS else ranked
    rest = [c for c in ranked if c not in keep]
    groups = [(codes.label("conduct", c, lang), codes.color("conduct", c), [c])
              for c in codes.codes("conduct") if c in keep]
    groups += [(str(c), OTHER_COLOUR, [c]) for c in keep if not codes.is_code("conduct", c)]
    if rest:
        groups.append((t("other_conducts", lang, n=len(rest)), OTHER_COLOUR, rest))
    fig = go.Figure()
    for name, colour, members in groups:
        sub = (df[df["conduct_code"].isin(members)].groupby("company_name")["complaint_count"].sum()
               .reindex(companies).fillna(0).astype("int64"))
        fig.add_bar(y=ylabels, x=sub.values, orientation="h", name=name, marker_color=colour,
                    hovertemplate="%{y}<br>" + html.escape(name) + ": %{x:,}<extra></extra>")
        drill.tag(fig.data[-1], [{"company": [c], "company_role": ["attributed"], "conduct": members}
                                 for c in companies])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("complaints_per_conduct", lang))
    _count_axis(fig, "x", df.groupby("company_name")["complaint_count"].sum().max() if len(df) else 0)
    fig.update_yaxes(automargin=True)
    note = wrap_label(t("company_conduct_note", lang), NOTE_UNITS)
    note_px = 17 * (note.count("<br>") + 1)
    fig = _layout(fig, t("company_title", lang, n=top_n),
                  height=max(380, 130 + _row_px(ylabels, 30) * len(companies)) + note_px)
    left = int(label_px(ylabels)) + 12
    # under the whole figure, from its left edge (the plot is narrowed by labels and legend)
    fig.add_annotation(name=CHART_NOTE, text=note, xref="paper", yref="paper", x=0, y=0, xshift=-left + 4, yshift=-52,
                       xanchor="left", yanchor="top", align="left", showarrow=False,
                       font={"size": 12, "color": "#555"})
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top",
                              "traceorder": "normal"},
                      margin={"l": left, "b": 60 + note_px})
    return fig


def make_outcome_mix_bar(df: pd.DataFrame, channel: str, lang: str = "en") -> go.Figure:
    """100 % stacked bars of ``query_channel_outcomes``: outcome shares per channel.
    Clicking a segment filters to the channel and outcome."""
    list_name = channel
    d = df.copy()
    for col in ("channel_code", "outcome_code"):  # object columns: None stays None (a str column makes it NaN)
        d[col] = pd.Series([None if is_missing(v) else v for v in df[col]], index=df.index, dtype=object)
    chans = [c for c in codes.codes(list_name) if c in set(d["channel_code"].dropna())]
    chans += sorted({c for c in d["channel_code"].dropna() if not codes.is_code(list_name, c)})
    if d["channel_code"].isna().any():
        chans.append(None)
    totals = {c: int(d.loc[d["channel_code"].isna() if c is None else d["channel_code"] == c, "complaint_count"].sum())
              for c in chans}
    # every row carries the complaints it rests on: "Web (n=1,234)"
    ylabels = [n_label(code_label(list_name, c, lang), totals[c], lang) for c in chans][::-1]
    fig = go.Figure()
    outcomes = codes.codes("outcome") + ([None] if d["outcome_code"].isna().any() else [])
    for o in outcomes:
        sub = d[d["outcome_code"].isna()] if o is None else d[d["outcome_code"] == o]
        if sub.empty:
            continue
        share = {r.channel_code: (r.share_pct, r.complaint_count) for r in sub.itertuples()}
        xs = [share.get(c, (0, 0))[0] for c in chans][::-1]
        ns = [share.get(c, (0, 0))[1] for c in chans][::-1]
        name = code_label("outcome", o, lang)
        fig.add_bar(y=ylabels, x=xs, orientation="h", name=name,
                    marker_color=codes.color("outcome", o), customdata=ns,
                    hovertemplate="%{y}<br>" + html.escape(name) + ": %{x:.1f}% · "
                    + t("hover_complaints", lang, n="%{customdata:,}") + "<extra></extra>")
        # a click: that channel and outcome (values not recorded cannot be filtered to)
        drill.tag(fig.data[-1], [None if c is None or o is None else {channel: [c], "outcome": [o]}
                                 for c in chans[::-1]])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("share_pct", lang), range=[0, 100], ticksuffix="%")
    fig.update_yaxes(automargin=True)
    channel_name = t("ch_filed_with" if channel == "filed_with" else "ch_medium", lang)
    fig = _layout(fig, t("outcome_mix_title", lang, channel=channel_name), height=max(360, 190 + 40 * len(chans)))
    # nine outcomes do not fit beside the title: _layout puts the legend under the chart
    fig.update_layout(legend={"traceorder": "normal"}, margin={"r": 28, "l": int(label_px(ylabels)) + 12})
    return fig


def make_channel_timeliness_bar(df: pd.DataFrame, channel: str, lang: str = "en") -> go.Figure:
    """Bars of ``query_channel_summary``: timely-response rate per channel, with median days.
    Clicking a bar filters to the channel."""
    d = df.copy()
    labels = [code_label(channel, c, lang) for c in d["channel_code"]]
    text = [f"{r:.1f}% · {t('median_days', lang)} {m:.0f}" if pd.notna(r) and pd.notna(m)
            else (f"{r:.1f}%" if pd.notna(r) else "–")
            for r, m in zip(d["timely_rate_pct"], d["median_response_days"])]
    fig = go.Figure(go.Bar(x=d["timely_rate_pct"], y=labels, orientation="h", text=text, textposition="auto",
                           marker_color=[codes.color(channel, None if is_missing(c) else c)
                                         for c in d["channel_code"]]))
    drill.tag(fig.data[0], [None if is_missing(c) else {channel: [c]} for c in d["channel_code"]])
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("timely_rate", lang), range=[0, 105], ticksuffix="%")
    channel_name = t("ch_filed_with" if channel == "filed_with" else "ch_medium", lang)
    return _layout(fig, t("channel_summary_title", lang, channel=channel_name),
                   height=max(280, 120 + 40 * len(d)), legend=False)


def make_channel_sankey(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Sankey of ``query_channel_flow``: submission medium → filed with → outcome."""
    nodes: list[str] = []
    colors: list[str] = []
    index: dict[tuple[str, object], int] = {}

    def node(kind: str, code) -> int:
        code = None if is_missing(code) else code  # NaN != NaN: one "not recorded" node per column
        key = (kind, code)
        if key not in index:
            index[key] = len(nodes)
            nodes.append(code_label(kind, code, lang))
            colors.append(codes.color(kind, code))
        return index[key]

    d = df.copy()
    for kind, col in (("submission_medium", "submission_medium"), ("filed_with", "filed_with"),
                      ("outcome", "outcome_code")):
        present = set(d[col].dropna())
        for c in codes.codes(kind):
            if c in present:
                node(kind, c)
        if d[col].isna().any():
            node(kind, None)
    src, dst, val = [], [], []
    a = d.groupby(["submission_medium", "filed_with"], dropna=False)["complaint_count"].sum().reset_index()
    for r in a.itertuples():
        src.append(node("submission_medium", r.submission_medium)); dst.append(node("filed_with", r.filed_with))
        val.append(int(r.complaint_count))
    b = d.groupby(["filed_with", "outcome_code"], dropna=False)["complaint_count"].sum().reset_index()
    for r in b.itertuples():
        src.append(node("filed_with", r.filed_with)); dst.append(node("outcome", r.outcome_code))
        val.append(int(r.complaint_count))
    fig = go.Figure(go.Sankey(
        node={"label": nodes, "color": colors, "pad": 14, "thickness": 16},
        link={"source": src, "target": dst, "value": val, "color": "rgba(120,120,120,0.25)"},
        arrangement="snap",
    ))
    return _layout(fig, t("flow_title", lang), height=460, legend=False)


def make_call_timeline(calls: pd.DataFrame, jurisdiction: str, lang: str = "en") -> go.Figure:
    """One complaint's calls as points, date × clock time, with the jurisdiction's forbidden
    hours shaded (CN-TIME-01: 22:00–08:00; US-TIME-01: before 08:00 and after 21:00), colour by
    answered / unanswered / not recorded.

    ``calls``: ``query_complaint_evidence(...)["calls"]`` (``occurred_at``, ``is_connected``,
    ``method_code``, ``duration_seconds``). The y value is the hour with minutes as a fraction
    (22:30 → 22.5).
    """
    df = calls[calls["occurred_at"].notna()].copy()
    at = pd.to_datetime(df["occurred_at"])
    df["day"] = at.dt.normalize()
    df["clock"] = at.dt.hour + at.dt.minute / 60 + at.dt.second / 3600
    df["state"] = ["unknown" if pd.isna(v) else ("answered" if v else "unanswered") for v in df["is_connected"]]
    fig = go.Figure()
    rule = TIME_WINDOW_RULES.get(jurisdiction)
    if rule is not None:
        for y0, y1 in ((0, rule.permitted_start_min / 60), (rule.permitted_end_min / 60, 24)):
            fig.add_hrect(y0=y0, y1=y1, fillcolor=FORBIDDEN_FILL, line_width=0, layer="below")
        fig.add_annotation(x=0.0, xref="paper", xanchor="left", y=(rule.permitted_end_min / 60 + 24) / 2,
                           text=t("tl_forbidden", lang, rule=rule.rule_id), showarrow=False,
                           font={"color": FORBIDDEN_LINE, "size": 12})
    colours = {"answered": "#0072B2", "unanswered": "#D55E00", "unknown": "#999999"}
    for state in ("answered", "unanswered", "unknown"):
        sub = df[df["state"] == state]
        if sub.empty:
            continue
        hover = [f"{pd.Timestamp(a):%Y-%m-%d %H:%M:%S} · {codes.label('method', m, lang)}"
                 + (f" · {int(d)} s" if pd.notna(d) else "")
                 for a, m, d in zip(sub["occurred_at"], sub["method_code"], sub["duration_seconds"])]
        fig.add_scatter(x=sub["day"], y=sub["clock"], mode="markers", name=t(f"tl_{state}", lang),
                        marker={"color": colours[state], "size": 10, "line": {"width": 1, "color": "white"},
                                "symbol": "circle" if state == "answered" else "x" if state == "unanswered"
                                else "diamond"},
                        hovertext=hover, hoverinfo="text")
    fig.update_yaxes(range=[0, 24], tickvals=list(range(0, 25, 2)), ticktext=[f"{h:02d}:00" for h in range(0, 25, 2)],
                     title=t("tl_clock", lang))
    fig.update_xaxes(title=t("tl_date", lang), tickformat="%Y-%m-%d")
    if len(df):  # half a day of room on each side, so points are not cut at the edges
        first, last = df["day"].min(), df["day"].max()
        fig.update_xaxes(range=[first - pd.Timedelta(hours=12), last + pd.Timedelta(hours=12)],
                         dtick=86400000 if (last - first).days <= 14 else None)
    title = t("tl_title", lang, n=len(df))
    return upright_y_titles(_layout(fig, title, height=440), lang)
