"""Time of day: how precisely times are known (always shown first), hour × weekday
heatmaps with the forbidden hours marked, and the outside-hours share by month."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis.i18n import t  # noqa: E402
from ui.page import page_setup, show_chart  # noqa: E402
from ui.state import run_query  # noqa: E402

ctx = page_setup("page_time")
lang = ctx.lang
k = run_query("query_kpis", ctx.flt)
if k["incident_count"] == 0:
    st.info(t("no_data", lang))
    st.stop()

st.info(t("coverage_note", lang))
show_chart(ctx, "time_coverage", k)
drawn = [show_chart(ctx, f"time_heatmap_{jur}", k) for jur in ("cn", "us", "uk")]
if not any(drawn):
    st.warning(t("no_exact_times", lang))
elif not show_chart(ctx, "time_outside_share_trend", k):
    st.info(t("no_dated_times", lang))
st.caption(t("unreviewed", lang))
