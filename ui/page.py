"""Page scaffolding shared by every page: language, the menu, sidebar filters bound to the
URL, the demonstration-data banner, and the chart block (chart + caption + downloads +
drill-down).

The view (every filter of ``analysis.filters.FIELDS`` and the language) lives in the URL, as
codes, never translated labels, so a link works in either language; the widgets mirror it.
Every menu link carries the whole view (``ui.nav``), so it survives page switches and the
browser's back button. URL values are validated *before* any widget or query runs: a bad
value shows one error and runs no query.
"""
from __future__ import annotations

import logging

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import codes, drill, views
from analysis.charts import CHART_BY_NAME, build_chart
from analysis.export.context import MIME, ExportOptions, ViewContext, chart_jurisdictions
from analysis.export.context import file_name as export_file_name
from analysis.export.engine import export_chart
from analysis.export.render import shared_renderer
from analysis.export.report import build_report_pack
from analysis.filters import (DATE_FIELDS, DATE_MAX, DATE_MIN, FIELD_BY_NAME, FIELDS, LIST_FIELDS, Filter,
                              FilterError, check_known_values, from_url, to_url)
from analysis.i18n import LANGS, t
from analysis.ingest import ImportRefused
from analysis.ingest.reasons import reason_text
from analysis.scope import default_scope, scope_products
from ui import auth, nav
from ui.text import plain, refusal_text
from ui.state import database, db_label, page_lang, reading, run_query

#: Fields whose "all" is written explicitly in the URL (``key=``): their default is a scope,
#: not "all", so a link must say when the analyst widened it.
EXPLICIT_ALL = ("source", "product")


@dataclass
class PageContext:
    """What a page needs: language, validated filter, the view context (filter in words,
    sources with their spans; the same object the exports use), the suppression switch and
    the page's own choices (``page_choice``) and who is using it (``ui.auth.Identity``)."""

    lang: str
    flt: Filter
    view: ViewContext
    suppress: bool = True
    choices: dict[str, str] = field(default_factory=dict)
    who: auth.Identity | None = None
    page: str = ""  # the page's url_path (ui.nav.PAGES)

    def describe(self) -> str:
        """The filter in words, in the page language."""
        return self.view.filter_text

    def source_text(self, jurisdictions: set[str] | None = None) -> str:
        """Sources in the current view with publisher and received-date span (only those of
        ``jurisdictions`` when given: ``ViewContext.source_text``)."""
        return self.view.source_text(jurisdictions)




def _url_params() -> dict[str, list[str]]:
    """The URL's filter parameters ``{field: [values]}`` (other keys left out)."""
    return {f.name: st.query_params.get_all(f.name) for f in FIELDS if f.name in st.query_params}


def _validate_url(options: dict[str, list[str]]) -> None:
    """Raise ``FilterError`` for any URL value a widget could not show: the language, any
    value ``filters.from_url`` refuses, and values of uncoded fields not in the database."""
    raw_lang = st.query_params.get("lang")
    if raw_lang is not None and raw_lang not in LANGS:
        raise FilterError("lang", raw_lang, f"Unknown language {raw_lang!r}; use zh or en.",
                          f"未知语言 {raw_lang!r}，请用 zh 或 en。")
    check_known_values(from_url(_url_params()), options)


def _forget_applied() -> None:
    st.session_state.pop("_filters_applied", None)


def _reset_filters() -> None:
    for f in FIELDS:
        if f.name in st.query_params:
            del st.query_params[f.name]
    _forget_applied()


def _bad_filter(err: FilterError, lang: str) -> None:
    st.error(t("bad_filter", lang, msg=plain(err.message(lang))))
    if st.button(t("f_reset", lang), key="reset_bad_filter"):
        keep = st.query_params.get("lang")
        st.query_params.clear()
        if keep in LANGS:
            st.query_params["lang"] = keep
        _forget_applied()
        st.rerun()
    st.stop()


def _defaults(sources: pd.DataFrame, options: dict[str, list[str]], first: date | None,
              last: date | None) -> dict[str, object]:
    """Widget values when the URL says nothing: the default scope (``analysis.scope``),
    everything else unrestricted; the date widgets show the data's first and last day."""
    return {"date_from": first, "date_to": last, **{f: [] for f in LIST_FIELDS},
            **{k: list(v) for k, v in default_scope(sources, options["product"]).items()},
            **{f.name: f.default for f in FIELDS if f.kind == "choice"}}


def _state_to_filter(first: date | None, last: date | None) -> Filter:
    """The ``Filter`` the widgets show. A date equal to the data's first (last) day is no
    restriction, so a link stays valid when newer data arrives."""
    values: dict[str, object] = {}
    for f in FIELDS:
        v = st.session_state.get(f.name)
        if f.kind == "date":
            values[f.name] = None if v in (None, first if f.name == "date_from" else last) else v
        elif f.kind == "choice":
            values[f.name] = v or f.default
        else:
            values[f.name] = tuple(v or ())
    return Filter(**values)


