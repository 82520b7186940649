"""Time of day: hour × weekday heatmaps with forbidden hours, outside-hours share over
time, and — always visible — how precisely incident times are known."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import figures  # noqa: E402
from analysis.i18n import t  # noqa: E402
from ui.page import chart_block, n_incidents, page_setup  # noqa: E402
from ui.state import run_query  # noqa: E402

ctx = page_setup("page_time")
lang = ctx.lang
coverage = run_query("query_time_coverage", ctx.flt)
total = int(coverage["incident_count"].sum())
if total == 0:
    st.info(t("no_data", lang))
    st.stop()

st.info(t("coverage_note", lang))
chart_block(ctx, figures.make_time_coverage_bar(coverage, lang), coverage, n_text=n_incidents(total, lang),
            name="time_coverage")

grid = run_query("query_incidents_by_hour_weekday", ctx.flt)
if grid.empty:
    st.warning(t("no_exact_times", lang))
else:
    for jur in [j for j in ("CN", "US", "UK") if j in set(grid["jurisdiction"])]:
        sub = grid[grid["jurisdiction"] == jur]
        chart_block(ctx, figures.make_hour_weekday_heatmap(grid, jur, lang), sub,
                    n_text=n_incidents(sub["incident_count"].sum(), lang), name=f"time_heatmap_{jur.lower()}")
    share = run_query("query_outside_share_by_month", ctx.flt)
    if share.empty:
        st.info(t("no_dated_times", lang))
    else:
        chart_block(ctx, figures.make_outside_share_trend(share, lang), share,
                    n_text=n_incidents(share["exact_time_incident_count"].sum(), lang), name="time_outside_share_trend")
st.caption(t("unreviewed", lang))
