"""Channels and outcomes: outcome mix, timeliness and response days per channel, and the
flow from submission medium to organisation to outcome."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import streamlit as st  # noqa: E402

from analysis import figures  # noqa: E402
from analysis.i18n import t  # noqa: E402
from ui.page import chart_block, n_complaints, page_setup, url_choice  # noqa: E402
from ui.state import run_query  # noqa: E402

ctx = page_setup("page_channels")
lang = ctx.lang
k = run_query("query_kpis", ctx.flt)
if k["complaint_count"] == 0:
    st.info(t("no_data", lang))
    st.stop()
n_all = n_complaints(k["complaint_count"], lang)

CHANNELS = ["filed_with", "submission_medium"]
st.session_state["channel"] = url_choice("channel", CHANNELS, "filed_with")
channel = st.segmented_control(t("channel_dim", lang), CHANNELS, key="channel", required=True,
                               format_func=lambda v: t("f_filed_with" if v == "filed_with" else "f_medium", lang),
                               on_change=lambda: st.query_params.__setitem__("channel", st.session_state["channel"]))
mix = run_query("query_channel_outcomes", ctx.flt, channel)
chart_block(ctx, figures.make_outcome_mix_bar(mix, channel, lang), mix, n_text=n_all, name=f"outcome_mix_{channel}")
summary = run_query("query_channel_summary", ctx.flt, channel)
chart_block(ctx, figures.make_channel_timeliness_bar(summary, channel, lang), summary, n_text=n_all,
            name=f"channel_timeliness_{channel}")
st.caption(t("response_days_note", lang))
flow = run_query("query_channel_flow", ctx.flt)
chart_block(ctx, figures.make_channel_sankey(flow, lang), flow, n_text=n_all, name="channel_flow")
