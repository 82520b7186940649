"""Export one chart or one page: images (PNG / SVG / PDF) and data (CSV / XLSX).

Data files start with their header row (``analysis.export.tables``). What the chart states
besides its numbers – title, filter in words, n, sources with dates, rule ids, notes,
column meanings, caveats – is in ``about_rows``: the XLSX "About 说明" sheet holds them,
and for a CSV the side file ``<name>.about.txt`` (``about_file``), which the command line
and the report pack write next to each CSV (a download button gives the CSV alone).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import duckdb
import pandas as pd

from analysis import codes
from analysis.charts import CHART_BY_NAME, PAGES, BuiltChart, ChartSpec, build_chart, charts_of
from analysis.export.context import FORMATS, MIME, ExportContext, ExportOptions, file_name, make_context
from analysis.export.figure import export_figure, footnote_lines, n_text
from analysis.export.render import Renderer, shared_renderer
from analysis.export.suppress import DERIVED_MARK, mark, suppress_frame
from analysis.export.tables import ExportTable, export_table, to_csv_bytes, to_xlsx_bytes
from analysis.filters import Filter
from analysis.i18n import t

Progress = Callable[[float, str], None]
Choices = Mapping[str, str] | None
ABOUT_SHEET = "About 说明"
ABOUT_SUFFIX = ".about.txt"
ABOUT_MIME = "text/plain; charset=utf-8"


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


def channel_list(spec: ChartSpec, choices: Choices = None) -> str | None:
    """Code list of a chart's ``channel_code`` column: its first query argument
    (``spec.query_args(choices)``) when that names a code list (``filed_with``,
    ``submission_medium``), else None."""
    args = spec.query_args(choices)
    return args[0] if args and isinstance(args[0], str) and args[0] in codes.CODE_LISTS else None


def chart_data(built: BuiltChart, lang: str, opts: ExportOptions, choices: Choices = None) -> ExportTable:
    """The data behind a chart as its files hold it: suppressed (if on), then
    ``export_table`` (query column names, label columns in ``lang``, rounded)."""
    frame = suppress_frame(built.frame, opts.k) if opts.suppress else built.frame
    return export_table(frame, lang, channel_list=channel_list(built.spec, choices))


def chart_table(built: BuiltChart, lang: str, opts: ExportOptions, choices: Choices = None) -> pd.DataFrame:
    """``chart_data`` with headers in ``lang`` (an XLSX sheet)."""
    return chart_data(built, lang, opts, choices).localised()


# ---- About: what a data file states besides its numbers --------------------------------------

About = list[tuple[str, str]]


def _source_rows(ctx: ExportContext) -> About:
    lang = ctx.lang
    rows = [(t("r_sources", lang), t("r_source_row", lang, name=r.name, publisher=r.publisher or "—",
                                      n=f"{int(r.complaint_count):,}",
                                      first=pd.Timestamp(r.first_received_date).date().isoformat(),
                                      last=pd.Timestamp(r.last_received_date).date().isoformat()))
            for r in ctx.sources.itertuples()]
    return rows or [(t("r_sources", lang), t("x_no_sources", lang))]


def _reading_rows(ctx: ExportContext, opts: ExportOptions) -> About:
    lang = ctx.lang
    rows = [(t("xa_how", lang), t("xa_layout", lang)), (t("xa_how", lang), t("xa_codes", lang))]
    if opts.suppress:
        rows.append((t("xa_how", lang), t("xa_marks", lang, mark=mark(opts.k), km1=opts.k - 1, dash=DERIVED_MARK)))
    return rows


def _caveat_rows(ctx: ExportContext, opts: ExportOptions) -> About:
    lang = ctx.lang
    items = [t("r_cav_unreviewed", lang), t("r_cav_allegations", lang), t("r_cav_coverage", lang),
             t("r_cav_suppression", lang, k=opts.k, km1=opts.k - 1) if opts.suppress
             else t("r_cav_no_suppression", lang)]
    return [(t("r_caveats", lang), x) for x in items]


def about_rows(built: BuiltChart, ctx: ExportContext, opts: ExportOptions, table: ExportTable,
               file: str | None = None) -> About:
    """``(item, text)`` rows of one chart's About sheet / about file, in order: title, data
    file, export date, filter (``ctx.filter_text``: display names, never raw codes), n,
    sources with dates, notes (rule ids, time coverage, suppression), one row per column
    (``name — header``), how to read the table, caveats."""
    lang = ctx.lang
    rows = [(t("xa_title", lang), f"{t('app_title', lang)} — {chart_title(built, lang)}")]
    if file:
        rows.append((t("xa_file", lang), file))
    rows += [(t("xa_exported", lang), ctx.day.isoformat()), (t("r_filters", lang), ctx.filter_text),
             (t("xa_n", lang), n_text(built, lang, opts))]
    rows += _source_rows(ctx)
    rows += [(t("xa_notes", lang), x) for x in footnote_lines(built, ctx, opts)]
    rows += [(t("xa_columns", lang), f"{c} — {h}") for c, h in table.headers.items()]
    return rows + _reading_rows(ctx, opts) + _caveat_rows(ctx, opts)


def pack_about_rows(ctx: ExportContext, opts: ExportOptions, sheets: list[tuple[str, BuiltChart]]) -> About:
    """``(item, text)`` rows of the report pack's About sheet: report title, export date,
    filter, sources, how to read, caveats, then per data sheet (item = sheet name) its
    title, n and notes (rule ids, time coverage, suppression)."""
    lang = ctx.lang
    rows = [(t("r_subtitle", lang), t("r_title", lang)), (t("xa_exported", lang), ctx.day.isoformat()),
            (t("r_filters", lang), ctx.filter_text)]
    rows += _source_rows(ctx) + _reading_rows(ctx, opts) + _caveat_rows(ctx, opts)
    for sheet, b in sheets:
        rows.append((sheet, f"{t('app_title', lang)} — {chart_title(b, lang)}"))
        rows.append((sheet, t("x_n", lang, n=n_text(b, lang, opts))))
        rows += [(sheet, x) for x in footnote_lines(b, ctx, opts)]
    return rows


def about_table(rows: About, lang: str) -> pd.DataFrame:
    """``rows`` as the two-column About sheet (headers "About" / "说明" and "Text" / "内容")."""
    return pd.DataFrame(rows, columns=[t("xa_item", lang), t("xa_text", lang)])


def about_text(rows: About, lang: str) -> str:
    """``rows`` as plain text: ``item: text`` for an item with one row, else the item on its
    own line and each text indented below it. Lines end with CRLF (like the CSV)."""
    colon = "：" if lang == "zh" else ": "
    lines: list[str] = []
    i = 0
    while i < len(rows):
        item = rows[i][0]
        j = i
        while j < len(rows) and rows[j][0] == item:
            j += 1
        if j - i == 1:
            lines.append(f"{item}{colon}{rows[i][1]}")
        else:
            lines.append(f"{item}{colon.strip()}")
            lines += [f"  {text}" for _, text in rows[i:j]]
        i = j
    return "\r\n".join(lines) + "\r\n"


def about_file_name(data_file: str) -> str:
    """Name of the about file of data file ``data_file``: ``x_en.csv`` → ``x_en.about.txt``."""
    return data_file.rsplit(".", 1)[0] + ABOUT_SUFFIX


def about_file(built: BuiltChart, ctx: ExportContext, opts: ExportOptions, choices: Choices = None,
               table: ExportTable | None = None) -> ExportFile:
    """The about file (UTF-8 text, no BOM, CRLF) of the chart's CSV: ``about_rows`` as
    ``about_text``. ``table``: the chart's ``chart_data`` when already made."""
    csv_name = file_name(built.spec.page, built.spec.name, ctx.lang, "csv", ctx.day)
    table = table if table is not None else chart_data(built, ctx.lang, opts, choices)
    rows = about_rows(built, ctx, opts, table, csv_name)
    return ExportFile(about_file_name(csv_name), ABOUT_MIME, about_text(rows, ctx.lang).encode("utf-8"))


