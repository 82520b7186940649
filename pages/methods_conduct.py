"""Methods and conduct: counts, monthly trend, co-occurrence and the company breakdown."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis.i18n import t  # noqa: E402
from ui.page import chart_page, show_chart  # noqa: E402

ctx, k = chart_page("page_methods", unreviewed=True)
lang = ctx.lang

# One chart per row: side by side, the long conduct labels and the count texts did not fit
# (labels cut at the left edge, "1,144 (4" at the right) and the download buttons were squeezed.
has_conducts = show_chart(ctx, "conduct_counts", k)
if not has_conducts:
    st.info(t("no_conducts", lang))
if not show_chart(ctx, "method_counts", k):
    st.info(t("chart_empty", lang))
if has_conducts:
    show_chart(ctx, "conduct_trend", k)
    if show_chart(ctx, "conduct_cooccurrence", k):
        st.caption(t("cooccur_note", lang))
    show_chart(ctx, "company_conduct", k)
