"""The dashboard's pages, listed once: ``app.py`` builds the navigation from ``PAGES`` and
every page draws the same sidebar links with ``nav_links``, each carrying the whole view
(every filter and the language), so moving between pages keeps what the analyst chose.

Streamlit's own sidebar navigation drops the URL's query parameters on a page switch, so
it is hidden (``st.navigation(..., position="hidden")``) and replaced by these links.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analysis.i18n import t
from ui.text import plain  # noqa: F401  (re-exported: pages import it from here)


@dataclass(frozen=True)
class NavPage:
    """One page: ``url_path`` (also its key), ``script`` (path under the repository),
    ``title_key`` (i18n), ``icon`` (Material icon), ``filters`` (True: the page reads the
    view's filters, so a link to it carries them)."""

    url_path: str
    script: str
    title_key: str
    icon: str
    filters: bool = True


PAGES: tuple[NavPage, ...] = (
    NavPage("overview", "pages/overview.py", "page_overview", ":material/dashboard:"),
    NavPage("time_of_day", "pages/time_of_day.py", "page_time", ":material/schedule:"),
    NavPage("methods_conduct", "pages/methods_conduct.py", "page_methods", ":material/phone_in_talk:"),
    NavPage("channels_outcomes", "pages/channels_outcomes.py", "page_channels", ":material/account_tree:"),
    NavPage("companies", "pages/companies.py", "page_companies", ":material/domain:"),
    NavPage("trends", "pages/trends.py", "page_trends", ":material/trending_up:"),
    NavPage("places", "pages/places.py", "page_places", ":material/map:"),
    NavPage("narratives", "pages/narratives.py", "page_narratives", ":material/article:"),
    NavPage("import", "pages/import_data.py", "page_import", ":material/upload_file:", filters=False),
    NavPage("intake", "pages/intake.py", "page_intake", ":material/edit_note:", filters=False),
    NavPage("data", "pages/data.py", "page_data", ":material/database:"),
)
PAGE_BY_PATH = {p.url_path: p for p in PAGES}
#: The page shown at the root URL (also reachable at its own path).
HOME = PAGES[0]
#: Session key of the last view's URL parameters (filters and language), for links drawn
#: on pages without filters.
VIEW_KEY = "_view_params"
#: Session key of each page's own choices (``ui.page.page_choice``: a measure, a period),
#: ``{url_path: {key: value}}``, so a link back to a page shows it as it was left.
CHOICES_KEY = "_page_choices"


def page_of(title_key: str) -> str:
    """The ``url_path`` of the page whose title is ``title_key`` ("" if none)."""
    return next((p.url_path for p in PAGES if p.title_key == title_key), "")


def remember_choice(page: str, key: str, value: str) -> None:
    """Keep page ``page``'s choice ``key`` = ``value`` for the links to it (``CHOICES_KEY``)."""
    if page:
        st.session_state.setdefault(CHOICES_KEY, {}).setdefault(page, {})[key] = value


def build_navigation(lang: str):
    """``st.navigation`` over ``PAGES`` (hidden: ``nav_links`` draws the menu). The home page
    is served at ``/`` and also at ``/<its url_path>``, so every page has a working URL."""
    pages = [st.Page(HOME.script, title=t(HOME.title_key, lang), icon=HOME.icon, url_path="home", default=True)]
    pages += [st.Page(p.script, title=t(p.title_key, lang), icon=p.icon, url_path=p.url_path) for p in PAGES]
    return st.navigation(pages, position="hidden")


def remember_view(params: dict[str, list[str]]) -> None:
    """Keep the current view's URL parameters (filters and language) for the links."""
    st.session_state[VIEW_KEY] = params


def view_params(lang: str) -> dict[str, list[str]]:
    """The last view's URL parameters with ``lang`` (only ``lang`` before any view)."""
    params = dict(st.session_state.get(VIEW_KEY) or {})
    params["lang"] = [lang]
    return params


def _query(params: dict[str, list[str]]) -> dict[str, str | list[str]]:
    return {k: (v if len(v) != 1 else v[0]) for k, v in params.items()}


def link_to(url_path: str, lang: str, label: str | None = None, icon: str | None = None,
            extra: dict[str, list[str]] | None = None, where=None, keep_view: bool = True) -> None:
    """A link to page ``url_path`` carrying the view (unless ``keep_view`` is False: then
    only the language) and ``extra`` parameters. Falls back to a plain Markdown link when the
    page runs without ``app.py``'s navigation (AppTest)."""
    from urllib.parse import urlencode

    from streamlit.errors import StreamlitPageNotFoundError
    page = PAGE_BY_PATH[url_path]
    params = view_params(lang) if page.filters and keep_view else {"lang": [lang]}
    if keep_view:
        params.update({k: [v] for k, v in st.session_state.get(CHOICES_KEY, {}).get(url_path, {}).items()})
    params.update(extra or {})
    box = where if where is not None else st
    text = label or t(page.title_key, lang)
    try:
        box.page_link(page.script, label=text, icon=icon or page.icon, query_params=_query(params))
    except StreamlitPageNotFoundError:
        box.markdown(f"[{text}](/{url_path}?{urlencode(params, doseq=True)})")




def link_to_view(view, label: str, where=None) -> None:
    """A link to a saved view (``analysis.views.SavedView``): its page with its parameters;
    ``label`` is shown as plain text."""
    label = plain(label)
    from urllib.parse import urlencode

    from streamlit.errors import StreamlitPageNotFoundError
    box = where if where is not None else st
    page = PAGE_BY_PATH.get(view.page)
    if page is None:
        return
    try:
        box.page_link(page.script, label=label, icon=":material/bookmark:", query_params=_query(view.params))
    except StreamlitPageNotFoundError:
        box.markdown(f"[{label}](/{view.page}?{urlencode(view.params, doseq=True)})")


def nav_links(lang: str, where=None) -> None:
    """The menu: one link per page, each carrying the view."""
    box = where if where is not None else st.sidebar
    for p in PAGES:
        link_to(p.url_path, lang, where=box)
