"""Collection Watch (催收观察): entry point. ``streamlit run app.py [-- --db PATH]``.

The pages are listed once in ``ui.nav.PAGES``; each page draws the menu itself (with the
view's filters and language in every link)."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ui.nav import build_navigation  # noqa: E402
from ui.state import page_lang  # noqa: E402

# a local file: a material icon here made every page fetch it from fonts.gstatic.com (offline: an
# error; online: Google told the dashboard is in use)
ICON = Path(__file__).resolve().parent / "ui" / "static" / "favicon.png"
st.set_page_config(page_title="Collection Watch · 催收观察", page_icon=str(ICON), layout="wide")
build_navigation(page_lang()).run()
