"""Export one chart or one page: images (PNG / SVG / PDF) and data (CSV / XLSX)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd


from analysis.charts import CHART_BY_NAME, PAGES, BuiltChart, build_chart, charts_of
from analysis.export.context import FORMATS, MIME, ExportContext, ExportOptions, file_name, make_context
from analysis.export.figure import export_figure, footnote_lines, n_text
from analysis.export.render import Renderer, shared_renderer
from analysis.export.suppress import suppress_frame
from analysis.export.tables import localise_table, to_csv_bytes, to_xlsx_bytes
from analysis.filters import Filter
from analysis.i18n import t

Progress = Callable[[float, str], None]


@dataclass
class ExportFile:
    """One produced file: ``name`` (file name), ``mime`` and ``data`` (bytes)."""

    name: str
    mime: str
    data: bytes


def chart_title(built: BuiltChart, lang: str) -> str:
    """The chart's title in ``lang`` (from the catalogue: the same string its figure draws,
    also for a chart with nothing to draw)."""
    return built.spec.title(lang)


def chart_table(built: BuiltChart, lang: str, opts: ExportOptions) -> pd.DataFrame:
    """The data behind a chart as people read it: suppressed (if on), localised headers,
    label columns beside code columns."""
    frame = suppress_frame(built.frame, opts.k) if opts.suppress else built.frame
    channel = built.spec.args[0] if built.spec.args and isinstance(built.spec.args[0], str) else None
    return localise_table(frame, lang, channel_list=channel)


def header_lines(built: BuiltChart, ctx: ExportContext, opts: ExportOptions) -> list[str]:
    """Header block of a data export: title, filter, n, sources, footnote sentences."""
    lang = ctx.lang
    return ([f"{t('app_title', lang)} — {chart_title(built, lang)}",
             t("x_filter", lang, desc=ctx.filter_text), t("x_n", lang, n=n_text(built, lang, opts)),
             t("x_sources", lang, sources=ctx.source_text())] + footnote_lines(built, ctx, opts))


def about_table(ctx: ExportContext, opts: ExportOptions) -> pd.DataFrame:
    """Rows of the "About / 说明" sheet: what, filter, sources, totals, suppression, caveats."""
    lang = ctx.lang
    rows = [(t("r_subtitle", lang), t("r_title", lang)),
            (t("r_date", lang, date=""), ctx.day.isoformat()),
            (t("r_filters", lang), ctx.filter_text)]
    for r in ctx.sources.itertuples():
        rows.append((t("r_sources", lang), t("r_source_row", lang, name=r.name, publisher=r.publisher or "—",
                                              n=f"{int(r.complaint_count):,}",
                                              first=pd.Timestamp(r.first_received_date).date().isoformat(),
                                              last=pd.Timestamp(r.last_received_date).date().isoformat())))
    rows.append((t("r_caveats", lang), t("r_cav_unreviewed", lang)))
    rows.append((t("r_caveats", lang), t("r_cav_allegations", lang)))
    rows.append((t("r_caveats", lang), t("r_cav_coverage", lang)))
    rows.append((t("r_caveats", lang), t("r_cav_suppression", lang, k=opts.k, km1=opts.k - 1) if opts.suppress
                 else t("r_cav_no_suppression", lang)))
    return pd.DataFrame(rows, columns=["About" if lang == "en" else "说明", ""])


ABOUT_SHEET = "About 说明"


def _build(con, name: str, flt: Filter, lang: str) -> BuiltChart:
    if name not in CHART_BY_NAME:
        raise KeyError(f"unknown chart {name!r}; known: {', '.join(CHART_BY_NAME)}")
    return build_chart(con, name, flt, lang)


def render_chart(built: BuiltChart, ctx: ExportContext, fmt: str, opts: ExportOptions,
                 renderer: Renderer | None = None) -> ExportFile | None:
    """File of an already built chart in ``fmt``; None for an image of an empty chart."""
    day, lang, spec = ctx.day, ctx.lang, built.spec
    name = file_name(spec.page, spec.name, lang, fmt, day)
    if fmt == "csv":
        return ExportFile(name, MIME[fmt], to_csv_bytes(chart_table(built, lang, opts), header_lines(built, ctx, opts)))
    if fmt == "xlsx":
        data = to_xlsx_bytes([(chart_title(built, lang), chart_table(built, lang, opts), header_lines(built, ctx, opts)),
                              (ABOUT_SHEET, about_table(ctx, opts), None)])
        return ExportFile(name, MIME[fmt], data)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    fig = export_figure(built, ctx, opts)
    if fig is None:
        return None
    return ExportFile(name, MIME[fmt], (renderer or shared_renderer()).render(fig, fmt, scale=opts.scale))


def export_chart(con: duckdb.DuckDBPyConnection, name: str, flt: Filter, lang: str, fmt: str, *,
                 options: ExportOptions = ExportOptions(), renderer: Renderer | None = None,
                 ctx: ExportContext | None = None) -> ExportFile | None:
    """Catalogue chart ``name`` for ``flt`` in ``lang`` as one file (``png``, ``svg``,
    ``pdf``, ``csv`` or ``xlsx``). Images use ``renderer`` (default: the shared one).
    Returns None for an image of a chart with nothing to draw (the data files are still
    produced, with an empty table). Raises ``KeyError`` (unknown chart), ``ValueError``
    (format), ``FilterError`` and ``RenderError``."""
    ctx = ctx or make_context(con, flt, lang)
    return render_chart(_build(con, name, flt, lang), ctx, fmt, options, renderer)


def export_page(con: duckdb.DuckDBPyConnection, page: str, flt: Filter, lang: str, fmt: str, out_dir: Path, *,
                options: ExportOptions = ExportOptions(), renderer: Renderer | None = None,
                progress: Progress | None = None) -> list[Path]:
    """Write every chart of ``page`` in ``fmt`` to ``out_dir``; returns the paths written
    (charts with nothing to draw write no image)."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}; use one of {', '.join(PAGES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = make_context(con, flt, lang)
    specs = charts_of(page)
    written = []
    own = renderer is None and fmt in ("png", "svg", "pdf")
    r = Renderer() if own else renderer
    try:
        for i, spec in enumerate(specs):
            if progress:
                progress(i / len(specs), spec.name)
            f = render_chart(build_chart(con, spec.name, flt, lang, kpis=ctx.kpis), ctx, fmt, options, r)
            if f is not None:
                (out_dir / f.name).write_bytes(f.data)
                written.append(out_dir / f.name)
    finally:
        if own and r is not None:
            r.close()
    if progress:
        progress(1.0, "done")
    return written
