"""What every export states besides the chart itself: filter in words, sources with their
date spans, totals and coverage, rule ids, suppression setting, and file names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from analysis import queries
from analysis.charts import ChartSpec
from analysis.export.suppress import DEFAULT_K
from analysis.filters import Filter, build_where, describe
from analysis.i18n import t
from analysis.rules import TIME_WINDOW_RULES

PRODUCT_SLUG = "collection-watch"
FORMATS = ("png", "svg", "pdf", "csv", "xlsx")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip"}
_LABEL_SOURCES = {"all": None, "structured": ("field", "issue_code"), "narrative": ("narrative",)}


@dataclass(frozen=True)
class ExportOptions:
    """``suppress``: small-number suppression (on by default for exports) with threshold
    ``k``; ``width``: image width in CSS pixels; ``scale``: PNG pixel ratio (≥ 2)."""

    suppress: bool = True
    k: int = DEFAULT_K
    width: int = 900
    scale: float = 2.0


@dataclass
class ExportContext:
    """Facts about one filter and language, computed once per export or report pack.

    ``filter_text``: the filter in words. ``sources``: one row per source in the view
    (``source``, ``name``, ``publisher``, ``complaint_count``, ``first_received_date``,
    ``last_received_date``). ``kpis``: ``queries.query_kpis``. ``rule_ids``: rule ids of
    the conduct labels in the view, sorted. ``narrative_count``: complaints with a narrative.
    """

    flt: Filter
    lang: str
    filter_text: str
    sources: pd.DataFrame
    kpis: dict
    rule_ids: list[str]
    narrative_count: int
    day: date = field(default_factory=date.today)

    def source_text(self) -> str:
        """"Name 2019-01-02–2020-12-30; …" for the sources in the view."""
        parts = []
        for r in self.sources.itertuples():
            span = ""
            if pd.notna(r.first_received_date):
                span = f" {pd.Timestamp(r.first_received_date):%Y-%m-%d}–{pd.Timestamp(r.last_received_date):%Y-%m-%d}"
            parts.append(f"{r.name}{span}")
        return "; ".join(parts) if parts else t("x_no_sources", self.lang)

    def exact_time_share(self) -> float | None:
        """Percent of incidents in the view with an exact clock time (None without incidents)."""
        total = self.kpis.get("incident_count") or 0
        return None if not total else 100.0 * (self.kpis.get("exact_time_incident_count") or 0) / total


def query_source_spans(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str) -> pd.DataFrame:
    """Sources in the filtered view with their complaint counts and received-date spans
    (within the filter). Columns: ``source``, ``name``, ``publisher``, ``is_synthetic``,
    ``complaint_count``, ``first_received_date``, ``last_received_date``."""
    w, p = build_where(flt, "complaint")
    name = "name_zh" if lang == "zh" else "name_en"
    return con.execute(f"""
        WITH f AS (SELECT source, count(*) AS complaint_count, min(received_date) AS first_received_date,
                          max(received_date) AS last_received_date
                   FROM mart_complaint_facts WHERE {w} GROUP BY source)
        SELECT f.source, coalesce(nullif(s.{name}, ''), f.source) AS name, s.publisher, s.is_synthetic,
               f.complaint_count, f.first_received_date, f.last_received_date
        FROM f LEFT JOIN meta_sources s USING (source)
        ORDER BY f.complaint_count DESC, f.source""", p).df()


def query_conduct_rule_ids(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[str]:
    """Rule ids carried by the conduct labels of the filtered complaints (the label source
    of the filter), sorted."""
    w, p = build_where(flt, "complaint")
    srcs = _LABEL_SOURCES[flt.label_source]
    extra = f" AND l.label_source IN ({', '.join('?' * len(srcs))})" if srcs else ""
    rows = con.execute(f"""
        SELECT DISTINCT l.rule_id FROM core_complaint_labels l
        WHERE l.label_kind = 'conduct' AND l.rule_id IS NOT NULL{extra}
          AND l.complaint_id IN (SELECT complaint_id FROM mart_complaint_facts WHERE {w})
        ORDER BY l.rule_id""", list(srcs or ()) + p).fetchall()
    return [r[0] for r in rows]


def make_context(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str, day: date | None = None) -> ExportContext:
    """Compute the ``ExportContext`` of ``flt`` in ``lang`` (validates the filter: raises
    ``FilterError``)."""
    flt.validate()
    sources = query_source_spans(con, flt, lang)
    names = dict(zip(sources["source"], sources["name"]))
    w, p = build_where(flt, "complaint")
    narr = con.execute(f"SELECT count(*) FILTER (WHERE has_narrative) FROM mart_complaint_facts WHERE {w}",
                       p).fetchone()[0]
    return ExportContext(flt, lang, describe(flt, lang, names), sources, queries.query_kpis(con, flt),
                         query_conduct_rule_ids(con, flt), int(narr or 0), day or date.today())


def chart_rule_ids(spec: ChartSpec, frame: pd.DataFrame, ctx: ExportContext) -> list[str]:
    """Rule ids a chart's flags rest on: the time-window rule of a heatmap's jurisdiction;
    the time rules of the jurisdictions in a time chart; else the rule ids of the conduct
    labels in the view."""
    if spec.name.startswith("time_heatmap_"):
        jur = spec.name.rsplit("_", 1)[1].upper()
        return [TIME_WINDOW_RULES[jur].rule_id] if jur in TIME_WINDOW_RULES else []
    if spec.time_coverage and "jurisdiction" in frame.columns:
        return [TIME_WINDOW_RULES[j].rule_id for j in sorted(set(frame["jurisdiction"])) if j in TIME_WINDOW_RULES]
    return list(ctx.rule_ids)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(page: str, chart: str | None, lang: str, ext: str, day: date) -> str:
    """``collection-watch_<page>_<chart>_<YYYY-MM-DD>_<lang>.<ext>`` (chart omitted for a
    whole-page or report file), e.g.
    ``collection-watch_time_of_day_time-heatmap-cn_2026-11-29_zh.png``."""
    parts = [PRODUCT_SLUG, page] + ([_slug(chart)] if chart else []) + [day.isoformat(), lang]
    return "_".join(parts) + "." + ext