# ---- files ---------------------------------------------------------------------------------


def _build(con, name: str, flt: Filter, lang: str, choices: Choices) -> BuiltChart:
    if name not in CHART_BY_NAME:
        raise KeyError(f"unknown chart {name!r}; known: {', '.join(CHART_BY_NAME)}")
    return build_chart(con, name, flt, lang, choices=choices)


def render_chart(built: BuiltChart, ctx: ExportContext, fmt: str, opts: ExportOptions,
                 renderer: Renderer | None = None, choices: Choices = None) -> ExportFile | None:
    """File of an already built chart in ``fmt``; None for an image of an empty chart.
    CSV: the table alone, header first. XLSX: the table (header in row 1) and the About
    sheet. ``choices``: the page's choices the chart was built with."""
    day, lang, spec = ctx.day, ctx.lang, built.spec
    name = file_name(spec.page, spec.name, lang, fmt, day)
    if fmt == "csv":
        return ExportFile(name, MIME[fmt], to_csv_bytes(chart_data(built, lang, opts, choices).frame))
    if fmt == "xlsx":
        data = chart_data(built, lang, opts, choices)
        about = about_table(about_rows(built, ctx, opts, data, name), lang)
        return ExportFile(name, MIME[fmt], to_xlsx_bytes([(chart_title(built, lang), data.localised()),
                                                          (ABOUT_SHEET, about)]))
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    fig = export_figure(built, ctx, opts)
    if fig is None:
        return None
    return ExportFile(name, MIME[fmt], (renderer or shared_renderer()).render(
        fig, fmt, scale=opts.scale, title=chart_title(built, lang)))


