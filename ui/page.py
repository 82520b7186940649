"""Page scaffolding shared by every page: language, sidebar filters bound to the URL,
the demonstration-data banner, and the chart block (chart + caption + CSV download).

Filter state lives in the URL (codes, never translated labels, so a link works in either
language), mirrored to widget state; it survives page switches. URL values are validated *before* any
widget or query runs: a bad value shows one error and runs no query.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import codes
from analysis.charts import CHART_BY_NAME, build_chart
from analysis.export.context import MIME, ExportOptions
from analysis.export.context import file_name as export_file_name
from analysis.export.engine import export_chart
from analysis.export.render import shared_renderer
from analysis.export.report import build_report_pack
from analysis.filters import PRODUCT_NOT_RECORDED, Filter, FilterError, describe
from analysis.i18n import t
from analysis.ingest import ImportRefused
from analysis.ingest.cfpb import COLLECTION_PRODUCTS
from ui.state import database, reading, run_query

LIST_FIELDS = ("jurisdiction", "source", "product", "company", "region", "conduct", "method",
               "filed_with", "submission_medium", "outcome")
_CODED = {"jurisdiction": "jurisdiction", "conduct": "conduct", "method": "method",
          "filed_with": "filed_with", "submission_medium": "submission_medium", "outcome": "outcome"}
_LABEL_KEYS = {"jurisdiction": "f_jurisdiction", "source": "f_source", "product": "f_product",
               "company": "f_company", "region": "f_region", "conduct": "f_conduct", "method": "f_method",
               "filed_with": "f_filed_with", "submission_medium": "f_medium", "outcome": "f_outcome"}
DATE_FIELDS = ("date_from", "date_to")
ALL_KEYS = ("lang", "label_source") + DATE_FIELDS + LIST_FIELDS


@dataclass
class PageContext:
    """What a page needs: language, validated filter, source display names and sources
    table (DataFrame of ``query_sources``)."""

    lang: str
    flt: Filter
    source_names: dict[str, str]
    sources: pd.DataFrame
    suppress: bool = True
    choices: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """The filter in words, in the page language."""
        return describe(self.flt, self.lang, self.source_names)

    def source_text(self) -> str:
        """Sources in the current view with publisher and received-date span."""
        sel = self.sources
        if self.flt.source:
            sel = sel[sel["source"].isin(self.flt.source)]
        parts = []
        for r in sel.itertuples():
            if not r.complaint_count:
                continue
            name = r.name_zh if self.lang == "zh" else r.name_en
            span = ""
            if pd.notna(r.first_received_date):
                span = f" {pd.Timestamp(r.first_received_date):%Y-%m-%d}–{pd.Timestamp(r.last_received_date):%Y-%m-%d}"
            parts.append(f"{name}{span}")
        return "; ".join(parts) if parts else "—"


def _lang_from_url() -> str:
    raw = st.query_params.get("lang", "zh")
    return raw if raw in ("zh", "en") else "zh"


def _default_sources(sources: pd.DataFrame) -> list[str]:
    real = sources[(~sources["is_synthetic"].astype(bool)) & (sources["complaint_count"] > 0)]["source"].tolist()
    return real or sources[sources["complaint_count"] > 0]["source"].tolist()


def _parse_date(raw: str, field: str, lang: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        name = t("f_dates", lang) + (" (from)" if field == "date_from" else " (to)")
        raise FilterError(field, raw, t("bad_date", "en", field=name, value=raw),
                          t("bad_date", "zh", field=name, value=raw)) from None


def _validate_url(options: dict[str, list[str]], lang: str) -> None:
    """Raise ``FilterError`` for any URL value a widget could not show."""
    raw_lang = st.query_params.get("lang")
    if raw_lang is not None and raw_lang not in ("zh", "en"):
        raise FilterError("lang", raw_lang, f"Unknown language {raw_lang!r}; use zh or en.",
                          f"未知语言 {raw_lang!r}，请用 zh 或 en。")
    for f in DATE_FIELDS:
        raw = st.query_params.get(f)
        if raw:
            _parse_date(raw, f, lang)
    ls = st.query_params.get("label_source")
    if ls is not None and ls not in ("all", "structured", "narrative"):
        Filter(label_source=ls).validate()
    for f in LIST_FIELDS:
        values = [v for v in st.query_params.get_all(f) if v != ""]
        if _CODED.get(f):
            Filter(**{f: tuple(values)}).validate()
        else:
            unknown = [v for v in values if v not in set(options[f])]
            if unknown:
                raise FilterError(f, unknown[0], f"{t(_LABEL_KEYS[f], 'en')}: {unknown[0]!r} is not in the database.",
                                  f"{t(_LABEL_KEYS[f], 'zh')}：数据库中没有 {unknown[0]!r}。")


def _reset_filters() -> None:
    for k in ("label_source",) + DATE_FIELDS + LIST_FIELDS:
        if k in st.query_params:
            del st.query_params[k]
    for k in ("_filters_saved", "_filters_applied"):
        st.session_state.pop(k, None)


def _bad_filter(err: FilterError, lang: str) -> None:
    st.error(t("bad_filter", lang, msg=err.message(lang)))
    if st.button(t("f_reset", lang), key="reset_bad_filter"):
        keep = st.query_params.get("lang")
        st.query_params.clear()
        if keep in ("zh", "en"):
            st.query_params["lang"] = keep
        for k in ("_filters_saved", "_filters_applied"):
            st.session_state.pop(k, None)
        st.rerun()
    st.stop()


def _defaults(sources: pd.DataFrame, options: dict[str, list[str]]) -> dict[str, object]:
    """Widget values when the URL says nothing: real sources (demo only when nothing real
    is loaded), collection-related products of those sources, everything else unrestricted."""
    default_sources = _default_sources(sources)
    with_demo = bool(sources[sources["source"].isin(default_sources)]["is_synthetic"].astype(bool).any())
    return {
        "date_from": None, "date_to": None, "label_source": "all",
        **{f: [] for f in LIST_FIELDS},
        "source": default_sources,
        "product": [p for p in options["product"] if p in COLLECTION_PRODUCTS or p == PRODUCT_NOT_RECORDED
                    or (with_demo and ("演示" in p or p.lower().startswith("demo")))],
    }


def _url_state() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in ("label_source",) + DATE_FIELDS + LIST_FIELDS
            if k in st.query_params}


def _sync_from_url(defaults: dict[str, object], lang: str) -> None:
    """Set widget state from the URL when the URL changed from outside (first load, a
    pasted link, a page switch that dropped the parameters: those are restored)."""
    url = _url_state()
    saved = st.session_state.get("_filters_saved")
    if not url and saved:
        for k, v in saved.items():
            st.query_params[k] = v
        url = saved
    if url == st.session_state.get("_filters_applied"):
        return
    for k, default in defaults.items():
        if k not in url:
            st.session_state[k] = default
        elif k in DATE_FIELDS:
            st.session_state[k] = _parse_date(url[k][0], k, lang) if url[k][0] else None
        elif k == "label_source":
            st.session_state[k] = url[k][0] or "all"
        else:
            st.session_state[k] = [v for v in url[k] if v != ""]
    st.session_state["_filters_applied"] = url


def _sync_to_url() -> None:
    """Write the widget state to the URL (every filter, so a link reproduces the view;
    an empty list is written as ``key=`` meaning "all")."""
    state: dict[str, list[str]] = {}
    for k in DATE_FIELDS:
        v = st.session_state.get(k)
        if v:
            state[k] = [v.isoformat()]
    ls = st.session_state.get("label_source", "all")
    if ls != "all":
        state["label_source"] = [ls]
    for f in LIST_FIELDS:
        v = st.session_state.get(f) or []
        if v or f in ("source", "product"):
            state[f] = list(v) if v else [""]
    if state != _url_state():
        for k in ("label_source",) + DATE_FIELDS + LIST_FIELDS:
            if k in st.query_params and k not in state:
                del st.query_params[k]
        for k, v in state.items():
            st.query_params[k] = v if len(v) > 1 else v[0]
    st.session_state["_filters_applied"] = state
    st.session_state["_filters_saved"] = state


def _set_lang() -> None:
    st.query_params["lang"] = st.session_state["lang_choice"]


def _leave_pages_directory_mode() -> None:
    """Streamlit 1.67 treats a ``pages/`` folder beside app.py as the old multipage mode
    until app.py has called ``st.navigation`` once; a first visit straight to a page URL
    after the server starts would then run that page alone, with a navigation built from
    file names. Switch to app.py's navigation and rerun (app.py then shows the same page)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without it has no such mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_setup(title_key: str) -> PageContext:
    """Render the language switch, title, filters and banners; return the context.

    Stops the page (``st.stop``) when there is no database or a filter value is invalid,
    after saying so on screen.
    """
    _leave_pages_directory_mode()
    lang = _lang_from_url()
    fp, path = database()
    st.title(t(title_key, lang))
    if fp == "missing":
        st.info(t("no_db", lang, path=path, cmd=f".venv/bin/python -m analysis.ingest --format cfpb --db {path} FILE.csv"))
        st.stop()
    # the language switch comes first, so it is there even when a bad filter stops the page
    st.session_state["lang_choice"] = lang
    st.sidebar.segmented_control(t("language", lang), ["zh", "en"], key="lang_choice", required=True,
                                 format_func=lambda v: {"zh": "中文", "en": "English"}[v], on_change=_set_lang)
    sources = run_query("query_sources")
    options = run_query("query_filter_options")
    try:
        _validate_url(options, lang)
    except FilterError as err:
        _bad_filter(err, lang)
    defaults = _defaults(sources, options)
    _sync_from_url(defaults, lang)

    sb = st.sidebar
    sb.header(t("filters", lang))
    first, last = run_query("query_date_range")
    c1, c2 = sb.columns(2)
    c1.date_input(t("f_dates", lang), min_value=date(2000, 1, 1), max_value=date(2100, 1, 1), key="date_from",
                  format="YYYY-MM-DD", help=f"{first} – {last}" if first else None)
    c2.date_input("…", min_value=date(2000, 1, 1), max_value=date(2100, 1, 1), key="date_to", format="YYYY-MM-DD")
    names = dict(zip(sources["source"], sources["name_zh" if lang == "zh" else "name_en"]))
    for f in LIST_FIELDS:
        if f in _CODED:
            opts = codes.codes(_CODED[f])
            fmt = (lambda v, ln=_CODED[f]: codes.label(ln, v, lang))
        else:
            opts = list(options[f])
            fmt = ((lambda v: names.get(v, v)) if f == "source" else
                   (lambda v: t("not_recorded", lang) if v == PRODUCT_NOT_RECORDED else v))
        sb.multiselect(t(_LABEL_KEYS[f], lang), opts, format_func=fmt, key=f, placeholder=t("f_all", lang))
    sb.selectbox(t("f_label_source", lang), ["all", "structured", "narrative"], key="label_source",
                 format_func=lambda v: t(f"ls_{v}", lang))
    sb.button(t("f_reset", lang), on_click=_reset_filters, key="reset_filters")
    _sync_to_url()
    sb.divider()
    suppress = sb.toggle(t("download_suppress", lang), value=True, key="suppress",
                         help=t("suppress_help", lang))

    try:
        flt = Filter(date_from=st.session_state.get("date_from"), date_to=st.session_state.get("date_to"),
                     label_source=st.session_state.get("label_source") or "all",
                     **{f: tuple(st.session_state.get(f) or ()) for f in LIST_FIELDS}).validate()
    except FilterError as err:
        _bad_filter(err, lang)
    shown = set(flt.source) if flt.source else set(sources["source"])
    if sources[sources["source"].isin(shown)]["is_synthetic"].astype(bool).any():
        st.warning(t("demo_banner", lang), icon=":material/science:")
    ctx = PageContext(lang, flt, names, sources, suppress)
    report_pack_controls(ctx)
    return ctx


