"""The report pack: for one filter and language, a ZIP with every chart of every page (PNG
and SVG), their data (one XLSX: "About 说明" plus a header-first sheet per chart; and per
chart a header-first CSV with its ``<name>.about.txt``) and one PDF report (title page,
each chart with a generated description, method, caveats) printed from HTML by the same
browser that drew the charts.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from collections import defaultdict
from datetime import date
from typing import Callable

import duckdb
import pandas as pd

from analysis import codes
from analysis.charts import PAGES, BuiltChart, build_chart, charts_of
from analysis.classify.patterns import load_crosswalk
from analysis.export.context import ExportContext, ExportOptions, file_name, make_context
from analysis.export.describe import describe_chart
from analysis.export.engine import (ABOUT_SHEET, about_file, about_table, chart_data, chart_title,
                                    pack_about_rows)
from analysis.export.figure import export_figure
from analysis.export.render import Renderer
from analysis.export.rulebook import load_rules
from analysis.export.tables import sheet_name, to_csv_bytes, to_xlsx_bytes
from analysis.figures import FONT_FAMILY
from analysis.filters import Filter
from analysis.i18n import STRINGS, t
from analysis.rules import TIME_WINDOW_RULES

Progress = Callable[[float, str], None]
PAGE_TITLE_KEYS = {"overview": "page_overview", "time_of_day": "page_time", "methods_conduct": "page_methods",
                   "channels_outcomes": "page_channels"}


def page_title(page: str, lang: str) -> str:
    """Title of catalogue page ``page`` in ``lang``: ``PAGE_TITLE_KEYS``, else the i18n key
    ``page_<page>`` when it exists (``page_trends``, ``page_places``), else the app title."""
    key = PAGE_TITLE_KEYS.get(page, f"page_{page}")
    return t(key if key in STRINGS else "app_title", lang)


def _e(s) -> str:
    return html.escape(str(s))


def _svg_for_html(svg: bytes) -> str:
    """Inline SVG that scales to the column width (drops the fixed width/height)."""
    text = svg.decode("utf-8")
    return re.sub(r'^<svg([^>]*?) width="[\d.]+" height="[\d.]+"', r'<svg\1 width="100%"', text, count=1)


def _method_html(ctx: ExportContext, opts: ExportOptions) -> str:
    lang = ctx.lang
    cross = load_crosswalk()
    jurs = [j for j in ("CN", "US", "UK") if j in cross]
    rows = []
    for c in codes.CODE_LISTS["conduct"]:
        rules = "; ".join(f"{j}: {', '.join(cross[j].get(c.code, ())) or '—'}" for j in jurs)
        rows.append(f"<tr><td class=code>{_e(c.code)}</td><td>{_e(c.zh if lang == 'zh' else c.en)}</td>"
                    f"<td class=small>{_e(rules)}</td></tr>")
    codes_html = (f"<h2>{_e(t('r_codes', lang))}</h2><table><thead><tr><th>{_e(t('r_codes_head', lang))}</th>"
                  f"<th>{_e(t('r_label_head', lang))}</th><th>{_e(t('r_rules_head', lang))}</th></tr></thead>"
                  f"<tbody>{''.join(rows)}</tbody></table>")
    book = load_rules()
    ids = sorted(set(ctx.rule_ids) | {r.rule_id for r in TIME_WINDOW_RULES.values()})
    rrows = []
    for rid in ids:
        r = book.get(rid, {})
        rrows.append(f"<tr><td class=code>{_e(rid)}</td><td class=small>{_e(r.get('rule_en', '—'))}</td>"
                     f"<td class=small>{_e(r.get('source', '—'))}</td>"
                     f"<td class=small>{_e(r.get('kind', ''))} / {_e(r.get('ver', ''))}</td></tr>")
    rules_html = (f"<h2>{_e(t('r_rules', lang))}</h2><table class=rules><thead><tr><th>{_e(t('r_rule_head', lang))}</th>"
                  f"<th>{_e(t('r_rule_text_head', lang))}</th><th>{_e(t('r_rule_source_head', lang))}</th>"
                  f"<th>{_e(t('r_rule_kind_head', lang))}</th></tr></thead><tbody>{''.join(rrows)}</tbody></table>"
                  f"<p class=note>{_e(t('r_rules_note', lang))}</p>")
    k = ctx.kpis
    tot_i = k.get("incident_count") or 0
    prec = defaultdict(int)
    prec["exact"] = k.get("exact_time_incident_count") or 0
    prec["flag"] = k.get("outside_flag_only_count") or 0
    from analysis.export.suppress import count_text, share_text

    def c(n):
        return count_text(int(n), opts.k, suppress=opts.suppress)

    def share(part, whole):
        return share_text(int(part), int(whole), opts.k, suppress=opts.suppress)

    daypart = ctx.kpis.get("_daypart_count", 0)
    cov = [t("r_cov_times", lang, pct=share(prec["exact"], tot_i), total=c(tot_i),
             daypart=c(daypart), flag=c(prec["flag"]))]
    tot_c = k.get("complaint_count") or 0
    cov.append(t("r_cov_narr", lang, pct=share(ctx.narrative_count, tot_c), total=c(tot_c), n=c(ctx.narrative_count)))
    cov_html = f"<h2>{_e(t('r_coverage', lang))}</h2>" + "".join(f"<p>{_e(x)}</p>" for x in cov)
    return codes_html + rules_html + cov_html


def _caveats_html(ctx: ExportContext, opts: ExportOptions) -> str:
    lang = ctx.lang
    items = [t("r_cav_unreviewed", lang), t("r_cav_classifier", lang), t("r_cav_allegations", lang),
             t("r_cav_coverage", lang),
             t("r_cav_multi", lang),
             t("r_cav_suppression", lang, k=opts.k, km1=opts.k - 1) if opts.suppress else t("r_cav_no_suppression", lang)]
    return "<ul class=caveats>" + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>"


CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
html { font-family: %s; font-size: 10.5pt; color: #1f2d3d; }
body { margin: 0; }
h1 { font-size: 24pt; margin: 0 0 4mm 0; }
h2 { font-size: 14pt; margin: 6mm 0 2mm 0; }
.section { break-before: page; }
.chart { break-before: page; break-inside: avoid; }
.chart h2 { margin-top: 0; }
.chart .page { color: #777; font-size: 9pt; margin: 0; }
.chart p.desc { margin: 1mm 0 3mm 0; }
.chart svg { display: block; max-height: 225mm; }
.title-page { padding-top: 40mm; }
.title-page .sub { font-size: 13pt; color: #555; margin-bottom: 14mm; }
.title-page dl { font-size: 11pt; }
.title-page dt { font-weight: bold; margin-top: 4mm; }
.title-page dd { margin: 1mm 0 0 0; }
table { border-collapse: collapse; width: 100%%; font-size: 9pt; }
th, td { border-bottom: 1px solid #ddd; padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.code { font-family: monospace; white-space: nowrap; font-size: 8.5pt; }
td.small { font-size: 8.5pt; }
table.rules td:nth-child(2) { width: 38%%; }
p.note { font-size: 8.5pt; color: #555; }
ul.caveats li { margin-bottom: 2mm; }
ol.toc li { margin-bottom: 1mm; }
""" % FONT_FAMILY


