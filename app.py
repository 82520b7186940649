"""Collection Watch (催收观察): entry point. ``streamlit run app.py [-- --db PATH]``."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analysis.i18n import t  # noqa: E402

st.set_page_config(page_title="Collection Watch · 催收观察", page_icon=":material/phone_in_talk:", layout="wide")
lang = st.query_params.get("lang", "zh")
lang = lang if lang in ("zh", "en") else "zh"
PAGES = [
    st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/time_of_day.py", title=t("page_time", lang), icon=":material/schedule:", url_path="time_of_day"),
    st.Page("pages/methods_conduct.py", title=t("page_methods", lang), icon=":material/phone_in_talk:", url_path="methods_conduct"),
    st.Page("pages/channels_outcomes.py", title=t("page_channels", lang), icon=":material/account_tree:", url_path="channels_outcomes"),
    st.Page("pages/narratives.py", title=t("page_narratives", lang), icon=":material/article:", url_path="narratives"),
    st.Page("pages/import_data.py", title=t("page_import", lang), icon=":material/upload_file:", url_path="import"),
    st.Page("pages/intake.py", title=t("page_intake", lang), icon=":material/edit_note:", url_path="intake"),
    st.Page("pages/data.py", title=t("page_data", lang), icon=":material/database:", url_path="data"),
]
st.navigation(PAGES).run()
