"""The chart catalogue: every chart of every page, defined once.

A ``ChartSpec`` names the query that feeds a chart, the figure builder, what its count
rests on (complaints or incidents) and which page shows it. Pages render charts from here
and the export engine builds the same charts for files and report packs, so a chart on
screen and in a report are the same chart.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Mapping

import duckdb
import pandas as pd
import plotly.graph_objects as go

from analysis import codes, companies, figures, places, queries, trends
from analysis.filters import Filter
from analysis.i18n import t

@dataclass(frozen=True)
class ChartSpec:
    """One chart.

    ``name``: stable id (widget keys, file names). ``page``: page key. ``query``: a query
    name for ``analysis.queries.query_function`` (``query_x`` or ``analysis.mod:query_x``),
    called as ``query(con, flt, *query_args(choices))``. ``make``:
    ``(frame, lang) -> Figure``. ``unit``: ``complaints`` or ``incidents`` (what the chart
    counts). ``count``: ``(frame, kpis) -> int``, the number of records the chart rests on.
    ``has_rule_flags``: the chart shows flags derived from RULEBOOK rules (footnote).
    ``time_coverage``: the chart uses incident times (footnote on partial coverage).
    """

    name: str
    page: str
    query: str
    make: Callable[[pd.DataFrame, str], go.Figure]
    unit: str
    count: Callable[[pd.DataFrame, dict], int]
    args: tuple | Callable[[dict], tuple] = ()
    has_rule_flags: bool = False
    time_coverage: bool = False
    select: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    title_key: str = ""
    title_values: Callable[[str], dict] | None = None

    def query_args(self, choices: Mapping[str, str] | None = None) -> tuple:
        """The query's arguments after ``flt``: ``args`` itself, or, when ``args`` is a
        callable, ``args(choices)`` – the page's choices (URL values such as
        ``{"period": "month"}``; empty for a report pack, so it must supply defaults)."""
        return tuple(self.args(dict(choices or {}))) if callable(self.args) else tuple(self.args)

    def title(self, lang: str) -> str:
        """The chart's title in ``lang`` (the same string its figure draws)."""
        return t(self.title_key, lang, **(self.title_values(lang) if self.title_values else {}))


def _complaints(frame: pd.DataFrame, kpis: dict) -> int:
    return int(kpis["complaint_count"])


def _sum(col: str) -> Callable[[pd.DataFrame, dict], int]:
    return lambda frame, kpis: int(frame[col].sum()) if len(frame) else 0


def _heatmap(jur: str) -> ChartSpec:
    return ChartSpec(
        f"time_heatmap_{jur.lower()}", "time_of_day", "query_incidents_by_hour_weekday",
        lambda d, lang: figures.make_hour_weekday_heatmap(d, jur, lang), "incidents", _sum("incident_count"),
        has_rule_flags=True, time_coverage=True, select=lambda d: d[d["jurisdiction"] == jur].reset_index(drop=True),
        title_key="heatmap_title", title_values=lambda lang: {"jur": codes.label("jurisdiction", jur, lang)})


