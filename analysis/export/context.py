"""What every view and export states besides the chart itself: filter in words, sources with
their date spans (``ViewContext``, shared by the dashboard's captions and the exports), and
for files also totals and coverage, rule ids, suppression setting and file names
(``ExportContext``).
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
from analysis.filters import CORE_LABEL_SOURCES, Filter, build_where, describe
from analysis.i18n import stored_value, t
from analysis.reviews import counted_labels
from analysis.rules import TIME_WINDOW_RULES

PRODUCT_SLUG = "collection-watch"
FORMATS = ("png", "svg", "pdf", "csv", "xlsx")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip"}


@dataclass(frozen=True)
class ExportOptions:
    """``suppress``: small-number suppression (on by default for exports) with threshold
    ``k``; ``width``: image width in CSS pixels; ``scale``: PNG pixel ratio (≥ 2)."""

    suppress: bool = True
    k: int = DEFAULT_K
    width: int = 900
    scale: float = 2.0


@dataclass
class ViewContext:
    """What a view states besides its charts, computed once per filter and language and
    used both by the dashboard's captions and by every export, so the two cite the same
    words and the same date spans.

    ``filter_text``: the filter in words (display names of sources, labels of codes).
    ``sources``: one row per source in the view (``source``, ``name``, ``publisher``,
    ``is_synthetic``, ``complaint_count``, ``first_received_date``, ``last_received_date``:
    the received dates of the view's complaints of that source, within the filter;
    ``jurisdictions``: tuple of the jurisdictions of its complaints in the view).
    """

    flt: Filter
    lang: str
    filter_text: str
    sources: pd.DataFrame

    def source_text(self, jurisdictions: set[str] | None = None) -> str:
        """"Name 2019-01-02–2020-12-30; …" for the sources in the view; with ``jurisdictions``
        (``chart_jurisdictions``: a chart of some of them), only the sources with complaints
        there (a CN heatmap does not cite a US source)."""
        parts = []
        rows = self.sources
        if jurisdictions is not None and "jurisdictions" in rows.columns:
            rows = rows[[bool(set(j) & jurisdictions) for j in rows["jurisdictions"]]]
        for r in rows.itertuples():
            span = ""
            if pd.notna(r.first_received_date):
                span = f" {pd.Timestamp(r.first_received_date):%Y-%m-%d}–{pd.Timestamp(r.last_received_date):%Y-%m-%d}"
            parts.append(f"{r.name}{span}")
        return ("；" if self.lang == "zh" else "; ").join(parts) if parts else t("x_no_sources", self.lang)

    def source_names(self) -> dict[str, str]:
        """Source code → display name, for the sources in the view."""
        return dict(zip(self.sources["source"], self.sources["name"]))


@dataclass
class ExportContext(ViewContext):
    """A ``ViewContext`` plus the facts an export file states: ``kpis``
    (``queries.query_kpis``), ``rule_ids`` (rule ids of the conduct labels in the view,
    sorted), ``narrative_count`` (complaints with a narrative) and the export ``day``."""

    kpis: dict = field(default_factory=dict)
    rule_ids: list[str] = field(default_factory=list)
    narrative_count: int = 0
    day: date = field(default_factory=date.today)


def query_source_spans(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str) -> pd.DataFrame:
    """Sources in the filtered view with their complaint counts and received-date spans
    (within the filter). Columns: ``source``, ``name`` (display name in ``lang``, else the
    code), ``publisher``, ``is_synthetic``, ``complaint_count`` (int64),
    ``first_received_date``, ``last_received_date`` (dates). Counts and months come from the
    complaint cube (``queries.relation``); only the first and last month of each source are
    read from the facts for the exact days, so the cost does not grow with the database."""
    rel, p = queries.relation(flt, "complaint", ["source", "received_month"])
    name = "name_zh" if lang == "zh" else "name_en"
    months = con.execute(f"""
        WITH m AS (SELECT source, received_month, sum(n) AS n FROM {rel} f GROUP BY ALL HAVING sum(n) > 0)
        SELECT m.source, coalesce(nullif(any_value(s.{name}), ''), m.source) AS name, any_value(s.publisher) AS publisher,
               any_value(s.is_synthetic) AS is_synthetic, sum(m.n)::BIGINT AS complaint_count,
               min(m.received_month) AS first_month, max(m.received_month) AS last_month
        FROM m LEFT JOIN meta_sources s USING (source)
        GROUP BY m.source ORDER BY complaint_count DESC, m.source""", p).df()
    w, wp = build_where(flt, "complaint")
    firsts, lasts = [], []
    for r in months.itertuples():
        lo = pd.Timestamp(r.first_month).date()
        hi = pd.Timestamp(r.last_month).date()
        first = con.execute(f"""SELECT min(received_date) FROM mart_complaint_facts WHERE {w} AND source = ?
                                AND received_month = ?""", wp + [r.source, lo]).fetchone()[0]
        last = con.execute(f"""SELECT max(received_date) FROM mart_complaint_facts WHERE {w} AND source = ?
                               AND received_month = ?""", wp + [r.source, hi]).fetchone()[0]
        firsts.append(first)
        lasts.append(last)
    out = months.drop(columns=["first_month", "last_month"])
    out["publisher"] = out["publisher"].map(lambda v: stored_value("publisher", v, lang))
    out["first_received_date"] = pd.to_datetime(pd.Series(firsts, dtype="object"))
    out["last_received_date"] = pd.to_datetime(pd.Series(lasts, dtype="object"))
    jrel, jp = queries.relation(flt, "complaint", ["source", "jurisdiction"])
    jurs = dict(con.execute(f"SELECT source, list(DISTINCT jurisdiction ORDER BY jurisdiction) FROM {jrel} f "
                            "WHERE n > 0 AND jurisdiction IS NOT NULL GROUP BY source", jp).fetchall())
    out["jurisdictions"] = [tuple(jurs.get(s) or ()) for s in out["source"]]
    return out


def make_view(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str) -> ViewContext:
    """The ``ViewContext`` of ``flt`` in ``lang`` (validates the filter: raises
    ``FilterError``). The dashboard's captions and every export are built from it."""
    flt.validate()
    sources = query_source_spans(con, flt, lang)
    name = "name_zh" if lang == "zh" else "name_en"
    names = dict(con.execute(f"SELECT source, coalesce(nullif({name}, ''), source) FROM meta_sources").fetchall())
    return ViewContext(flt, lang, describe(flt, lang, names), sources)