def report_html(ctx: ExportContext, opts: ExportOptions, charts: list[tuple[BuiltChart, str | None]]) -> str:
    """The report as one self-contained HTML document. ``charts``: built chart and its
    inline SVG (None when there is nothing to draw), in page order."""
    lang = ctx.lang
    src = "".join(
        f"<dd>{_e(t('r_source_row', lang, name=r.name, publisher=r.publisher or '—', n=f'{int(r.complaint_count):,}', first=pd.Timestamp(r.first_received_date).date(), last=pd.Timestamp(r.last_received_date).date()))}</dd>"
        for r in ctx.sources.itertuples()) or f"<dd>{_e(t('x_no_sources', lang))}</dd>"
    drawn = [(b, svg) for b, svg in charts if svg]
    empty = [b for b, svg in charts if not svg]
    toc = "".join(f"<li>{_e(chart_title(b, lang))}</li>" for b, _ in drawn)
    if empty:
        toc += (f"</ol><p class=note>{_e(t('r_no_chart', lang))} "
                f"{_e('、'.join(chart_title(b, lang) for b in empty) if lang == 'zh' else '; '.join(chart_title(b, lang) for b in empty))}"
                f"</p><ol class=toc start={len(drawn) + 1}>")
    parts = [f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
             f"<title>{_e(t('r_title', lang))}</title><style>{CSS}</style></head><body>",
             f"<div class=title-page><h1>{_e(t('r_title', lang))}</h1><div class=sub>{_e(t('r_subtitle', lang))} · "
             f"{_e(t('r_date', lang, date=ctx.day.isoformat()))}</div><dl><dt>{_e(t('r_filters', lang))}</dt>"
             f"<dd>{_e(ctx.filter_text)}</dd><dt>{_e(t('r_sources', lang))}</dt>{src}</dl>"
             f"<h2>{_e(t('r_contents', lang))}</h2><ol class=toc>{toc}<li>{_e(t('r_method', lang))}</li>"
             f"<li>{_e(t('r_caveats', lang))}</li></ol></div>"]
    for b, svg in drawn:
        page = page_title(b.spec.page, lang)
        body = svg
        parts.append(f"<div class=chart><p class=page>{_e(page)}</p><h2>{_e(chart_title(b, lang))}</h2>"
                     f"<p class=desc>{_e(describe_chart(b, lang, opts))}</p>{body}</div>")
    parts.append(f"<div class=section><h1>{_e(t('r_method', lang))}</h1>{_method_html(ctx, opts)}</div>")
    parts.append(f"<div class=section><h1>{_e(t('r_caveats', lang))}</h1>{_caveats_html(ctx, opts)}</div>")
    parts.append("</body></html>")
    return "".join(parts)


