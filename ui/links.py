"""A page link that also works when a page runs on its own (AppTest, or before app.py's
navigation is known): then it falls back to a plain link to the page's URL path."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError


def page_link(page: str, url_path: str, label: str, *, icon: str | None = None,
              query_params: dict[str, str] | None = None) -> None:
    """``st.page_link(page, ...)``, or a Markdown link to ``/url_path?query`` when ``page`` is
    not registered with ``st.navigation`` in this run."""
    try:
        st.page_link(page, label=label, icon=icon, query_params=query_params)
    except StreamlitPageNotFoundError:
        query = urlencode(query_params or {})
        st.markdown(f"[{label}](/{url_path}{'?' + query if query else ''})")