def _page_identity(title_key: str) -> str:
    """What Streamlit keys a page's widgets by (the running page's script hash; the title
    key when run without ``app.py``'s navigation)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    run = get_script_run_ctx()
    return getattr(run, "page_script_hash", None) or title_key


def _sync_from_url(defaults: dict[str, object], url: dict[str, list[str]], page_id: str) -> None:
    """Set widget state from the URL when the URL changed from outside (first load, a
    pasted link, a menu link, the back button) or the page changed: Streamlit resets a
    page's widgets when another page is shown, even widgets with the same key, so on a new
    page the URL (which every menu link fills with the whole view) is the view."""
    if (url == st.session_state.get("_filters_applied") and st.session_state.get("_filters_page") == page_id
            and all(f.name in st.session_state for f in FIELDS)):
        return
    st.session_state["_filters_page"] = page_id
    flt = from_url(url)
    for f in FIELDS:
        if f.name not in url:
            st.session_state[f.name] = defaults[f.name]
        elif f.kind == "list":
            st.session_state[f.name] = list(getattr(flt, f.name))
        else:
            st.session_state[f.name] = getattr(flt, f.name) if getattr(flt, f.name) is not None else defaults[f.name]
    st.session_state["_filters_applied"] = url


def _sync_to_url(flt: Filter, defaults: dict[str, object]) -> dict[str, list[str]]:
    """Write the view to the URL: every restricted field, and ``key=`` for a scoped field
    (``EXPLICIT_ALL``) the analyst widened to "all". Returns the parameters written."""
    state = to_url(flt)
    for name in EXPLICIT_ALL:  # the default scope is implied by the absence of the key
        if list(getattr(flt, name)) == list(defaults[name]):
            state.pop(name, None)
        elif not getattr(flt, name):
            state[name] = [""]
    if state != _url_params():
        for f in FIELDS:
            if f.name in st.query_params and f.name not in state:
                del st.query_params[f.name]
        for k, v in state.items():
            st.query_params[k] = v if len(v) > 1 else v[0]
    st.session_state["_filters_applied"] = state
    return state


def _products_follow_sources(sources: pd.DataFrame, product_options: list[str]) -> None:
    """The source widget's change: when the products shown are still the default for the sources
    shown before (the analyst has not chosen products), they become the default for the new
    sources (``analysis.scope.scope_products``), so demonstration data chosen again after real
    data was imported shows its own products instead of nothing."""
    before = st.session_state.get("_sources_shown", [])
    if list(st.session_state.get("product", [])) == scope_products(sources, before, product_options):
        st.session_state["product"] = scope_products(sources, list(st.session_state.get("source", [])),
                                                     product_options)


#: Session key of the page widgets registered by ``follows_language``.
_LANG_WIDGETS = "_lang_widgets"
_UNSET = object()


def follows_language(key: str, default=_UNSET) -> str:
    """Register the widget ``key`` (a select or multiselect whose options are shown through a
    ``format_func`` in the page language) so that the language switch sends it again: Streamlit
    keeps the text an option was formatted with when it was chosen, so a select showed "All"
    after a switch to 中文 until it was changed.

    ``default``: the widget's starting value, set here in the session instead of the widget's
    ``index=``/``default=`` (Streamlit warns when a widget gets both a default and a value
    written by the switch); leave it out when the first option is the start. Returns ``key``,
    to be passed as the widget's ``key``.
    """
    if default is not _UNSET and key not in st.session_state:
        st.session_state[key] = default
    st.session_state.setdefault(_LANG_WIDGETS, set()).add(key)
    return key


def _set_lang() -> None:
    """The language switch: the URL's ``lang``, and the value of every filter widget and every
    widget registered by ``follows_language`` written back as it is, so the widget is sent
    again and shows its chosen options in the new language (Streamlit keeps the text of
    selected options as it was formatted when they were chosen)."""
    st.query_params["lang"] = st.session_state["lang_choice"]
    keys = [f.name for f in FIELDS if f.kind in ("list", "choice")] + sorted(st.session_state.get(_LANG_WIDGETS, ()))
    for key in keys:
        if key in st.session_state:
            value = st.session_state[key]
            st.session_state[key] = list(value) if isinstance(value, list) else value


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


#: Sidebar chips show whole names (Streamlit cuts them at a fixed width, so two sources
#: named "Synthetic demo data (CN)" and "(US)" read the same).
_CSS = """<style>
section[data-testid="stSidebar"] [data-testid="stMultiSelect"] span[data-tag] { max-width: 100% !important; height: auto !important; }
section[data-testid="stSidebar"] [data-testid="stMultiSelect"] span[data-tag] > span { max-width: none !important;
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>"""


def _language_and_menu(lang: str):
    """The language switch and a container for the menu (filled once the view is known)."""
    st.html(_CSS)
    st.session_state["lang_choice"] = lang
    st.sidebar.segmented_control(t("language", lang), list(LANGS), key="lang_choice", required=True,
                                 format_func=lambda v: {"zh": "中文", "en": "English"}[v], on_change=_set_lang)
    return st.sidebar.container(key="menu")


def _option_label(name: str, lang: str, source_names: dict[str, str]):
    f = FIELD_BY_NAME[name]
    return lambda v: f.show(v, lang, source_names)


def _all_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _saved_views(lang: str, title_key: str, who: auth.Identity | None) -> None:
    """Sidebar: the named saved views of this database (links), and, for those who may
    (``save_view``: editors), saving the current view (page, filters, language and page
    choices) under a name, with who saved it."""
    from urllib.parse import urlsplit
    _, path = database()
    page = next(p for p in nav.PAGES if p.title_key == title_key)
    with st.sidebar.expander(t("views_title", lang), icon=":material/bookmarks:"):
        try:
            saved = views.load_views(path)
        except ValueError as err:
            st.error(plain(str(err)))
            saved = []
        for v in saved:
            nav.link_to_view(v, label=v.name)
        if not saved:
            st.caption(t("views_none", lang))
        note = st.session_state.pop("_view_note", None)
        if note:
            (st.success if note[0] == "ok" else st.error)(note[1])
        if auth.can(who, "save_view"):
            _save_view_box(lang, path, page, who)
        base = urlsplit(st.context.url or "")
        link = f"{base.scheme}://{base.netloc}/{page.url_path}" if base.netloc else f"/{page.url_path}"
        from urllib.parse import urlencode
        st.caption(t("views_link", lang))
        st.code(f"{link}?{urlencode(_all_params(), doseq=True)}", language=None, wrap_lines=True)


def _save_view_box(lang: str, path, page, who: auth.Identity) -> None:
    """Name and save the current view (``views.save_view``; ``saved_by``: ``who.name``)."""
    name = st.text_input(t("views_name", lang), key="view_name", max_chars=views.MAX_NAME)
    replace = st.checkbox(t("views_replace", lang), key="view_replace")
    if st.button(t("views_save", lang), key="view_save", icon=":material/bookmark_add:"):
        try:
            v = views.save_view(path, name, page.url_path, _all_params(), who.name, tuple(nav.PAGE_BY_PATH),
                                replace=replace)
            st.session_state["_view_note"] = ("ok", t("views_saved", lang, name=nav.plain(v.name)))
        except (ValueError, FilterError) as err:
            msg = err.message(lang) if isinstance(err, FilterError) else refusal_text(err, lang)
            st.session_state["_view_note"] = ("error", nav.plain(msg))
        st.rerun()


def chart_page(title_key: str, *, unit: str = "complaints", unreviewed: bool = False) -> tuple[PageContext, dict]:
    """``page_setup`` for a page of charts, then its key figures (``query_kpis``). Stops the
    page with the "no data" note when the view holds no ``unit`` (``complaints`` /
    ``incidents``); ``unreviewed``: say under the title that the labels are unreviewed.
    Returns ``(ctx, kpis)``."""
    ctx = page_setup(title_key)
    kpis = run_query("query_kpis", ctx.flt)
    if kpis["incident_count" if unit == "incidents" else "complaint_count"] == 0:
        st.info("\n\n".join(filter(None, [t("no_data", ctx.lang), hidden_sources_note(ctx)])))
        st.stop()
    if unreviewed:
        st.caption(t("unreviewed", ctx.lang))
    return ctx, kpis


def hidden_sources_note(ctx: PageContext, jurisdiction: str | None = None) -> str:
    """Why a view may be empty although the database is not: how many complaints of the
    sources not chosen in the view's *Data source* filter would match the rest of the view
    (its products following the sources as the sidebar's do, ``analysis.scope``; only
    ``jurisdiction``, a ``jurisdiction`` code, when given), with those sources' names in
    ``ctx.lang`` and, when one of them is demonstration data, that it is hidden by default.
    Returns "" when the view has no *Data source* filter or those sources match nothing.
    Plain text: names from the database are escaped. One ``query_kpis`` per source left
    out (a page draws this only when its view is empty)."""
    if not ctx.flt.source:
        return ""
    sources = run_query("query_sources")
    out = sources[(sources["complaint_count"] > 0) & ~sources["source"].isin(ctx.flt.source)]
    if out.empty:
        return ""
    options = list(run_query("query_filter_options")["product"])
    default_products = list(ctx.flt.product) == scope_products(sources, list(ctx.flt.source), options)
    counts = {}
    for src in out["source"]:
        products = tuple(scope_products(sources, [src], options)) if default_products else ctx.flt.product
        other_view = dataclasses.replace(ctx.flt, source=(src,), product=products,
                                         jurisdiction=(jurisdiction,) if jurisdiction else ctx.flt.jurisdiction)
        counts[src] = int(run_query("query_kpis", other_view)["complaint_count"])
    out = out[out["source"].map(counts) > 0]
    if out.empty:
        return ""
    col = "name_zh" if ctx.lang == "zh" else "name_en"
    names = ("、" if ctx.lang == "zh" else ", ").join(str(r[col] or r["source"]) for _, r in out.iterrows())
    text = t("hidden_sources", ctx.lang, n=sum(counts[s] for s in out["source"]), names=names,
             field=FIELD_BY_NAME["source"].text("label", ctx.lang))
    if out["is_synthetic"].astype(bool).any():
        text += ("" if ctx.lang == "zh" else " ") + t("hidden_demo", ctx.lang)
    return plain(text)


def page_setup(title_key: str) -> PageContext:
    """Render the language switch, menu, title, filters and banners; return the context.

    Stops the page (``st.stop``) when there is no database or a filter value is invalid,
    after saying so on screen.
    """
    _leave_pages_directory_mode()
    lang = page_lang()
    fp, path = database()
    st.title(t(title_key, lang))
    menu = _language_and_menu(lang)  # first, so the switch is there even when a bad filter stops the page
    who = auth.gate(lang)
    if fp == "missing":
        nav.nav_links(lang, where=menu)
        name = db_label(path)
        st.info(t("no_db", lang, path=name, cmd=f".venv/bin/python -m analysis.ingest --format cfpb --db {name} FILE.csv"))
        st.stop()
    sources = run_query("query_sources")
    options = run_query("query_filter_options")
    first, last = run_query("query_date_range")
    try:
        _validate_url(options)
    except FilterError as err:
        nav.nav_links(lang, where=menu)
        _bad_filter(err, lang)
    defaults = _defaults(sources, options, first, last)
    url = _url_params()
    if "source" in url:  # a link that names the sources: its products default to theirs
        defaults["product"] = scope_products(sources, list(from_url({"source": url["source"]}).source),
                                             list(options["product"]))
    _sync_from_url(defaults, url, _page_identity(title_key))

    sb = st.sidebar
    sb.header(t("filters", lang))
    names = dict(zip(sources["source"], sources["name_zh" if lang == "zh" else "name_en"]))
    span = t("f_data_span", lang, first=first, last=last) if first else None
    for name in DATE_FIELDS:
        sb.date_input(FIELD_BY_NAME[name].text("label", lang), min_value=DATE_MIN, max_value=DATE_MAX, key=name,
                       format="YYYY-MM-DD", help=span)
    for f in FIELDS:
        if f.kind == "list":
            opts = codes.codes(f.code_list) if f.code_list else list(options[f.name])
            follow = dict(on_change=_products_follow_sources, args=(sources, list(options["product"]))) \
                if f.name == "source" else {}
            # typing finds options that contain what is typed ("fuzzy" matched OneMain to MONEYGRAM and
            # TRANSUNION); "select all matches" only for coded lists, never for names from the data
            sb.multiselect(f.text("label", lang), opts, format_func=_option_label(f.name, lang, names), key=f.name,
                           placeholder=t("f_all", lang), help=f.text("help", lang) or None,
                           filter_mode="contains", select_all=bool(f.code_list), **follow)
        elif f.kind == "choice":
            sb.selectbox(f.text("label", lang), list(f.choices), key=f.name,
                         format_func=_option_label(f.name, lang, names))
    sb.button(t("f_reset", lang), on_click=_reset_filters, key="reset_filters")
    try:
        flt = _state_to_filter(first, last).validate()
    except FilterError as err:
        nav.nav_links(lang, where=menu)
        _bad_filter(err, lang)
    defaults["product"] = scope_products(sources, list(flt.source), list(options["product"]))
    state = _sync_to_url(flt, defaults)  # products at their default for the sources shown stay out of the URL
    st.session_state["_sources_shown"] = list(flt.source)
    nav.remember_view(state)
    nav.nav_links(lang, where=menu)
    _saved_views(lang, title_key, who)
    sb.divider()
    suppress = sb.toggle(t("download_suppress", lang), value=True, key="suppress",
                         help=t("suppress_help", lang))

    view = run_query("analysis.export.context:make_view", flt, lang)
    shown = set(flt.source) if flt.source else set(sources["source"])
    if sources[sources["source"].isin(shown)]["is_synthetic"].astype(bool).any():
        st.warning(t("demo_banner", lang), icon=":material/science:")
    ctx = PageContext(lang, flt, view, suppress, who=who, page=nav.page_of(title_key))
    report_pack_controls(ctx)
    return ctx


EXPORT_FORMATS = ("png", "svg", "pdf", "xlsx", "csv")


def _export_data(name: str, ctx: PageContext, fmt: str):
    """Callable for a download button: builds the file only on click, outside the script
    run, on its own cursor of the current database version, from the page's view (filter,
    language, choices, suppression)."""
    flt, lang, choices, suppress = ctx.flt, ctx.lang, dict(ctx.choices), ctx.suppress

    def build() -> bytes:
        with reading() as cur:
            out = export_chart(cur, name, flt, lang, fmt, options=ExportOptions(suppress=suppress), choices=choices)
        return out.data if out is not None else b""
    return build


def _drill(chart_key: str, fig: go.Figure, counter_key: str) -> None:
    """Selection callback: set the filter widgets to the clicked point's target (before
    the rerun renders them); the page then writes the new view to the URL."""
    event = st.session_state.get(chart_key) or {}
    points = (event.get("selection") or {}).get("points") or []
    target = drill.targets_of(fig, points)
    if not target:
        return
    for name, values in target.items():
        f = FIELD_BY_NAME[name]
        st.session_state[name] = date.fromisoformat(values[0]) if f.kind == "date" else (
            values[0] if f.kind == "choice" else list(values))
    st.session_state[counter_key] = st.session_state.get(counter_key, 0) + 1  # a fresh chart, no stale selection
    st.session_state["_drilled"] = target


def chart_block(ctx: PageContext, fig: go.Figure, *, n_text: str, name: str,
                jurisdictions: set[str] | None = None) -> None:
    """Show a chart with its caption (filter, n, sources), a link to the complaints and
    narratives behind it, and its downloads: the data as CSV and XLSX, the chart as PNG, SVG
    and PDF (built on click by the export engine from the same view; small counts suppressed
    unless the sidebar switch is off). A chart whose figure carries drill targets
    (``analysis.drill``) filters the whole view to a clicked bar, cell or point.

    ``name`` is the catalogue chart id (analysis.charts), used in widget keys and file names.
    ``jurisdictions``: the chart's (``chart_jurisdictions``): the caption cites their sources.
    """
    counter_key = f"_drill_n_{name}"
    key = f"chart_{name}_{st.session_state.get(counter_key, 0)}"
    if drill.is_drillable(fig):
        st.plotly_chart(fig, key=key, config={"displaylogo": False}, selection_mode="points",
                        on_select=lambda: _drill(key, fig, counter_key))
    else:
        st.plotly_chart(fig, key=key, config={"displaylogo": False})
    st.caption(t("caption", ctx.lang, desc=plain(ctx.describe().rstrip(".")), n=n_text,  # "Inc." ends the sentence
                 sources=plain(ctx.source_text(jurisdictions))))
    spec = CHART_BY_NAME[name]
    nav.link_to("narratives", ctx.lang, t("behind_chart", ctx.lang), icon=":material/article:")
    for col, fmt in zip(st.columns(len(EXPORT_FORMATS), gap="small", width=560), EXPORT_FORMATS):
        col.download_button(fmt.upper(), data=_export_data(name, ctx, fmt),
                            file_name=export_file_name(spec.page, name, ctx.lang, fmt, date.today()),
                            mime=MIME[fmt], key=f"dl_{name}_{fmt}", on_click="ignore", icon=":material/download:",
                            help=t("download_help", ctx.lang, fmt=fmt.upper()))


def report_pack_controls(ctx: PageContext) -> None:
    """Sidebar: build the report pack (every chart of every page, data, PDF report) for the
    current filters and language, with a progress bar; then offer it for download."""
    key = (ctx.flt, ctx.lang, ctx.suppress)
    built = st.session_state.get("report_pack")
    label = t("report_pack_again" if built and built[0] == key else "report_pack", ctx.lang)
    if st.sidebar.button(label, key="build_report_pack", icon=":material/inventory_2:"):
        bar = st.progress(0.0, t("report_building", ctx.lang))
        try:
            with reading() as cur:
                name, data = build_report_pack(
                    cur, ctx.flt, ctx.lang, options=ExportOptions(suppress=ctx.suppress), renderer=shared_renderer(),
                    progress=lambda f, m: bar.progress(min(1.0, f), f"{t('report_building', ctx.lang)} {m}"))
        except Exception:  # noqa: BLE001 - said on screen; the traceback goes to the server's log
            logging.getLogger(__name__).exception("report pack failed")
            bar.empty()
            st.sidebar.error(t("report_failed", ctx.lang))
            return
        bar.empty()
        st.session_state["report_pack"] = (key, name, data)
        st.rerun()  # the build button now says it builds again, beside the one download
    stored = st.session_state.get("report_pack")
    if stored and stored[0] == key:
        st.sidebar.download_button(t("report_pack_download", ctx.lang), data=stored[2], file_name=stored[1],
                                   mime="application/zip", key="dl_report_pack", on_click="ignore", type="primary",
                                   icon=":material/download:")


def show_chart(ctx: PageContext, name: str, kpis: dict) -> bool:
    """Render catalogue chart ``name`` (analysis.charts) with caption and download; says so
    in words when there is nothing to draw. Returns True when a chart was drawn."""
    spec = CHART_BY_NAME[name]
    frame = run_query(spec.query, ctx.flt, *spec.query_args(ctx.choices))
    built = build_chart(None, name, ctx.flt, ctx.lang, kpis=kpis, frame=frame, choices=ctx.choices)
    if built.figure is None:
        return False
    n_text = (n_complaints if spec.unit == "complaints" else n_incidents)(built.n, ctx.lang)
    chart_block(ctx, built.figure, n_text=n_text, name=name, jurisdictions=chart_jurisdictions(spec, built.frame))
    return True


def page_choice(ctx: PageContext, key: str, options: list[str], default: str, label: str,
                format_func=None, where=None, kind: str = "segmented") -> str:
    """A page's own choice (a period, a measure, a minimum count) kept in the URL under
    ``key`` and recorded in ``ctx.choices`` (chart queries and every export read it there)
    and for the menu's link back to the page (``nav.remember_choice``).

    ``options``: the allowed values (strings); a URL value outside them falls back to
    ``default``, with a warning that says so (and the URL is corrected). ``kind``: ``segmented`` (few options) or ``select``. ``where``: a container
    (default: the page body). Returns the chosen value.
    """
    raw = st.query_params.get(key)
    if raw is not None and raw not in options:  # a link with a value this page does not offer: say so
        st.warning(t("bad_choice", ctx.lang, value=plain(raw), label=plain(label)), icon=":material/link_off:")
        st.query_params[key] = default
    value = url_choice(key, options, default)
    wkey = f"choice_{key}"
    # the URL changed from outside, or Streamlit dropped the widget's state while another page
    # was shown (the control then showed no option chosen): follow the URL
    if st.session_state.get(f"_{wkey}_url") != value or st.session_state.get(wkey) not in options:
        st.session_state[wkey] = value
        st.session_state[f"_{wkey}_url"] = value

    def changed() -> None:
        new = st.session_state.get(wkey) or default
        st.query_params[key] = new
        st.session_state[f"_{wkey}_url"] = new
        nav.remember_choice(ctx.page, key, new)  # before the menu is drawn again

    box = where if where is not None else st
    fmt = format_func or str
    if kind == "select":
        box.selectbox(label, options, key=follows_language(wkey), format_func=fmt, on_change=changed)
    else:
        box.segmented_control(label, options, key=wkey, format_func=fmt, required=True, on_change=changed)
    value = st.session_state.get(wkey) or default
    ctx.choices[key] = value
    nav.remember_choice(ctx.page, key, value)
    return value


def url_choice(key: str, options: list[str], default: str) -> str:
    """A single choice kept in the URL under ``key`` (validated against ``options``)."""
    raw = st.query_params.get(key, default)
    return raw if raw in options else default


#: Width of one key figure (px): a row of them wraps on a narrow window instead of cutting
#: "3,669" to "3,…" (five side by side at 1024 px did); five fit in one row at 1400 px.
METRIC_PX = 170


def metrics_row(items: list[dict], *, border: bool = True) -> None:
    """Key figures side by side, wrapping onto another row when the page is narrow. ``items``:
    keyword arguments of ``st.metric`` each (``label``, ``value``, optional ``help``)."""
    row = st.container(horizontal=True, wrap=True, gap="small")
    for item in items:
        row.metric(**item, border=border, width=METRIC_PX)


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
    lang = page_lang()
    nav.nav_links(lang, where=_language_and_menu(lang))
    st.title(t(title_key, lang))
    return lang


def remove_data(ctx: PageContext) -> None:
    """The Data page's "remove an import or a source" box (editors): pick one, type its id to
    confirm, remove it (``analysis.deletion``; audited as the signed-in person)."""
    from analysis import deletion
    lang = ctx.lang
    with st.expander(t("del_title", lang), icon=":material/delete:", expanded="del_done" in st.session_state):
        if done := st.session_state.pop("del_done", None):  # said after the box is drawn again without it
            st.success(done)
        st.caption(t("del_note", lang))
        kind = st.radio(t("del_kind", lang), ["import", "source"], horizontal=True, key="del_kind",
                        format_func=lambda k: t(f"del_kind_{k}", lang))
        if kind == "import":
            imports = run_query("query_imports")
            imports = imports[imports["status"] == "imported"]
            options = list(imports["import_id"])
            labels = {r.import_id: f"{r.import_id} · {r.source_file} · {int(r.accepted_count):,}"
                      for r in imports.itertuples()}
        else:
            sources = run_query("query_sources")
            options = list(sources["source"])
            labels = {r.source: f"{r.source} · {int(r.complaint_count or 0):,}" for r in sources.itertuples()}
        if not options:
            st.caption(t("del_none", lang))
            return
        chosen = st.selectbox(t(f"del_kind_{kind}", lang), options, key=f"del_pick_{kind}",
                              format_func=lambda v: labels.get(v, v))
        goes = run_query("analysis.deletion:query_deletion_preview", None, kind, chosen)
        if goes["reviewed"]:
            st.warning(t("del_reviews", lang, n=f"{goes['complaints']:,}", reviewed=f"{goes['reviewed']:,}",
                         decisions=f"{goes['decisions']:,}"), icon=":material/rate_review:")
        if goes["incidents"]:
            st.warning(t("del_incidents", lang, n=f"{goes['incidents']:,}"), icon=":material/call:")
        typed = st.text_input(t("del_confirm", lang, id=chosen), key=f"del_typed_{kind}")
        if st.button(t("del_button", lang), key="del_go", type="primary", disabled=typed.strip() != chosen,
                     icon=":material/delete_forever:"):
            who = auth.check("delete", lang)
            fn = deletion.delete_import if kind == "import" else deletion.delete_source
            try:
                out = fn(database()[1], chosen, who.actor())
            except deletion.NothingToDelete as err:
                st.error(plain(str(err)))
                return
            said = t("del_done", lang, id=plain(chosen), n=f"{out['complaints']:,}", rows=f"{out['file_rows']:,}",
                     reviewed=f"{out['reviewed']:,}", decisions=f"{out['decisions']:,}")
            if out["incidents"]:
                said += ("" if lang == "zh" else " ") + t("del_done_incidents", lang, n=f"{out['incidents']:,}")
            if out["reopened"]:
                said += ("" if lang == "zh" else " ") + t("del_done_reopened", lang, n=f"{out['reopened']:,}")
            st.session_state["del_done"] = said
            for k in (f"del_typed_{kind}", f"del_pick_{kind}"):  # the removed one is no longer on offer
                st.session_state.pop(k, None)
            st.rerun()


def narrative_labels_box(ctx: PageContext) -> None:
    """The Data page's "narrative labels" section: the classifier version in use, how many
    narratives older patterns read (``analysis.narratives.stale_counts``) and, for editors,
    re-reading exactly those (``analysis.classify.relabel``; audited as the signed-in person)."""
    lang = ctx.lang
    st.subheader(t("stale_title", lang))
    if done := st.session_state.pop("stale_done", None):  # said after the page is drawn again with the new counts
        st.success(done)
    stale = run_query("analysis.narratives:stale_counts")
    if stale.get("unread"):
        st.info(t("stale_unread", lang, n=f"{stale['unread']:,}", db=db_label()), icon=":material/visibility_off:")
    if not stale["complaints"]:
        st.caption(t("stale_none", lang, version=stale["version"]))
        return
    st.warning(t("stale_some", lang, n=f"{stale['complaints']:,}", labels=f"{stale['labels']:,}",
                 suggestions=f"{stale.get('suggestions', 0):,}", version=stale["version"]), icon=":material/update:")
    if not auth.can(ctx.who, "relabel"):
        st.caption(t("stale_ask", lang, db=db_label()))
        return
    if st.button(t("stale_button", lang, n=f"{stale['complaints']:,}"), key="relabel_stale", icon=":material/refresh:"):
        who = auth.check("relabel", lang)
        from analysis.classify.relabel import relabel
        bar = st.progress(0.0, t("stale_running", lang))
        try:
            found, _, _ = relabel(database()[1], progress=lambda f, m: bar.progress(min(1.0, f), progress_text(m, lang)),
                                  actor=who.actor())
        finally:
            bar.empty()
        # drawn again, so the warning and the button above no longer show the counts from before
        st.session_state["stale_done"] = t("stale_done", lang, n=f"{found['narratives']:,}", labels=f"{found['labels']:,}")
        st.rerun()


def conduct_model_box(ctx: PageContext) -> None:
    """The Data page's "conduct model" section: the model in use (version, when, from how many
    texts, how many of them this database's reviewed complaints), how many reviewed complaints it
    has not learned from (``analysis.reviews.reviewed_counts`` since the latest review it saw) and,
    for admins (``train_model``), retraining it with them (``analysis.classify.model
    .train_from_sources``; audited). Retraining is refused when a labelled training set cannot be
    read here (``training_gaps``): the model would lose what it learned from them."""
    from analysis.classify import model as M
    lang, path = ctx.lang, database()[1]
    st.subheader(t("model_title", lang))
    done = st.session_state.pop("_model_trained", None)  # set by the retraining below, before its rerun
    if done:
        st.success(done)
    try:
        current = M.available_model()
    except ValueError as err:
        st.error(t("model_bad", lang, error=plain(str(err)), db=db_label()))
        current = None
    else:
        if current is None:
            st.info(t("model_none", lang, db=db_label()), icon=":material/model_training:")
    seen_db = current is not None and current.manifest.get("db") == path.name
    counts = run_query("analysis.reviews:reviewed_counts", None,
                       current.manifest.get("db_reviewed_until") if seen_db else None)
    if current is not None:
        m = current.manifest
        when = m.get("trained_at") or datetime.fromtimestamp(M.model_path().stat().st_mtime, timezone.utc).isoformat()
        st.caption(t("model_info", lang, version=m["version"], when=when[:16].replace("T", " "),
                     examples=f"{m['examples']:,}", reviewed=f"{m['by_origin'].get('db:reviewed', 0) if seen_db else 0:,}",
                     weak=f"{m['by_origin'].get('db:weak', 0) if seen_db else 0:,}", conducts=len(current.labels)))
        if m.get("skipped_sets"):
            st.warning(t("model_reduced", lang, sets=len(m["skipped_sets"]),
                         files=plain(_listed(M.skipped_files(m["skipped_sets"]), lang))), icon=":material/warning:")
            _sets_list(m["skipped_sets"], lang)
    if not counts["reviewed"]:
        return
    if not counts["since"] and current is not None:
        st.caption(t("model_current", lang, total=f"{counts['reviewed']:,}"))
        return
    st.info(t("model_unseen", lang, n=f"{counts['since']:,}", total=f"{counts['reviewed']:,}"),
            icon=":material/rate_review:")
    if not auth.can(ctx.who, "train_model"):
        st.caption(t("model_ask", lang, db=db_label()))
        return
    def refused(skipped: list[str]) -> bool:
        if skipped:
            st.warning(t("model_missing_sets", lang, sets=len(skipped), files=plain(_listed(M.skipped_files(skipped), lang)),
                         folder=plain(str(M.shared_dir()))))
            _sets_list(skipped, lang)
        return bool(skipped)
    if refused(M.training_gaps()):
        return
    if st.button(t("model_button", lang), key="train_model", icon=":material/model_training:"):
        who = auth.check("train_model", lang)
        model = run_with_progress(t("model_running", lang), lambda say: M.train_from_sources(path, progress=say),
                                  "model_bad_train", lang)
        if model is None:
            return
        if refused(model.manifest["skipped_sets"]):  # a set went missing since the page was drawn
            return
        model.save(M.model_path())
        m = model.manifest
        from analysis import audit, db
        with db.write_transaction(path, "train the conduct model") as con:
            audit.record(con, who.actor(), "train_model", target=m["version"], rows_read=m["examples"],
                         detail={"previous": current.version if current is not None else None,
                                 "reviewed": m["by_origin"].get("db:reviewed", 0), "trained_at": m["trained_at"]})
        st.session_state["_model_trained"] = t("model_done", lang, version=m["version"], examples=f"{m['examples']:,}",
                                               reviewed=f"{m['by_origin'].get('db:reviewed', 0):,}",
                                               weak=f"{m['by_origin'].get('db:weak', 0):,}")
        st.rerun()  # the section above now counts the suggestions of the old model as stale


def _listed(items: list[str], lang: str) -> str:
    """Items joined as a list in ``lang`` ("a, b" / "a、b")."""
    return ("、" if lang == "zh" else ", ").join(items)


def _sets_list(skipped: list[str], lang: str) -> None:
    """The skipped training sets, one per line, folded away under the warning that counts them."""
    from analysis.classify import model as M
    with st.expander(t("model_sets_list", lang)):
        st.text("\n".join(t("model_set_needs", lang, set=name, file=need) if need else name
                          for name, need in M.skipped_sets(skipped)))


#: Session key of what the last change on an editing page saved (a sentence in the user's
#: language), shown by ``editor_page`` above the lock when that change ended single-user mode.
SAVED_NOTICE_KEY = "_saved_notice"


def editor_page(title_key: str, action: str) -> tuple[str, "auth.Identity"]:
    """``page_header`` for a page that changes the data (Import, Intake): also the sign-in box
    and the check that this person may do ``action`` (``analysis.accounts.ACTIONS``), which
    stops the page with the reason otherwise. When the page's last change is what locked it (the
    first real complaints end single-user mode), its confirmation (``SAVED_NOTICE_KEY``) is shown
    first, so the entry does not look lost. Returns ``(lang, identity)``."""
    lang = page_header(title_key)
    auth.gate(lang)
    notice = st.session_state.pop(SAVED_NOTICE_KEY, None)  # (the page itself says it when not locked)
    if notice and not auth.can(auth.current(), action):
        st.success(notice, icon=":material/task_alt:")
    return lang, auth.check(action, lang)


def progress_text(message: str, lang: str) -> str:
    """A progress message of the importers, relabelling or training (English, from the reasons
    catalogue's ``progress_*`` entries) in ``lang``, as plain text for the progress bar."""
    return plain(reason_text(message, lang))


def run_with_progress(label: str, work, error_key: str, lang: str):
    """Run ``work(progress)`` (an import or save taking a ``progress(fraction, message)``
    callback) under a progress bar. On ``ImportRefused`` or ``ValueError`` (nothing was
    written) show ``t(error_key, msg=...)`` and return None; else return ``work``'s result."""
    bar = st.progress(0.0, label)
    try:
        return work(lambda f, msg: bar.progress(min(1.0, max(0.0, f)), progress_text(msg, lang)))
    except (ImportRefused, ValueError) as err:
        st.error(t(error_key, lang, msg=plain(refusal_text(err, lang))))
        return None
    finally:
        bar.empty()