EXPORT_FORMATS = ("png", "svg", "pdf", "xlsx", "csv")


def _export_data(name: str, flt: Filter, lang: str, fmt: str, suppress: bool):
    """Callable for a download button: builds the file only on click, outside the script
    run, on its own cursor of the current database version."""
    def build() -> bytes:
        with reading() as cur:
            out = export_chart(cur, name, flt, lang, fmt, options=ExportOptions(suppress=suppress))
        return out.data if out is not None else b""
    return build


def chart_block(ctx: PageContext, fig: go.Figure, *, n_text: str, name: str) -> None:
    """Show a chart with its caption (filter, n, sources) and its downloads: the data as
    CSV and XLSX, the chart as PNG, SVG and PDF (built on click by the export engine, with
    title, filter, n, sources and footnotes inside; small counts suppressed unless the
    sidebar switch is off).

    ``name`` is the catalogue chart id (analysis.charts), used in widget keys and file names.
    """
    st.plotly_chart(fig, key=f"chart_{name}", config={"displaylogo": False})
    st.caption(t("caption", ctx.lang, desc=ctx.describe(), n=n_text, sources=ctx.source_text()))
    spec = CHART_BY_NAME[name]
    cols = st.columns(len(EXPORT_FORMATS), gap="small", width=560)
    for col, fmt in zip(cols, EXPORT_FORMATS):
        col.download_button(fmt.upper(), data=_export_data(name, ctx.flt, ctx.lang, fmt, ctx.suppress),
                            file_name=export_file_name(spec.page, name, ctx.lang, fmt, date.today()),
                            mime=MIME[fmt], key=f"dl_{name}_{fmt}", on_click="ignore", icon=":material/download:",
                            help=t("download_help", ctx.lang, fmt=fmt.upper()))