def _channel(channel: str) -> Callable[[str], dict]:
    return lambda lang: {"channel": t("ch_filed_with" if channel == "filed_with" else "ch_medium", lang)}


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("overview_monthly_trend", "overview", "query_complaints_by_month", figures.make_monthly_trend,
              "complaints", _complaints, has_rule_flags=True, title_key="trend_title"),
    ChartSpec("time_coverage", "time_of_day", "query_time_coverage", figures.make_time_coverage_bar, "incidents",
              _sum("incident_count"), time_coverage=True, title_key="coverage_title"),
    _heatmap("CN"), _heatmap("US"), _heatmap("UK"),
    ChartSpec("time_outside_share_trend", "time_of_day", "query_outside_share_by_month",
              figures.make_outside_share_trend, "incidents", _sum("exact_time_incident_count"),
              has_rule_flags=True, time_coverage=True, title_key="outside_trend_title"),
    ChartSpec("conduct_counts", "methods_conduct", "query_conduct_counts",
              lambda d, lang: figures.make_code_bar(d, "conduct_code", "conduct", "complaint_count",
                                                    t("conduct_title", lang), lang, share_col="share_pct"),
              "complaints", _complaints, has_rule_flags=True, title_key="conduct_title"),
    ChartSpec("method_counts", "methods_conduct", "query_method_counts",
              lambda d, lang: figures.make_code_bar(d, "method_code", "method", "complaint_count",
                                                    t("method_title", lang), lang),
              "complaints", _complaints, title_key="method_title"),
    ChartSpec("conduct_trend", "methods_conduct", "query_conduct_by_month",
              lambda d, lang: figures.make_code_trend(d, "conduct_code", "conduct", t("conduct_trend_title", lang),
                                                      lang),
              "complaints", _complaints, has_rule_flags=True, title_key="conduct_trend_title"),
    ChartSpec("conduct_cooccurrence", "methods_conduct", "query_conduct_cooccurrence",
              figures.make_cooccurrence_heatmap, "complaints", _complaints, has_rule_flags=True,
              title_key="cooccur_title"),
    ChartSpec("company_conduct", "methods_conduct", "query_company_conduct",
              lambda d, lang: figures.make_company_conduct_bar(d, lang, 15), "complaints",
              lambda d, k: int(d.drop_duplicates("company_name")["company_complaint_count"].sum()) if len(d) else 0,
              args=(15,), has_rule_flags=True, title_key="company_title", title_values=lambda lang: {"n": 15}),
    ChartSpec("outcome_mix_filed_with", "channels_outcomes", "query_channel_outcomes",
              lambda d, lang: figures.make_outcome_mix_bar(d, "filed_with", lang), "complaints", _complaints,
              args=("filed_with",), title_key="outcome_mix_title", title_values=_channel("filed_with")),
    ChartSpec("outcome_mix_submission_medium", "channels_outcomes", "query_channel_outcomes",
              lambda d, lang: figures.make_outcome_mix_bar(d, "submission_medium", lang), "complaints", _complaints,
              args=("submission_medium",), title_key="outcome_mix_title",
              title_values=_channel("submission_medium")),
    ChartSpec("channel_timeliness_filed_with", "channels_outcomes", "query_channel_summary",
              lambda d, lang: figures.make_channel_timeliness_bar(d, "filed_with", lang), "complaints", _complaints,
              args=("filed_with",), title_key="channel_summary_title", title_values=_channel("filed_with")),
    ChartSpec("channel_timeliness_submission_medium", "channels_outcomes", "query_channel_summary",
              lambda d, lang: figures.make_channel_timeliness_bar(d, "submission_medium", lang), "complaints",
              _complaints, args=("submission_medium",), title_key="channel_summary_title",
              title_values=_channel("submission_medium")),
    ChartSpec("channel_flow", "channels_outcomes", "query_channel_flow", figures.make_channel_sankey, "complaints",
              _complaints, title_key="flow_title"),
    # --- companies (issue 10) ---
    *companies.chart_specs(ChartSpec),  # ChartSpec passed in: companies does not import the catalogue
    # --- trends (issue 10) ---
    *trends.chart_specs(ChartSpec),  # ChartSpec passed in: trends does not import the catalogue
    # --- places (issue 10) ---
    *places.chart_specs(ChartSpec),  # ChartSpec passed in: places does not import the catalogue
    # --- readability (issue 10) ---
    # Allegations of contact outside the permitted hours without a clock time (CFPB sub-issue):
    # shares of the complaints in the filter, never placed on an hour. n = those complaints.
    ChartSpec("time_allegation_share", "time_of_day", "query_allegations_by_month",
              figures.make_allegation_share_trend, "complaints", _sum("complaint_count"), has_rule_flags=True,
              time_coverage=True, title_key="alleg_month_title"),
    ChartSpec("time_allegation_companies", "time_of_day", "query_allegations_by_company",
              lambda d, lang: figures.make_allegation_company_bar(d, lang, 15), "complaints",
              _sum("complaint_count"), args=(15,), has_rule_flags=True, title_key="alleg_company_title",
              title_values=lambda lang: {"n": 15}),
)
CHART_BY_NAME = {c.name: c for c in CHARTS}
# The pages that draw charts, in menu order (the order of CHARTS).
PAGES: tuple[str, ...] = tuple(dict.fromkeys(c.page for c in CHARTS))


@dataclass
class BuiltChart:
    """A chart built for one filter and language: ``spec``, its data ``frame``, the
    ``figure`` (None when the data is empty) and ``n`` records it rests on."""

    spec: ChartSpec
    frame: pd.DataFrame
    figure: go.Figure | None
    n: int


def build_chart(con: duckdb.DuckDBPyConnection, name: str, flt: Filter, lang: str,
                kpis: dict | None = None, frame: pd.DataFrame | None = None,
                choices: Mapping[str, str] | None = None) -> BuiltChart:
    """Query and draw chart ``name`` for ``flt`` in ``lang``.

    ``kpis`` (from ``query_kpis``) and ``frame`` may be passed when already computed;
    ``choices`` are the page's choices (``ChartSpec.query_args``).
    Raises ``KeyError`` for an unknown chart name.
    """
    spec = CHART_BY_NAME[name]
    if frame is None:
        frame = queries.query_function(spec.query)(con, flt, *spec.query_args(choices))
    if spec.select is not None:
        frame = spec.select(frame)
    if kpis is None:
        kpis = queries.query_kpis(con, flt)
    n = spec.count(frame, kpis)
    fig = figures.upright_y_titles(spec.make(frame, lang), lang) if len(frame) and n > 0 else None
    return BuiltChart(spec, frame, fig, n)


def chart_hook(spec: ChartSpec, table: str, own: Mapping[str, Callable]) -> Callable | None:
    """A per-chart export hook: ``own[spec.name]`` (the export module's table), else the entry
    for ``spec.name`` in the dict named ``table`` (``"SUPPRESSORS"``, ``"DESCRIBERS"``) of the
    module holding the chart's query (``"analysis.places:query_region_counts"`` →
    ``analysis.places.SUPPRESSORS``), so a page module keeps its charts' hooks beside its
    queries. None when neither has one."""
    fn = own.get(spec.name)
    if fn is None and ":" in spec.query:
        module = spec.query.split(":", 1)[0]
        if module.startswith("analysis."):
            fn = getattr(importlib.import_module(module), table, {}).get(spec.name)
    return fn


def charts_of(page: str) -> list[ChartSpec]:
    """Specs of one page, in display order."""
    return [c for c in CHARTS if c.page == page]