def query_conduct_rule_ids(con: duckdb.DuckDBPyConnection, flt: Filter) -> list[str]:
    """Rule ids carried by the conduct labels of the filtered complaints (the label source
    of the filter), sorted. Only the labels that count (``analysis.reviews.counted_labels``, as
    in the marts): a label whose current review is 'reject' cites nothing."""
    w, p = build_where(flt, "complaint")
    srcs = CORE_LABEL_SOURCES[flt.label_source]
    extra = f" AND l.label_source IN ({', '.join('?' * len(srcs))})" if srcs else ""
    rows = con.execute(f"""
        SELECT DISTINCT l.rule_id FROM {counted_labels(con)} l
        WHERE l.label_kind = 'conduct' AND l.rule_id IS NOT NULL{extra}
          AND l.complaint_id IN (SELECT complaint_id FROM mart_complaint_facts WHERE {w})
        ORDER BY l.rule_id""", list(srcs or ()) + p).fetchall()
    return [r[0] for r in rows]


def make_context(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str, day: date | None = None,
                 view: ViewContext | None = None) -> ExportContext:
    """The ``ExportContext`` of ``flt`` in ``lang``: ``view`` (from ``make_view``; computed
    when not given) plus totals, rule ids and the narrative count. Raises ``FilterError``."""
    view = view if view is not None else make_view(con, flt, lang)
    w, p = build_where(flt, "complaint")
    narr = con.execute(f"SELECT count(*) FILTER (WHERE has_narrative) FROM mart_complaint_facts WHERE {w}",
                       p).fetchone()[0]
    return ExportContext(view.flt, view.lang, view.filter_text, view.sources, queries.query_kpis(con, flt),
                         query_conduct_rule_ids(con, flt), int(narr or 0), day or date.today())


def chart_jurisdictions(spec: ChartSpec, frame: pd.DataFrame) -> set[str] | None:
    """The jurisdictions a chart shows: a heatmap's own (``time_heatmap_cn`` → {"CN"}); those of
    a frame with a ``jurisdiction`` column; else None (the chart does not tell them apart)."""
    if spec.name.startswith("time_heatmap_"):
        return {spec.name.rsplit("_", 1)[1].upper()}
    if "jurisdiction" in frame.columns and len(frame):
        return {j for j in frame["jurisdiction"].dropna()}
    return None


def chart_rule_ids(spec: ChartSpec, frame: pd.DataFrame, ctx: ExportContext) -> list[str]:
    """Rule ids a chart's flags rest on: the time-window rule of a heatmap's jurisdiction;
    the time rules of the jurisdictions in a time chart; else the rule ids of the conduct
    labels in the view."""
    jurs = chart_jurisdictions(spec, frame)
    if jurs is not None and (spec.time_coverage or spec.name.startswith("time_heatmap_")):
        return [TIME_WINDOW_RULES[j].rule_id for j in sorted(jurs) if j in TIME_WINDOW_RULES]
    return list(ctx.rule_ids)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(page: str, chart: str | None, lang: str, ext: str, day: date) -> str:
    """``collection-watch_<page>_<chart>_<YYYY-MM-DD>_<lang>.<ext>`` (chart omitted for a
    whole-page or report file), e.g.
    ``collection-watch_time_of_day_time-heatmap-cn_2026-11-29_zh.png``."""
    parts = [PRODUCT_SLUG, page] + ([_slug(chart)] if chart else []) + [day.isoformat(), lang]
    return "_".join(parts) + "." + ext