def _daypart_count(con, flt: Filter) -> int:
    from analysis.queries import query_time_coverage

    tc = query_time_coverage(con, flt)
    return int(tc.loc[tc["time_precision"] == "daypart", "incident_count"].sum())


def build_report_pack(con: duckdb.DuckDBPyConnection, flt: Filter, lang: str, *,
                      options: ExportOptions = ExportOptions(), renderer: Renderer | None = None,
                      progress: Progress | None = None, day: date | None = None,
                      ctx: ExportContext | None = None) -> tuple[str, bytes]:
    """Build the report pack of ``flt`` in ``lang``. Returns ``(zip_file_name, zip_bytes)``.

    The ZIP holds ``charts/<page>/…png`` and ``…svg`` for every chart with data, one
    ``…_data_….xlsx`` ("About 说明" + a sheet per chart, header in row 1), for every
    chart ``data/<page>/….csv`` (header first) with ``….about.txt`` beside it (title,
    filter, n, sources, rule ids, notes, columns) and ``…_report_….pdf``. Charts are built
    with their default choices.
    ``renderer``: a running ``Renderer`` to reuse (else one is started and stopped here).
    ``progress(fraction, message)`` is called as it goes (the message: the chart being drawn, in
    ``lang``, or the file format being written; empty between). ``ctx``: the context of ``flt``
    and ``lang`` when already made (its ``day`` then dates the files). Raises ``FilterError`` for an
    invalid filter and ``RenderError`` when the browser fails.
    """
    def tick(frac: float, msg: str) -> None:
        if progress:
            progress(min(1.0, frac), msg)

    tick(0.0, "")
    ctx = ctx or make_context(con, flt, lang, day)
    ctx.kpis["_daypart_count"] = _daypart_count(con, flt)
    specs = [s for p in PAGES for s in charts_of(p)]
    built = [build_chart(con, s.name, flt, lang, kpis=ctx.kpis) for s in specs]
    tick(0.1, "")
    own = renderer is None
    r = Renderer() if own else renderer
    buf = io.BytesIO()
    try:
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            charts = []
            for i, b in enumerate(built):
                tick(0.12 + 0.7 * i / len(built), chart_title(b, lang))
                fig = export_figure(b, ctx, options)
                svg = None
                if fig is not None:
                    svg = r.render(fig, "svg")
                    png = r.render(fig, "png", scale=options.scale)
                    z.writestr(f"charts/{b.spec.page}/" + file_name(b.spec.page, b.spec.name, lang, "svg", ctx.day), svg)
                    z.writestr(f"charts/{b.spec.page}/" + file_name(b.spec.page, b.spec.name, lang, "png", ctx.day), png)
                charts.append((b, _svg_for_html(svg) if svg else None))
            tick(0.84, "XLSX")
            taken = {ABOUT_SHEET}
            names = [sheet_name(chart_title(b, lang), taken) for b in built]
            tables = [chart_data(b, lang, options) for b in built]
            sheets = [(ABOUT_SHEET, about_table(pack_about_rows(ctx, options, list(zip(names, built))), lang))] + [
                (n, d.localised()) for n, d in zip(names, tables)]
            z.writestr(file_name("report", "data", lang, "xlsx", ctx.day), to_xlsx_bytes(sheets))
            for b, d in zip(built, tables):
                folder = f"data/{b.spec.page}/"
                z.writestr(folder + file_name(b.spec.page, b.spec.name, lang, "csv", ctx.day), to_csv_bytes(d.frame))
                about = about_file(b, ctx, options, table=d)
                z.writestr(folder + about.name, about.data)
            tick(0.88, "PDF")
            html_doc = report_html(ctx, options, charts)
            z.writestr(file_name("report", None, lang, "pdf", ctx.day), r.print_pdf(html_doc))
    finally:
        if own:
            r.close()
    tick(1.0, "")
    return file_name("report-pack", None, lang, "zip", ctx.day), buf.getvalue()