def report_pack_controls(ctx: PageContext) -> None:
    """Sidebar: build the report pack (every chart of every page, data, PDF report) for the
    current filters and language, with a progress bar; then offer it for download."""
    key = (ctx.flt, ctx.lang, ctx.suppress)
    if st.sidebar.button(t("report_pack", ctx.lang), key="build_report_pack", icon=":material/inventory_2:"):
        bar = st.progress(0.0, t("report_building", ctx.lang))
        with reading() as cur:
            name, data = build_report_pack(cur, ctx.flt, ctx.lang, options=ExportOptions(suppress=ctx.suppress),
                                           renderer=shared_renderer(),
                                           progress=lambda f, m: bar.progress(min(1.0, f), f"{t('report_building', ctx.lang)} {m}"))
        bar.empty()
        st.session_state["report_pack"] = (key, name, data)
    stored = st.session_state.get("report_pack")
    if stored and stored[0] == key:
        st.sidebar.download_button(t("report_pack", ctx.lang) + " ↓", data=stored[2], file_name=stored[1],
                                   mime="application/zip", key="dl_report_pack", on_click="ignore", type="primary")


def show_chart(ctx: PageContext, name: str, kpis: dict) -> bool:
    """Render catalogue chart ``name`` (analysis.charts) with caption and download; says so
    in words when there is nothing to draw. Returns True when a chart was drawn."""
    spec = CHART_BY_NAME[name]
    frame = run_query(spec.query, ctx.flt, *spec.query_args(ctx.choices))
    built = build_chart(None, name, ctx.flt, ctx.lang, kpis=kpis, frame=frame, choices=ctx.choices)
    if built.figure is None:
        return False
    n_text = (n_complaints if spec.unit == "complaints" else n_incidents)(built.n, ctx.lang)
    chart_block(ctx, built.figure, n_text=n_text, name=name)
    return True