def export_chart(con: duckdb.DuckDBPyConnection, name: str, flt: Filter, lang: str, fmt: str, *,
                 options: ExportOptions = ExportOptions(), renderer: Renderer | None = None,
                 ctx: ExportContext | None = None, choices: Choices = None) -> ExportFile | None:
    """Catalogue chart ``name`` for ``flt`` in ``lang`` as one file (``png``, ``svg``,
    ``pdf``, ``csv`` or ``xlsx``). Images use ``renderer`` (default: the shared one).
    ``choices``: the page's choices (``ChartSpec.query_args``; default the chart's defaults).
    Returns None for an image of a chart with nothing to draw (the data files are still
    produced, with an empty table). Raises ``KeyError`` (unknown chart), ``ValueError``
    (format), ``FilterError`` and ``RenderError``."""
    ctx = ctx or make_context(con, flt, lang)
    return render_chart(_build(con, name, flt, lang, choices), ctx, fmt, options, renderer, choices)


def export_page(con: duckdb.DuckDBPyConnection, page: str, flt: Filter, lang: str, fmt: str, out_dir: Path, *,
                options: ExportOptions = ExportOptions(), renderer: Renderer | None = None,
                progress: Progress | None = None, ctx: ExportContext | None = None,
                choices: Choices = None) -> list[Path]:
    """Write every chart of ``page`` in ``fmt`` to ``out_dir``; for ``csv`` also each CSV's
    ``<name>.about.txt``. Returns the paths written (charts with nothing to draw write no
    image). ``ctx``: the context of ``flt`` and ``lang`` when already made."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}; use one of {', '.join(PAGES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = ctx or make_context(con, flt, lang)
    specs = charts_of(page)
    written = []
    own = renderer is None and fmt in ("png", "svg", "pdf")
    r = Renderer() if own else renderer
    try:
        for i, spec in enumerate(specs):
            if progress:
                progress(i / len(specs), spec.name)
            built = build_chart(con, spec.name, flt, lang, kpis=ctx.kpis, choices=choices)
            files = [render_chart(built, ctx, fmt, options, r, choices)]
            if fmt == "csv":
                files.append(about_file(built, ctx, options, choices))
            for f in files:
                if f is not None:
                    (out_dir / f.name).write_bytes(f.data)
                    written.append(out_dir / f.name)
    finally:
        if own and r is not None:
            r.close()
    if progress:
        progress(1.0, "done")
    return written