def page_choice(ctx: PageContext, key: str, options: list[str], default: str, label: str,
                format_func=None, where=None, kind: str = "segmented") -> str:
    """A page's own choice (a period, a measure, a minimum count) kept in the URL under
    ``key`` and recorded in ``ctx.choices`` (chart queries and every export read it there).

    ``options``: the allowed values (strings); a URL value outside them falls back to
    ``default``. ``kind``: ``segmented`` (few options) or ``select``. ``where``: a container
    (default: the page body). Returns the chosen value.
    """
    value = url_choice(key, options, default)
    wkey = f"choice_{key}"
    if st.session_state.get(f"_{wkey}_url") != value:  # the URL changed from outside: follow it
        st.session_state[wkey] = value
        st.session_state[f"_{wkey}_url"] = value

    def changed() -> None:
        new = st.session_state.get(wkey) or default
        st.query_params[key] = new
        st.session_state[f"_{wkey}_url"] = new

    box = where if where is not None else st
    fmt = format_func or str
    if kind == "select":
        box.selectbox(label, options, key=wkey, format_func=fmt, on_change=changed)
    else:
        box.segmented_control(label, options, key=wkey, format_func=fmt, required=True, on_change=changed)
    value = st.session_state.get(wkey) or default
    ctx.choices[key] = value
    return value


def url_choice(key: str, options: list[str], default: str) -> str:
    """A single choice kept in the URL under ``key`` (validated against ``options``)."""
    raw = st.query_params.get(key, default)
    return raw if raw in options else default


def n_complaints(n: int, lang: str) -> str:
    """"1,234 complaints" (1 complaint) / "1,234 条投诉"."""
    return t("n_complaint" if int(n) == 1 else "n_complaints", lang, n=int(n))


def n_incidents(n: int, lang: str) -> str:
    """"1,234 incidents" (1 incident) / "1,234 个催收事件"."""
    return t("n_incident" if int(n) == 1 else "n_incidents", lang, n=int(n))


def page_header(title_key: str) -> str:
    """Language switch and title for a page without filters (Import, Intake); returns the
    language. Needs no database (an import may create it)."""
    _leave_pages_directory_mode()
    lang = _lang_from_url()
    st.session_state["lang_choice"] = lang
    st.sidebar.segmented_control(t("language", lang), ["zh", "en"], key="lang_choice", required=True,
                                 format_func=lambda v: {"zh": "中文", "en": "English"}[v], on_change=_set_lang)
    st.title(t(title_key, lang))
    return lang


def run_with_progress(label: str, work, error_key: str, lang: str):
    """Run ``work(progress)`` (an import or save taking a ``progress(fraction, message)``
    callback) under a progress bar. On ``ImportRefused`` or ``ValueError`` (nothing was
    written) show ``t(error_key, msg=...)`` and return None; else return ``work``'s result."""
    bar = st.progress(0.0, label)
    try:
        return work(lambda f, msg: bar.progress(min(1.0, max(0.0, f)), msg))
    except (ImportRefused, ValueError) as err:
        st.error(t(error_key, lang, msg=str(err)))
        return None
    finally:
        bar.empty()
